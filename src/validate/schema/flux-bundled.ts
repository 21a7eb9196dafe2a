import { anything, boolean, integer, list, localRef, mapOf, object, oneOf, openObject, resource, string } from './dsl.js';
import type { OpenApiSchema } from './openapi.js';

/*
 * The fallback when a repository carries no gotk-components.yaml (not bootstrapped yet).
 *
 * Why our own schemas and not @kubernetes-models/flux-cd@4.0.0: that package ships only
 * pre-compiled validators built from the Go types, so it cannot be made strict. It accepts unknown
 * fields (`spec.bogus`, a misspelt `dependOn`) and any `interval`, the two defects issue 3 asks us
 * to catch. It also declares node >= 22, and it lags Flux (no ArtifactGenerator, Provider types end
 * at Flux 2.7/2.8). These schemas are written by hand from the Flux 2.9 API reference: every spec
 * field of each kind is named (so misspellings are caught everywhere), with types, enums and
 * required fields; sub-objects we do not model keep unknown fields. When bootstrap has written the
 * CRDs into the repository, those are used instead (see crd-schemas.ts).
 */

const sourceRef = (kinds: string[]) => object({ apiVersion: string(), kind: oneOf(...kinds), name: string(), namespace: string() }, ['kind', 'name']);
const dependsOn = list(object({ name: string(), namespace: string(), readyExpr: string() }, ['name']));
const metadataFields = object({ annotations: mapOf(string()), labels: mapOf(string()) });
const selector = object({
  group: string(),
  version: string(),
  kind: string(),
  name: string(),
  namespace: string(),
  labelSelector: string(),
  annotationSelector: string(),
});
const patches = list(object({ patch: string(), target: selector }, ['patch']));
const images = list(object({ name: string(), newName: string(), newTag: string(), digest: string() }, ['name']));
const kubeConfig = object({ configMapRef: localRef, secretRef: object({ name: string(), key: string() }, ['name']) });
const healthCheckExprs = list(object({ apiVersion: string(), kind: string(), current: string(), failed: string(), inProgress: string() }, ['apiVersion', 'current']));
const ignoreRules = list(object({ paths: list(string()), target: selector }, ['paths']));
const strategy = object({ name: oneOf('RemediateOnFailure', 'RetryOnFailure'), retryInterval: string() }, ['name']);
const crds = oneOf('Skip', 'Create', 'CreateReplace');
const serverSideApply = oneOf('enabled', 'disabled', 'auto');
const verifyChart = openObject({ provider: oneOf('cosign', 'notation'), secretRef: localRef }, ['provider']);

const kustomizationSpec = object(
  {
    buildMetadata: list(string()),
    commonMetadata: metadataFields,
    components: list(string()),
    decryption: object({ provider: oneOf('sops'), secretRef: localRef, serviceAccountName: string() }, ['provider']),
    deletionPolicy: oneOf('MirrorPrune', 'Delete', 'WaitForTermination', 'Orphan'),
    dependsOn,
    force: boolean,
    healthCheckExprs,
    healthChecks: list(object({ apiVersion: string(), kind: string(), name: string(), namespace: string() }, ['kind', 'name'])),
    ignore: ignoreRules,
    ignoreMissingComponents: boolean,
    images,
    interval: string(),
    kubeConfig,
    namePrefix: string(),
    nameSuffix: string(),
    patches,
    path: string(),
    postBuild: object({
      substitute: mapOf(string()),
      substituteFrom: list(object({ kind: oneOf('Secret', 'ConfigMap'), name: string(), optional: boolean }, ['kind', 'name'])),
      substituteStrategy: oneOf('WithVariables', 'Always'),
    }),
    prune: boolean,
    retryInterval: string(),
    serviceAccountName: string(),
    sourceRef: sourceRef(['OCIRepository', 'GitRepository', 'Bucket', 'ExternalArtifact']),
    suspend: boolean,
    targetNamespace: string(),
    timeout: string(),
    wait: boolean,
  },
  ['interval', 'prune', 'sourceRef'],
);

