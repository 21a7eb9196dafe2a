import { clusterSettings, slackChannelName, type ClusterSettings } from '../answers/cluster-settings.js';
import type { Answers, ClusterAnswers } from '../answers/schema.js';
import type { ClusterContext, ComponentCommonView, ComponentSpec, RenderContext, SecretRequirement } from '../catalog/component.js';
import { SLACK_PROVIDER } from '../catalog/components/notifications.js';
import { clusterEdge, type ClusterEdge } from '../catalog/ingress.js';
import { renovateGroups, type RenovateGroup } from './renovate.js';
import type { Selection } from '../catalog/selection.js';
import { clusterKustomizations, deploymentFlowMermaid, deploymentSteps, type FluxKustomization } from './flux-graph.js';

/**
 * The view models templates are rendered with. Three kinds, none spread into another's templates:
 * - the repository view: README.md, .github/, and the layers' own kustomization.yaml;
 * - the cluster view: the repository view plus one cluster (clusters/[cluster]/, apps/[environment]/ lists);
 * - a component's view: `ComponentCommonView` plus the component's own `sharedView`/`clusterView`.
 */

/**
 * A chart or image the repository pins, for the README's table. Where each version was checked is
 * the tool's own record (its README), not the user's: it is not part of the view.
 */
interface PinnedVersion {
  readonly component: string;
  readonly what: string;
  readonly version: string;
}

/** A Secret the operator creates by hand, with the command that does it. */
interface OperatorSecret extends SecretRequirement {
  readonly command: string;
  /** Keys typed on stdin, one KEY=value line each (the README lists them one a line). */
  readonly typedKeys: readonly string[];
}

export interface RepositoryView {
  readonly toolVersion: string;
  readonly repository: Answers['repository'];
  readonly certManager: Answers['certManager'];
  readonly slack: Answers['slack'] & { readonly provider: string };
  /** `has.<component>`: whether the repository has it (`{{#if has.notifications}}`). */
  readonly has: Readonly<Record<string, true>>;
  readonly controllers: readonly ComponentSpec[];
  readonly configs: readonly ComponentSpec[];
  readonly apps: readonly ComponentSpec[];
  readonly components: readonly ComponentSpec[];
  /** Charts and images together; `charts` means one component's charts, in its templates only. */
  readonly pinned: readonly PinnedVersion[];
  readonly secrets: readonly SecretRequirement[];
  readonly operatorSecrets: readonly OperatorSecret[];
  readonly operatorNamespaces: readonly string[];
  readonly clusters: readonly ClusterAnswers[];
  /** renovate.json: one group of updates per component. */
  readonly renovateGroups: readonly RenovateGroup[];
}

export interface ClusterView extends RepositoryView {
  readonly cluster: ClusterAnswers;
  readonly kustomizations: readonly FluxKustomization[];
  readonly settings: ClusterSettings;
  readonly mermaid: string;
  readonly deploymentSteps: readonly string[];
  readonly helmReleaseNamespaces: readonly string[];
  /** What runs on this cluster: the selection, less what the cluster turns off. */
  readonly controllers: readonly ComponentSpec[];
  readonly components: readonly ComponentSpec[];
  readonly endpoints: readonly { readonly component: string; readonly url: string }[];
  /** What serves this cluster's hosts. */
  readonly edge: ClusterEdge;
}

/**
 * The kubectl command that creates a Secret without its values touching argv or shell history:
 * file-like keys (userlist.txt) come from files, the rest from KEY=value lines typed on stdin.
 */
function createSecretCommand(secret: SecretRequirement): string {
  const files = secret.keys.filter((k) => k.includes('.'));
  const fromFiles = files.map((k) => ` --from-file=${k}=./${k}`).join('');
  const typed = secret.keys.filter((k) => !k.includes('.'));
  const fromStdin = typed.length > 0 ? ' --from-env-file=/dev/stdin' : '';
  return `kubectl -n ${secret.namespace} create secret generic ${secret.name}${fromFiles}${fromStdin}`;
}

export function repositoryView(answers: Answers, selection: Selection, secrets: readonly SecretRequirement[], toolVersion: string): RepositoryView {
  const byLayer = (layer: string) => selection.components.filter((c) => c.layer === layer);
  const operatorSecrets = secrets.filter((s) => s.createdBy === 'operator');
  return {
    toolVersion,
    repository: answers.repository,
    certManager: answers.certManager,
    slack: { ...answers.slack, channel: slackChannelName(answers.slack.channel), provider: SLACK_PROVIDER },
    has: Object.fromEntries([...selection.names].map((n) => [n, true] as const)),
    controllers: byLayer('controllers'),
    configs: byLayer('configs'),
    apps: byLayer('apps'),
    components: selection.components,
    pinned: selection.components.flatMap((c) => [
      ...Object.values(c.charts).map((chart) => ({ component: c.name, what: `chart \`${chart.chart}\` from ${chart.repositoryUrl}`, version: chart.version })),
      ...Object.values(c.images ?? {}).map((image) => ({ component: c.name, what: `image \`${image.name}\``, version: image.tag })),
    ]),
    secrets,
    operatorSecrets: operatorSecrets.map((s) => ({ ...s, command: createSecretCommand(s), typedKeys: s.keys.filter((k) => !k.includes('.')) })),
    operatorNamespaces: [...new Set(operatorSecrets.map((s) => s.namespace))],
    clusters: answers.clusters,
    renovateGroups: renovateGroups(selection.components),
  };
}

/** Namespaces with HelmReleases: Alert wildcards match names, not namespaces, so each is listed. */
const helmReleaseNamespaces = (components: readonly ComponentSpec[]) =>
  [...new Set(components.filter((c) => Object.keys(c.charts).length > 0).map((c) => c.namespace))].sort();

export const renderContext = (answers: Answers, selection: Selection): RenderContext => ({
  answers,
  selected: selection.names,
  components: selection.components,
});

export function clusterView(repoView: RepositoryView, answers: Answers, cluster: ClusterAnswers, selection: Selection): ClusterView {
  const kustomizations = clusterKustomizations(answers, cluster, selection);
  const ctx = { ...renderContext(answers, selection), cluster };
  const running = selection.components.filter((c) => c.runsOn?.(ctx) ?? true);
  return {
    ...repoView,
    cluster,
    kustomizations,
    settings: clusterSettings(answers, cluster),
    mermaid: deploymentFlowMermaid(kustomizations, answers, cluster),
    deploymentSteps: deploymentSteps(kustomizations, answers, cluster),
    helmReleaseNamespaces: helmReleaseNamespaces(running),
    controllers: running.filter((c) => c.layer === 'controllers'),
    components: running,
    endpoints: running.flatMap((c) => c.hosts.map((h) => ({ component: c.name, url: `https://${h}.${cluster.domain}` }))),
    edge: clusterEdge(answers, cluster),
  };
}

const commonView = (spec: ComponentSpec): ComponentCommonView => ({
  component: { name: spec.name, keepsData: spec.keepsData },
  namespace: spec.namespace,
  charts: spec.charts,
});

/** The view of a component's templates shared by every cluster: the common fields and its shared view. */
export const componentView = (spec: ComponentSpec, ctx: RenderContext): ComponentCommonView => ({
  ...commonView(spec),
  ...spec.sharedView?.(ctx),
});

/** The view of a component's per-environment templates: the shared one plus its cluster view. */
export const componentClusterView = (spec: ComponentSpec, ctx: ClusterContext): ComponentCommonView => ({
  ...commonView(spec),
  ...spec.sharedView?.(ctx),
  ...spec.clusterView?.(ctx),
});
