import { anything, boolean, integer, list, mapOf, object, oneOf, openObject, resource, string } from './dsl.js';
import type { OpenApiSchema } from './openapi.js';

/*
 * Argo Workflows kinds (the indexing workflows; Argo's CRDs come from its chart, not the
 * repository). The field names are Argo v4.1's (api/jsonschema/schema.json at v4.1.2, whose
 * definitions test/data/argo-schema.test.ts compares with these): the workflow spec, a template,
 * a step, a parameter and the CronWorkflow spec are closed, so a misspelt field is an error; what
 * a template runs (container, script) is Kubernetes' and left open. Chart 2.0.4 runs Argo v4.1.1
 * or v4.1.2 (src/catalog/components/argo.ts); the schema file is one blob (62b82e11) at the tags
 * v4.1.0, v4.1.1 and v4.1.2 of argoproj/argo-workflows, so these names hold for either.
 */

/** Every field of `name` in Argo's schema, each open unless `typed` says more. */
const closed = (fields: readonly string[], typed: Record<string, OpenApiSchema> = {}, required: string[] = []): OpenApiSchema =>
  object(Object.fromEntries(fields.map((f) => [f, typed[f] ?? anything])), required);

export const ARGO_FIELDS = {
  WorkflowSpec: [
    'activeDeadlineSeconds', 'affinity', 'archiveLogs', 'arguments', 'artifactGC', 'artifactRepositoryRef', 'automountServiceAccountToken',
    'dnsConfig', 'dnsPolicy', 'entrypoint', 'executor', 'executorPlugins', 'hooks', 'hostAliases', 'hostNetwork', 'imagePullSecrets',
    'metrics', 'nodeSelector', 'onExit', 'parallelism', 'podDisruptionBudget', 'podGC', 'podMetadata', 'podPriorityClassName',
    'podResources', 'podSpecPatch', 'priority', 'resourceClaims', 'retryStrategy', 'schedulerName', 'securityContext',
    'serviceAccountName', 'shutdown', 'suspend', 'synchronization', 'templateDefaults', 'templates', 'tolerations', 'ttlStrategy',
    'volumeClaimGC', 'volumeClaimTemplates', 'volumes', 'workflowMetadata', 'workflowTemplateRef',
  ],
  CronWorkflowSpec: [
    'concurrencyPolicy', 'failedJobsHistoryLimit', 'schedules', 'startingDeadlineSeconds', 'stopStrategy', 'successfulJobsHistoryLimit',
    'suspend', 'timezone', 'when', 'workflowMetadata', 'workflowSpec',
  ],
  Template: [
    'activeDeadlineSeconds', 'affinity', 'annotations', 'archiveLocation', 'automountServiceAccountToken', 'container', 'containerSet',
    'daemon', 'dag', 'data', 'executor', 'failFast', 'hostAliases', 'http', 'initContainers', 'inputs', 'memoize', 'metadata', 'metrics',
    'name', 'nodeSelector', 'outputs', 'parallelism', 'pendingTimeout', 'plugin', 'podResources', 'podSpecPatch', 'priorityClassName',
    'resource', 'resourceClaims', 'retryStrategy', 'schedulerName', 'script', 'securityContext', 'serviceAccountName', 'sidecars', 'steps',
    'suspend', 'synchronization', 'timeout', 'tolerations', 'volumes',
  ],
  WorkflowStep: ['arguments', 'continueOn', 'hooks', 'inline', 'name', 'onExit', 'template', 'templateRef', 'when', 'withItems', 'withParam', 'withSequence'],
  Arguments: ['artifacts', 'parameters'],
  Parameter: ['default', 'description', 'enum', 'globalName', 'name', 'value', 'valueFrom'],
  TemplateRef: ['clusterScope', 'name', 'template'],
  WorkflowTemplateRef: ['clusterScope', 'name'],
} as const;

const parameter = closed(ARGO_FIELDS.Parameter, { name: string() }, ['name']);
const parameters = closed(ARGO_FIELDS.Arguments, { parameters: list(parameter) });
const step = closed(ARGO_FIELDS.WorkflowStep, {
  name: string(),
  template: string(),
  arguments: parameters,
  templateRef: closed(ARGO_FIELDS.TemplateRef, { name: string(), template: string(), clusterScope: boolean }),
});
const template = closed(ARGO_FIELDS.Template, {
  name: string(),
  inputs: parameters,
  // Steps run in groups: a list of parallel steps per group.
  steps: list(list(step)),
  container: openObject({ image: string() }, ['image']),
  script: openObject({ image: string(), source: string() }, ['image', 'source']),
});
const workflowSpec = closed(ARGO_FIELDS.WorkflowSpec, {
  entrypoint: string(),
  serviceAccountName: string(),
  arguments: parameters,
  templates: list(template),
  workflowTemplateRef: closed(ARGO_FIELDS.WorkflowTemplateRef, { name: string(), clusterScope: boolean }, ['name']),
  nodeSelector: mapOf(string()),
});
const cronWorkflowSpec = closed(
  ARGO_FIELDS.CronWorkflowSpec,
  {
    schedules: list(string()),
    timezone: string(),
    concurrencyPolicy: oneOf('Allow', 'Forbid', 'Replace'),
    successfulJobsHistoryLimit: integer,
    failedJobsHistoryLimit: integer,
    startingDeadlineSeconds: integer,
    suspend: boolean,
    workflowSpec,
  },
  ['schedules', 'workflowSpec'],
);

/**
 * Keyed by `apiVersion/Kind`, as the built-in schemas: the two kinds a repository keeps (a
 * Workflow is submitted, not committed). Each compiles to ~50 KB of validator code in the bundle.
 */
export const BUNDLED_ARGO_SCHEMAS: readonly (readonly [string, OpenApiSchema])[] = [
  ['argoproj.io/v1alpha1/WorkflowTemplate', resource({ spec: workflowSpec }, ['spec'])],
  ['argoproj.io/v1alpha1/CronWorkflow', resource({ spec: cronWorkflowSpec, status: anything }, ['spec'])],
];
