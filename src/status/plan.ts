import type { Answers, ClusterAnswers } from '../answers/schema.js';
import type { Layer } from '../catalog/component.js';
import { selectComponents, secretInventory } from '../catalog/selection.js';
import { clusterKustomizations } from '../render/flux-graph.js';

/** The Kustomization flux bootstrap creates; it applies clusters/<name>/ and everything hangs below it. */
export const FLUX_SYSTEM = 'flux-system';

/** One Flux Kustomization as the repository defines it, with what status needs to explain it. */
export interface PlannedKustomization {
  readonly name: string;
  readonly layer: Layer | 'flux';
  readonly path: string;
  readonly dependsOn: readonly string[];
  /** The Kustomization that applies this one (flux-system for the cluster's files, apps for each app). */
  readonly appliedBy?: string;
  /** Namespaces of its components: where its pods and Certificates live. */
  readonly namespaces: readonly string[];
}

/** What `status` compares the cluster with: the cluster's Flux graph, its URLs and its Secrets. */
export interface StatusPlan {
  readonly cluster: string;
  readonly branch: string;
  /** clusters/<name>, the path flux-system syncs. */
  readonly path: string;
  /** In the order Flux reconciles them: flux-system, then the graph the cluster README draws. */
  readonly kustomizations: readonly PlannedKustomization[];
  readonly endpoints: ReadonlyArray<{ readonly component: string; readonly url: string; readonly kustomization: string }>;
  /** Secrets `secrets`/bootstrap create (namespace/name); a missing one is explained with `secretsCommand`. */
  readonly secrets: readonly string[];
  readonly secretsCommand: string;
  readonly context: string;
}

export interface PlanOptions {
  readonly context: string;
  /** The command that creates this cluster's Secrets, as the person would type it. */
  readonly secretsCommand: string;
}

/** The repository's side of `status`, from the answers alone: the same graph the cluster README draws. */
export function statusPlan(answers: Answers, cluster: ClusterAnswers, options: PlanOptions): StatusPlan {
  const selection = selectComponents(answers);
  const ctx = { answers, selected: selection.names, components: selection.components, cluster };
  const running = selection.components.filter((c) => c.runsOn?.(ctx) ?? true);
  const path = `clusters/${cluster.name}`;
  const graph = clusterKustomizations(answers, cluster, selection);
  // `apps` applies only the apps' Kustomizations: their pods are each app's own.
  const namespacesOf = (layer: Layer, name: string, file: string) =>
    file === 'app'
      ? running.filter((c) => c.name === name).map((c) => c.namespace)
      : file === 'apps'
        ? []
        : [...new Set(running.filter((c) => c.layer === layer).map((c) => c.namespace))];
  const kustomizations: PlannedKustomization[] = [
    { name: FLUX_SYSTEM, layer: 'flux', path: `./${path}`, dependsOn: [], namespaces: [FLUX_SYSTEM] },
    ...graph.map((k) => ({
      name: k.name,
      layer: k.layer,
      path: k.path,
      dependsOn: k.dependsOn,
      appliedBy: k.file === 'app' ? 'apps' : FLUX_SYSTEM,
      namespaces: namespacesOf(k.layer, k.name, k.file),
    })),
  ];
  const endpoints = running.flatMap((c) =>
    c.hosts.map((h) => ({ component: c.name, url: `https://${h}.${cluster.domain}`, kustomization: graph.some((k) => k.name === c.name) ? c.name : layerKustomization(graph, c.layer) })),
  );
  return {
    cluster: cluster.name,
    branch: answers.repository.branch,
    path,
    kustomizations,
    endpoints,
    // Only what `secrets` creates; the operator's own (an auth configuration) are theirs to write.
    secrets: secretInventory(answers, selection).filter((s) => s.createdBy === 'bootstrap').map((s) => `${s.namespace}/${s.name}`),
    secretsCommand: options.secretsCommand,
    context: options.context,
  };
}

const layerKustomization = (graph: ReturnType<typeof clusterKustomizations>, layer: Layer) => graph.find((k) => k.layer === layer)?.name ?? FLUX_SYSTEM;
