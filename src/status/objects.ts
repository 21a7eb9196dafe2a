/**
 * The fields of live objects `status` reads, as `kubectl get -o json` returns them. Only fields
 * the real APIs define (Flux 2.9 CRDs, cert-manager v1, Kubernetes core/batch v1); where each
 * shape comes from is listed in test/status/fixtures/SOURCE.md.
 */
export interface Condition {
  readonly type: string;
  readonly status: 'True' | 'False' | 'Unknown';
  readonly reason?: string;
  readonly message?: string;
}

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly generation?: number;
  readonly creationTimestamp?: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface KubeObject {
  readonly apiVersion?: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  // biome-ignore lint/suspicious/noExplicitAny: the kinds differ; readers below narrow each field they use
  readonly spec?: any;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  readonly status?: any;
  /** Events only: what the event is about. */
  readonly involvedObject?: { readonly kind: string; readonly name: string; readonly namespace?: string };
  readonly reason?: string;
  readonly message?: string;
  readonly type?: string;
}

/** One look at the cluster: the objects, and the last log lines of the pods that need them. */
export interface LiveObjects {
  readonly items: readonly KubeObject[];
  /** `namespace/pod` → the last lines of its failing container (the previous run when it crash-loops). */
  readonly logs: Readonly<Record<string, readonly string[]>>;
}

/** Flux labels every object a Kustomization applies with its name and namespace. */
export const KUSTOMIZATION_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
/** The Job controller labels a Job's pods (batch.kubernetes.io/job-name since 1.27, job-name before). */
export const JOB_NAME_LABELS = ['batch.kubernetes.io/job-name', 'job-name'] as const;

export const conditionOf = (o: KubeObject | undefined, type: string): Condition | undefined =>
  (o?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === type);

export const ofKind = (live: LiveObjects, kind: string, namespace?: string) =>
  live.items.filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace));

export const findObject = (live: LiveObjects, kind: string, namespace: string, name: string) =>
  live.items.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
