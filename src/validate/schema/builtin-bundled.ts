import { BUNDLED_ARGO_SCHEMAS } from './argo-bundled.js';
import { anything, boolean, integer, intOrString, list, mapOf, object, oneOf, openObject, resource, string } from './dsl.js';
import type { OpenApiSchema } from './openapi.js';

/*
 * Kubernetes built-ins, cert-manager and Argo Workflows kinds (argo-bundled.ts): the top level is closed (a misplaced `spec` key is
 * an error), the fields a manifest cannot do without are required and typed, and the rest of each
 * spec is left open. A full Kubernetes schema set would be megabytes; these catch the usual
 * hand-editing mistakes.
 */

const container = openObject({ name: string(), image: string(), ports: list(openObject({ containerPort: integer })) }, ['name']);
const podSpec = openObject({ containers: list(container), initContainers: list(container) }, ['containers']);
const podTemplate = openObject({ metadata: openObject({ labels: mapOf(string()), annotations: mapOf(string()) }), spec: podSpec }, ['spec']);
const labelSelector = openObject({ matchLabels: mapOf(string()) });
const workload = (extra: Record<string, OpenApiSchema> = {}, required: string[] = ['selector', 'template']) =>
  openObject({ replicas: integer, selector: labelSelector, template: podTemplate, ...extra }, required);
const withSpec = (spec: OpenApiSchema, required = ['spec']) => resource({ spec, status: anything }, required);
const subjects = list(openObject({ kind: string(), name: string(), namespace: string() }, ['kind', 'name']));
const roleRef = object({ apiGroup: string(), kind: oneOf('Role', 'ClusterRole'), name: string() }, ['apiGroup', 'kind', 'name']);
const rules = list(openObject({ apiGroups: list(string()), resources: list(string()), verbs: list(string()) }, ['verbs']));
const secretKeyRef = openObject({ name: string(), key: string() }, ['name']);

const issuerSpec = openObject({
  acme: openObject(
    { server: string(), email: string(), privateKeySecretRef: secretKeyRef, solvers: list(openObject({ http01: anything, dns01: anything, selector: anything })) },
    ['server', 'privateKeySecretRef'],
  ),
  ca: openObject({ secretName: string() }, ['secretName']),
  selfSigned: anything,
  vault: openObject({ server: string(), path: string() }, ['server', 'path']),
  venafi: anything,
});

/*
 * Gateway API (v1.6.1) and Envoy Gateway (v1.9.0): the fields the edge relies on, typed; the rest
 * open. A repository's own CRDs (gotk-components.yaml) give the full schemas when present.
 */
const parentRef = openObject({ group: string(), kind: string(), name: string(), namespace: string(), sectionName: string(), port: integer }, ['name']);
const targetRef = openObject({ group: string(), kind: string(), name: string(), sectionName: string() }, ['group', 'kind', 'name']);
const listener = openObject(
  { name: string(), hostname: string(), port: integer, protocol: string(), tls: openObject({ mode: oneOf('Terminate', 'Passthrough'), certificateRefs: list(openObject({ name: string() }, ['name'])) }), allowedRoutes: anything },
  ['name', 'port', 'protocol'],
);
const httpRouteRule = openObject({
  matches: anything,
  filters: anything,
  backendRefs: list(openObject({ group: string(), kind: string(), name: string(), namespace: string(), port: integer, weight: integer, filters: anything }, ['name'])),
  timeouts: openObject({ request: string(), backendRequest: string() }),
});
const gatewaySchemas = (version: string): [string, OpenApiSchema][] => [
  [`gateway.networking.k8s.io/${version}/GatewayClass`, withSpec(openObject({ controllerName: string(), parametersRef: anything, description: string() }, ['controllerName']))],
  [
    `gateway.networking.k8s.io/${version}/Gateway`,
    withSpec(openObject({ gatewayClassName: string(), listeners: list(listener), addresses: anything, infrastructure: anything }, ['gatewayClassName', 'listeners'])),
  ],
  [`gateway.networking.k8s.io/${version}/HTTPRoute`, withSpec(openObject({ parentRefs: list(parentRef), hostnames: list(string()), rules: list(httpRouteRule) }))],
  [`gateway.networking.k8s.io/${version}/ReferenceGrant`, withSpec(openObject({ from: list(openObject()), to: list(openObject()) }, ['from', 'to']))],
];
const trafficPolicy = withSpec(openObject({ targetRef: targetRef, targetRefs: list(targetRef), targetSelectors: anything }));