const remediationFields = { ignoreTestFailures: boolean, remediateLastFailure: boolean, retries: integer };
const remediation = object(remediationFields);
const helmReleaseSpec = object(
  {
    chart: object(
      {
        metadata: metadataFields,
        spec: object(
          {
            chart: string(),
            ignoreMissingValuesFiles: boolean,
            interval: string(),
            reconcileStrategy: oneOf('ChartVersion', 'Revision'),
            sourceRef: sourceRef(['HelmRepository', 'GitRepository', 'Bucket']),
            valuesFiles: list(string()),
            verify: verifyChart,
            version: string(),
          },
          ['chart', 'sourceRef'],
        ),
      },
      ['spec'],
    ),
    chartRef: sourceRef(['OCIRepository', 'HelmChart', 'ExternalArtifact']),
    commonMetadata: metadataFields,
    dependsOn,
    driftDetection: object({ ignore: ignoreRules, mode: oneOf('enabled', 'warn', 'disabled') }),
    healthCheckExprs,
    install: object({
      crds,
      createNamespace: boolean,
      disableHooks: boolean,
      disableOpenAPIValidation: boolean,
      disableSchemaValidation: boolean,
      disableTakeOwnership: boolean,
      disableWait: boolean,
      disableWaitForJobs: boolean,
      remediation,
      replace: boolean,
      serverSideApply: boolean,
      skipCRDs: boolean,
      strategy,
      timeout: string(),
    }),
    interval: string(),
    kubeConfig,
    maxHistory: integer,
    persistentClient: boolean,
    postRenderStrategy: oneOf('nohooks', 'combined', 'separate'),
    postRenderers: list(object({ kustomize: object({ images, patches }) })),
    releaseName: string(),
    rollback: object({
      cleanupOnFail: boolean,
      disableHooks: boolean,
      disableWait: boolean,
      disableWaitForJobs: boolean,
      force: boolean,
      recreate: boolean,
      serverSideApply,
      timeout: string(),
    }),
    serviceAccountName: string(),
    storageNamespace: string(),
    suspend: boolean,
    targetNamespace: string(),
    test: object({ enable: boolean, filters: list(object({ name: string(), exclude: boolean }, ['name'])), ignoreFailures: boolean, timeout: string() }),
    timeout: string(),
    uninstall: object({
      deletionPropagation: oneOf('background', 'foreground', 'orphan'),
      disableHooks: boolean,
      disableWait: boolean,
      keepHistory: boolean,
      timeout: string(),
    }),
    upgrade: object({
      chartNameChangeStrategy: oneOf('InPlaceUpdate', 'Reinstall'),
      cleanupOnFail: boolean,
      crds,
      disableHooks: boolean,
      disableOpenAPIValidation: boolean,
      disableSchemaValidation: boolean,
      disableTakeOwnership: boolean,
      disableWait: boolean,
      disableWaitForJobs: boolean,
      force: boolean,
      preserveValues: boolean,
      remediation: object({ ...remediationFields, strategy: oneOf('rollback', 'uninstall') }),
      serverSideApply,
      strategy,
      timeout: string(),
    }),
    values: anything,
    valuesFrom: list(
      object({ kind: oneOf('Secret', 'ConfigMap'), name: string(), valuesKey: string(), targetPath: string(), optional: boolean, literal: boolean }, ['kind', 'name']),
    ),
    waitStrategy: object({ name: oneOf('poller', 'legacy') }, ['name']),
  },
  ['interval'],
);

const secretRefs = { secretRef: localRef, certSecretRef: localRef, proxySecretRef: localRef };

const gitRepositorySpec = object(
  {
    ignore: string(),
    include: list(object({ repository: localRef, fromPath: string(), toPath: string() }, ['repository'])),
    interval: string(),
    provider: oneOf('generic', 'aws', 'azure', 'github'),
    proxySecretRef: localRef,
    recurseSubmodules: boolean,
    ref: object({ branch: string(), tag: string(), semver: string(), name: string(), commit: string() }),
    secretRef: localRef,
    serviceAccountName: string(),
    sparseCheckout: list(string()),
    suspend: boolean,
    timeout: string(),
    url: string(),
    verify: object({ mode: oneOf('head', 'HEAD', 'Tag', 'TagAndHEAD'), secretRef: localRef }, ['secretRef']),
  },
  ['interval', 'url'],
);

const helmRepositorySpec = object(
  {
    accessFrom: openObject({}, ['namespaceSelectors']),
    certSecretRef: localRef,
    insecure: boolean,
    interval: string(),
    passCredentials: boolean,
    provider: oneOf('generic', 'aws', 'azure', 'gcp'),
    secretRef: localRef,
    suspend: boolean,
    timeout: string(),
    type: oneOf('default', 'oci'),
    url: string(),
  },
  ['url'],
);

const ociRepositorySpec = object(
  {
    ...secretRefs,
    ignore: string(),
    insecure: boolean,
    interval: string(),
    layerSelector: object({ mediaType: string(), operation: oneOf('extract', 'copy') }),
    provider: oneOf('generic', 'aws', 'azure', 'gcp'),
    ref: object({ digest: string(), semver: string(), semverFilter: string(), tag: string() }),
    serviceAccountName: string(),
    suspend: boolean,
    timeout: string(),
    url: string(),
    verify: openObject({ provider: oneOf('cosign', 'notation'), secretRef: localRef }, ['provider']),
  },
  ['interval', 'url'],
);

