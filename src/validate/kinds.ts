/**
 * The kinds `validate` knows without reading any CRD: which apiVersions the API server (Flux 2.9,
 * a current Kubernetes, cert-manager 1.x) still serves, which ones were removed and by what they
 * were replaced, and whether objects of the kind live in a namespace.
 */
export interface KindInfo {
  readonly group: string;
  readonly kind: string;
  /** Served versions, the one to write first. */
  readonly versions: readonly string[];
  /** apiVersions (group/version) no longer served, with when they went. */
  readonly removed?: Readonly<Record<string, string>>;
  /** Still served but on their way out: a warning. */
  readonly deprecated?: Readonly<Record<string, string>>;
  readonly namespaced: boolean;
}

const flux = (group: string, kind: string, versions: string[], removed: Record<string, string>, deprecated?: Record<string, string>): KindInfo => ({
  group,
  kind,
  versions,
  removed: Object.fromEntries(Object.entries(removed).map(([v, when]) => [`${group}/${v}`, when])),
  deprecated: deprecated && Object.fromEntries(Object.entries(deprecated).map(([v, when]) => [`${group}/${v}`, when])),
  namespaced: true,
});

const SOURCE = 'source.toolkit.fluxcd.io';
const NOTIFICATION = 'notification.toolkit.fluxcd.io';
const IMAGE = 'image.toolkit.fluxcd.io';

/** Flux 2.9 (see the reference's API-version table): what `flux migrate` would rewrite is an error here. */
export const FLUX_KINDS: readonly KindInfo[] = [
  flux('kustomize.toolkit.fluxcd.io', 'Kustomization', ['v1'], { v1beta1: 'removed in Flux 2.7', v1beta2: 'removed in Flux 2.8' }),
  flux('helm.toolkit.fluxcd.io', 'HelmRelease', ['v2'], { v2beta1: 'removed in Flux 2.7', v2beta2: 'removed in Flux 2.8' }),
  flux(SOURCE, 'GitRepository', ['v1'], { v1beta1: 'removed in Flux 2.7', v1beta2: 'removed in Flux 2.8' }),
  flux(SOURCE, 'HelmRepository', ['v1'], { v1beta1: 'removed in Flux 2.7', v1beta2: 'removed in Flux 2.8' }),
  flux(SOURCE, 'HelmChart', ['v1'], { v1beta1: 'removed in Flux 2.7', v1beta2: 'removed in Flux 2.8' }),
  flux(SOURCE, 'Bucket', ['v1'], { v1beta1: 'removed in Flux 2.7', v1beta2: 'removed in Flux 2.8' }),
  flux(SOURCE, 'OCIRepository', ['v1'], { v1beta2: 'removed in Flux 2.8' }),
  flux(SOURCE, 'ExternalArtifact', ['v1'], {}),
  flux('source.extensions.fluxcd.io', 'ArtifactGenerator', ['v1beta1'], {}),
  flux(NOTIFICATION, 'Provider', ['v1beta3'], { v1beta1: 'removed in Flux 2.7', v1beta2: 'removed in Flux 2.9' }),
  flux(NOTIFICATION, 'Alert', ['v1beta3'], { v1beta1: 'removed in Flux 2.7', v1beta2: 'removed in Flux 2.9' }),
  flux(NOTIFICATION, 'Receiver', ['v1'], { v1beta1: 'removed in Flux 2.7', v1beta2: 'removed in Flux 2.9' }),
  flux(IMAGE, 'ImageRepository', ['v1', 'v1beta2'], { v1beta1: 'removed in Flux 2.7' }, { v1beta2: 'deprecated since Flux 2.7' }),
  flux(IMAGE, 'ImagePolicy', ['v1', 'v1beta2'], { v1beta1: 'removed in Flux 2.7' }, { v1beta2: 'deprecated since Flux 2.7' }),
  flux(IMAGE, 'ImageUpdateAutomation', ['v1', 'v1beta2'], { v1beta1: 'removed in Flux 2.7' }, { v1beta2: 'deprecated since Flux 2.7' }),
];

/** The kinds an Alert may watch (its eventSources[].kind enum). */
export const ALERT_SOURCE_KINDS: readonly string[] = [
  'Bucket', 'GitRepository', 'Kustomization', 'HelmRelease', 'HelmChart', 'HelmRepository', 'ImageRepository',
  'ImagePolicy', 'ImageUpdateAutomation', 'OCIRepository', 'ArtifactGenerator', 'ExternalArtifact',
];

const k8s = (apiVersion: string, kind: string, namespaced: boolean, removed: Record<string, string> = {}): KindInfo => {
  const slash = apiVersion.lastIndexOf('/');
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    kind,
    versions: [slash < 0 ? apiVersion : apiVersion.slice(slash + 1)],
    removed,
    namespaced,
  };
};

const K116 = 'removed in Kubernetes 1.16';
const K122 = 'removed in Kubernetes 1.22';
const K125 = 'removed in Kubernetes 1.25';
const K126 = 'removed in Kubernetes 1.26';