/** Keyed by `apiVersion/Kind`. */
export const BUNDLED_BUILTIN_SCHEMAS: ReadonlyMap<string, OpenApiSchema> = new Map([
  ['v1/Namespace', resource({ spec: anything, status: anything })],
  ['v1/ConfigMap', resource({ data: mapOf(string()), binaryData: mapOf(string()), immutable: boolean })],
  ['v1/Secret', resource({ data: mapOf(string()), stringData: mapOf(string()), type: string(), immutable: boolean, sops: anything })],
  [
    'v1/Service',
    withSpec(
      openObject({
        type: oneOf('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'),
        selector: mapOf(string()),
        ports: list(openObject({ name: string(), port: integer, targetPort: intOrString, protocol: oneOf('TCP', 'UDP', 'SCTP') }, ['port'])),
      }),
    ),
  ],
  ['v1/ServiceAccount', resource({ secrets: anything, imagePullSecrets: anything, automountServiceAccountToken: boolean })],
  ['v1/Pod', withSpec(podSpec)],
  ['v1/PersistentVolumeClaim', withSpec(openObject())],
  ['v1/PersistentVolume', withSpec(openObject())],
  ['v1/ResourceQuota', withSpec(openObject())],
  ['v1/LimitRange', withSpec(openObject())],
  ['v1/Endpoints', resource({ subsets: anything })],
  ['apps/v1/Deployment', withSpec(workload({ strategy: anything }))],
  ['apps/v1/StatefulSet', withSpec(workload({ serviceName: string(), volumeClaimTemplates: anything }))],
  ['apps/v1/DaemonSet', withSpec(workload({ updateStrategy: anything }))],
  ['batch/v1/Job', withSpec(openObject({ template: podTemplate }, ['template']))],
  ['batch/v1/CronJob', withSpec(openObject({ schedule: string(), jobTemplate: openObject() }, ['schedule', 'jobTemplate']))],
  [
    'networking.k8s.io/v1/Ingress',
    withSpec(
      openObject({
        ingressClassName: string(),
        rules: list(openObject({ host: string(), http: openObject({ paths: list(openObject({}, ['backend', 'pathType'])) }, ['paths']) })),
        tls: list(openObject({ hosts: list(string()), secretName: string() })),
      }),
    ),
  ],
  ['networking.k8s.io/v1/IngressClass', withSpec(openObject(), [])],
  ['networking.k8s.io/v1/NetworkPolicy', withSpec(openObject())],
  ['rbac.authorization.k8s.io/v1/Role', resource({ rules })],
  ['rbac.authorization.k8s.io/v1/ClusterRole', resource({ rules, aggregationRule: anything })],
  ['rbac.authorization.k8s.io/v1/RoleBinding', resource({ subjects, roleRef }, ['roleRef'])],
  ['rbac.authorization.k8s.io/v1/ClusterRoleBinding', resource({ subjects, roleRef }, ['roleRef'])],
  ['policy/v1/PodDisruptionBudget', withSpec(openObject())],
  ['autoscaling/v2/HorizontalPodAutoscaler', withSpec(openObject({ scaleTargetRef: openObject(), minReplicas: integer, maxReplicas: integer }, ['scaleTargetRef', 'maxReplicas']))],
  ['scheduling.k8s.io/v1/PriorityClass', resource({ value: integer, globalDefault: boolean, description: string(), preemptionPolicy: string() }, ['value'])],
  ['storage.k8s.io/v1/StorageClass', resource({ provisioner: string(), parameters: mapOf(string()), reclaimPolicy: string(), volumeBindingMode: string(), allowVolumeExpansion: boolean, mountOptions: list(string()), allowedTopologies: anything }, ['provisioner'])],
  ['apiextensions.k8s.io/v1/CustomResourceDefinition', withSpec(openObject({ group: string(), names: openObject(), scope: oneOf('Namespaced', 'Cluster'), versions: list(openObject()) }, ['group', 'names', 'scope', 'versions']))],
  ['admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration', resource({ webhooks: anything })],
  ['admissionregistration.k8s.io/v1/MutatingWebhookConfiguration', resource({ webhooks: anything })],
  ['cert-manager.io/v1/ClusterIssuer', withSpec(issuerSpec)],
  ['cert-manager.io/v1/Issuer', withSpec(issuerSpec)],
  ...gatewaySchemas('v1'),
  ...gatewaySchemas('v1beta1'),
  ['gateway.envoyproxy.io/v1alpha1/BackendTrafficPolicy', trafficPolicy],
  ['gateway.envoyproxy.io/v1alpha1/ClientTrafficPolicy', trafficPolicy],
  ['gateway.envoyproxy.io/v1alpha1/SecurityPolicy', trafficPolicy],
  ['gateway.envoyproxy.io/v1alpha1/EnvoyProxy', withSpec(openObject({ provider: openObject({ type: oneOf('Kubernetes', 'Custom'), kubernetes: anything }, ['type']) }), [])],
  ['cert-manager.io/v1/Certificate', withSpec(openObject({ secretName: string(), issuerRef: openObject({ name: string(), kind: string(), group: string() }, ['name']), dnsNames: list(string()) }, ['secretName', 'issuerRef']))],
  ...BUNDLED_ARGO_SCHEMAS,
]);