const helmChartSpec = object(
  {
    chart: string(),
    ignoreMissingValuesFiles: boolean,
    interval: string(),
    reconcileStrategy: oneOf('ChartVersion', 'Revision'),
    sourceRef: sourceRef(['HelmRepository', 'GitRepository', 'Bucket']),
    suspend: boolean,
    valuesFiles: list(string()),
    verify: verifyChart,
    version: string(),
  },
  ['chart', 'interval', 'sourceRef'],
);

const bucketSpec = object(
  {
    ...secretRefs,
    bucketName: string(),
    endpoint: string(),
    ignore: string(),
    insecure: boolean,
    interval: string(),
    prefix: string(),
    provider: oneOf('generic', 'aws', 'gcp', 'azure'),
    region: string(),
    serviceAccountName: string(),
    sts: openObject({}, ['endpoint', 'provider']),
    suspend: boolean,
    timeout: string(),
  },
  ['bucketName', 'endpoint', 'interval'],
);

const PROVIDER_TYPES = [
  'slack', 'discord', 'msteams', 'rocket', 'generic', 'generic-hmac', 'github', 'gitlab', 'gitea', 'giteapullrequestcomment',
  'bitbucketserver', 'bitbucket', 'azuredevops', 'googlechat', 'googlepubsub', 'webex', 'sentry', 'azureeventhub', 'telegram',
  'lark', 'matrix', 'opsgenie', 'alertmanager', 'grafana', 'githubdispatch', 'githubpullrequestcomment',
  'gitlabmergerequestcomment', 'pagerduty', 'datadog', 'nats', 'zulip', 'otel',
];

const providerSpec = object(
  {
    ...secretRefs,
    address: string(),
    channel: string(),
    commitStatusExpr: string(),
    interval: string(),
    proxy: string(),
    serviceAccountName: string(),
    suspend: boolean,
    timeout: string(),
    type: oneOf(...PROVIDER_TYPES),
    username: string(),
  },
  ['type'],
);

const alertSpec = object(
  {
    eventMetadata: mapOf(string()),
    eventSeverity: oneOf('info', 'error'),
    eventSources: list(
      object(
        {
          apiVersion: string(),
          kind: oneOf(
            'Bucket', 'GitRepository', 'Kustomization', 'HelmRelease', 'HelmChart', 'HelmRepository', 'ImageRepository',
            'ImagePolicy', 'ImageUpdateAutomation', 'OCIRepository', 'ArtifactGenerator', 'ExternalArtifact',
          ),
          matchLabels: mapOf(string()),
          name: string(),
          namespace: string(),
        },
        ['kind', 'name'],
      ),
    ),
    exclusionList: list(string()),
    inclusionList: list(string()),
    providerRef: localRef,
    summary: string(),
    suspend: boolean,
  },
  ['eventSources', 'providerRef'],
);

const receiverSpec = object(
  {
    events: list(string()),
    interval: string(),
    oidcProviders: list(openObject({}, ['issuerURL', 'validations'])),
    resourceFilter: string(),
    resources: list(object({ apiVersion: string(), kind: string(), name: string(), namespace: string(), matchLabels: mapOf(string()) }, ['kind', 'name'])),
    secretRef: localRef,
    suspend: boolean,
    type: oneOf('generic', 'generic-hmac', 'generic-oidc', 'github', 'gitlab', 'bitbucket', 'harbor', 'dockerhub', 'quay', 'gcr', 'nexus', 'acr', 'cdevents'),
  },
  ['resources', 'type'],
);

const withSpec = (spec: OpenApiSchema) => resource({ spec, status: anything }, ['spec']);

/** Keyed by `apiVersion/Kind`. */
export const BUNDLED_FLUX_SCHEMAS: ReadonlyMap<string, OpenApiSchema> = new Map([
  ['kustomize.toolkit.fluxcd.io/v1/Kustomization', withSpec(kustomizationSpec)],
  ['helm.toolkit.fluxcd.io/v2/HelmRelease', withSpec(helmReleaseSpec)],
  ['source.toolkit.fluxcd.io/v1/GitRepository', withSpec(gitRepositorySpec)],
  ['source.toolkit.fluxcd.io/v1/HelmRepository', withSpec(helmRepositorySpec)],
  ['source.toolkit.fluxcd.io/v1/OCIRepository', withSpec(ociRepositorySpec)],
  ['source.toolkit.fluxcd.io/v1/HelmChart', withSpec(helmChartSpec)],
  ['source.toolkit.fluxcd.io/v1/Bucket', withSpec(bucketSpec)],
  ['notification.toolkit.fluxcd.io/v1beta3/Provider', withSpec(providerSpec)],
  ['notification.toolkit.fluxcd.io/v1beta3/Alert', withSpec(alertSpec)],
  ['notification.toolkit.fluxcd.io/v1/Receiver', withSpec(receiverSpec)],
]);