/** Kubernetes built-ins commonly found in GitOps repositories, and cert-manager's kinds. */
export const BUILTIN_KINDS: readonly KindInfo[] = [
  k8s('v1', 'Namespace', false),
  k8s('v1', 'ConfigMap', true),
  k8s('v1', 'Secret', true),
  k8s('v1', 'Service', true),
  k8s('v1', 'ServiceAccount', true),
  k8s('v1', 'Pod', true),
  k8s('v1', 'PersistentVolumeClaim', true),
  k8s('v1', 'PersistentVolume', false),
  k8s('v1', 'ResourceQuota', true),
  k8s('v1', 'LimitRange', true),
  k8s('v1', 'Endpoints', true),
  k8s('apps/v1', 'Deployment', true, { 'extensions/v1beta1': K116, 'apps/v1beta1': K116, 'apps/v1beta2': K116 }),
  k8s('apps/v1', 'StatefulSet', true, { 'apps/v1beta1': K116, 'apps/v1beta2': K116 }),
  k8s('apps/v1', 'DaemonSet', true, { 'extensions/v1beta1': K116, 'apps/v1beta2': K116 }),
  k8s('batch/v1', 'Job', true),
  k8s('batch/v1', 'CronJob', true, { 'batch/v1beta1': K125 }),
  k8s('networking.k8s.io/v1', 'Ingress', true, { 'extensions/v1beta1': K122, 'networking.k8s.io/v1beta1': K122 }),
  k8s('networking.k8s.io/v1', 'IngressClass', false, { 'networking.k8s.io/v1beta1': K122 }),
  k8s('networking.k8s.io/v1', 'NetworkPolicy', true, { 'extensions/v1beta1': K116 }),
  k8s('rbac.authorization.k8s.io/v1', 'Role', true, { 'rbac.authorization.k8s.io/v1beta1': K122 }),
  k8s('rbac.authorization.k8s.io/v1', 'RoleBinding', true, { 'rbac.authorization.k8s.io/v1beta1': K122 }),
  k8s('rbac.authorization.k8s.io/v1', 'ClusterRole', false, { 'rbac.authorization.k8s.io/v1beta1': K122 }),
  k8s('rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', false, { 'rbac.authorization.k8s.io/v1beta1': K122 }),
  k8s('policy/v1', 'PodDisruptionBudget', true, { 'policy/v1beta1': K125 }),
  k8s('autoscaling/v2', 'HorizontalPodAutoscaler', true, { 'autoscaling/v2beta1': K125, 'autoscaling/v2beta2': K126 }),
  k8s('scheduling.k8s.io/v1', 'PriorityClass', false, { 'scheduling.k8s.io/v1beta1': K122 }),
  k8s('storage.k8s.io/v1', 'StorageClass', false, { 'storage.k8s.io/v1beta1': K122 }),
  k8s('apiextensions.k8s.io/v1', 'CustomResourceDefinition', false, { 'apiextensions.k8s.io/v1beta1': K122 }),
  k8s('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', false, { 'admissionregistration.k8s.io/v1beta1': K122 }),
  k8s('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', false, { 'admissionregistration.k8s.io/v1beta1': K122 }),
  ...['ClusterIssuer', 'Issuer', 'Certificate'].map((kind) =>
    k8s('cert-manager.io/v1', kind, kind !== 'ClusterIssuer', {
      'cert-manager.io/v1alpha2': 'removed in cert-manager 1.7',
      'cert-manager.io/v1alpha3': 'removed in cert-manager 1.7',
      'cert-manager.io/v1beta1': 'removed in cert-manager 1.7',
    }),
  ),
];

/**
 * The Gateway API kinds the Envoy Gateway edge uses (standard channel of Gateway API v1.6.1, which
 * serves v1 and v1beta1: config/crd/standard at that tag) and Envoy Gateway's own (v1.9.0 CRDs).
 */
export const GATEWAY_KINDS: readonly KindInfo[] = [
  { group: 'gateway.networking.k8s.io', kind: 'GatewayClass', versions: ['v1', 'v1beta1'], namespaced: false },
  ...['Gateway', 'HTTPRoute', 'GRPCRoute', 'ReferenceGrant'].map(
    (kind): KindInfo => ({ group: 'gateway.networking.k8s.io', kind, versions: kind === 'GRPCRoute' ? ['v1'] : ['v1', 'v1beta1'], namespaced: true }),
  ),
  ...['BackendTrafficPolicy', 'ClientTrafficPolicy', 'SecurityPolicy', 'EnvoyProxy', 'EnvoyExtensionPolicy', 'Backend'].map(
    (kind): KindInfo => ({ group: 'gateway.envoyproxy.io', kind, versions: ['v1alpha1'], namespaced: true }),
  ),
];

export const KNOWN_KINDS: readonly KindInfo[] = [...FLUX_KINDS, ...BUILTIN_KINDS, ...GATEWAY_KINDS];

/** The kind served under this apiVersion's group (any version), if we know it. */
export function findKind(apiVersion: string, kind: string): KindInfo | undefined {
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  return (
    KNOWN_KINDS.find((k) => k.kind === kind && k.group === group) ??
    KNOWN_KINDS.find((k) => k.kind === kind && k.removed?.[apiVersion] !== undefined)
  );
}

export const preferredApiVersion = (k: KindInfo) => (k.group ? `${k.group}/${k.versions[0]}` : k.versions[0]!);

/** Groups we know well enough to say a kind does not exist there. */
export const KNOWN_GROUPS: ReadonlySet<string> = new Set(KNOWN_KINDS.map((k) => k.group).filter((g) => g.endsWith('.fluxcd.io') || g === 'cert-manager.io'));
