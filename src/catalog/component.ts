import type { Answers, ClusterAnswers } from '../answers/schema.js';

/** Where a component lives in the generated repository and which Flux Kustomization applies it. */
export type Layer = 'controllers' | 'configs' | 'apps';

/** A Helm chart pinned to one version, with the repository it comes from. */
export interface ChartSpec {
  /** Name of the HelmRepository object (one per repository URL). */
  readonly repositoryName: string;
  readonly repositoryUrl: string;
  readonly chart: string;
  readonly version: string;
  /** Where the pinned version was taken from, for the chart table in the README. */
  readonly source: string;
}

/** A Secret the operator (or bootstrap) must create in the cluster; never written to Git. */
export interface SecretRequirement {
  readonly name: string;
  readonly namespace: string;
  readonly keys: readonly string[];
  readonly purpose: string;
  /** `bootstrap` when `create-piksel-gitops bootstrap` creates it, else the operator does. */
  readonly createdBy: 'bootstrap' | 'operator';
}

/** A kustomize patch carried by a cluster's Flux Kustomization (per-cluster differences of shared folders). */
export interface ClusterPatch {
  readonly target: { readonly kind: string; readonly name: string; readonly namespace?: string };
  /** The patch document as plain data; rendered to YAML by the cluster template. */
  readonly patch: Record<string, unknown>;
}

export interface RenderContext {
  readonly answers: Answers;
  /** Components that end up in the repository, after toggles and needs. */
  readonly selected: ReadonlySet<string>;
}

export interface ClusterContext extends RenderContext {
  readonly cluster: ClusterAnswers;
}

/**
 * One platform component: its metadata beside its templates. The catalog is a list of these;
 * nothing else names a component. Templates are found by convention:
 * - controllers/configs: `templates/infrastructure/<layer>/<name>.yaml.hbs`
 * - apps: `templates/apps/base/<name>/**` and `templates/apps/[environment]/<name>/**`
 */
export interface ComponentSpec {
  readonly name: string;
  readonly layer: Layer;
  readonly title: string;
  /** One line for the README and prompt hints. */
  readonly summary: string;
  /** The namespace the component's objects live in (created by the repository). */
  readonly namespace: string;
  /** Components this one cannot work without; selecting it adds them (with a note). */
  readonly needs: readonly string[];
  /** Charts deployed by HelmReleases, keyed by the name templates use (`charts.<key>`). */
  readonly charts: Readonly<Record<string, ChartSpec>>;
  /** Sub-domains served under the cluster's domain, e.g. `argo` → argo.<domain>. */
  readonly hosts: readonly string[];
  /**
   * Overrides "listed in answers.components": some components follow another answer
   * (GPU on → nvidia-device-plugin, Slack on → notifications, cert-manager → cluster-issuers).
   */
  readonly toggle?: (answers: Answers, listed: ReadonlySet<string>) => boolean;
  readonly secrets: (ctx: RenderContext) => readonly SecretRequirement[];
  /** View model for templates shared by every cluster (infrastructure file, apps/base). */
  readonly sharedView?: (ctx: RenderContext) => Record<string, unknown>;
  /** View model for per-environment overlay templates (apps/[environment]/<name>/). */
  readonly clusterView?: (ctx: ClusterContext) => Record<string, unknown>;
  /** Per-cluster patches of shared infrastructure, applied by that cluster's Flux Kustomization. */
  readonly clusterPatches?: (ctx: ClusterContext) => readonly ClusterPatch[];
}

export const defineComponent = (spec: ComponentSpec): ComponentSpec => spec;
