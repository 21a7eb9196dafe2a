import type { Answers, ClusterAnswers } from '../answers/schema.js';
import type { ClusterPatch, Layer } from '../catalog/component.js';
import type { Selection } from '../catalog/selection.js';

/** One Flux Kustomization of a cluster: the reconciliation strategy as data. */
export interface FluxKustomization {
  readonly name: string;
  readonly layer: Layer;
  readonly path: string;
  readonly interval: string;
  readonly retryInterval: string;
  readonly timeout: string;
  readonly dependsOn: readonly string[];
  readonly patches: readonly ClusterPatch[];
  /** Why this interval, for the cluster README. */
  readonly rationale: string;
}

const LAYERS: readonly { layer: Layer; name: string; path: (c: ClusterAnswers) => string; rationale: string }[] = [
  {
    layer: 'controllers',
    name: 'infra-controllers',
    path: () => './infrastructure/controllers',
    rationale: 'long interval: critical operators are not restarted more often than needed',
  },
  {
    layer: 'configs',
    name: 'infra-configs',
    path: () => './infrastructure/configs',
    rationale: 'shorter interval: configuration changes land quickly without touching the operators',
  },
  {
    layer: 'apps',
    name: 'apps',
    path: (c) => `./apps/${c.environment}`,
    rationale: 'short interval: fast feedback while applications are iterated on',
  },
];

/**
 * The chain infra-controllers → infra-configs → apps, skipping layers with no selected component
 * so that every dependsOn names a Kustomization that exists.
 */
export function clusterKustomizations(answers: Answers, cluster: ClusterAnswers, selection: Selection): FluxKustomization[] {
  const result: FluxKustomization[] = [];
  for (const { layer, name, path, rationale } of LAYERS) {
    const members = selection.components.filter((c) => c.layer === layer);
    if (members.length === 0) continue;
    const ctx = { answers, selected: selection.names, cluster };
    const previous = result.at(-1);
    result.push({
      name,
      layer,
      path: path(cluster),
      interval: cluster.intervals[layer],
      retryInterval: '1m',
      timeout: '5m',
      dependsOn: previous ? [previous.name] : [],
      patches: members.flatMap((c) => c.clusterPatches?.(ctx) ?? []),
      rationale,
    });
  }
  return result;
}

const nodeId = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');

/** The deployment flow as a Mermaid graph, drawn from the actual Kustomizations. */
export function deploymentFlowMermaid(kustomizations: readonly FluxKustomization[], answers: Answers, branch: string): string {
  const lines = ['graph TD', `    push["Push to ${branch}"] --> source["GitRepository flux-system"]`];
  for (const k of kustomizations) {
    lines.push(`    ${nodeId(k.name)}["${k.name}<br/>${k.path} every ${k.interval}"]`);
    if (k.dependsOn.length === 0) lines.push(`    source --> ${nodeId(k.name)}`);
    for (const dep of k.dependsOn) lines.push(`    ${nodeId(dep)} -->|Ready| ${nodeId(k.name)}`);
  }
  if (answers.slack.enabled) {
    lines.push(`    slack["Slack #${answers.slack.channel.replace(/^#/, '')}"]`);
    lines.push('    source -. events .-> slack');
    for (const k of kustomizations) lines.push(`    ${nodeId(k.name)} -. events .-> slack`);
  }
  return lines.join('\n');
}

/** The deployment flow in words, step by step, for the cluster README. */
export function deploymentSteps(kustomizations: readonly FluxKustomization[], answers: Answers, branch: string): string[] {
  return [
    `A change is pushed to \`${branch}\`.`,
    'Flux fetches it: the `flux-system` GitRepository polls every minute.',
    ...kustomizations.map((k) =>
      k.dependsOn.length === 0
        ? `\`${k.name}\` applies \`${k.path}\` first, and again every ${k.interval}.`
        : `\`${k.name}\` applies \`${k.path}\` once ${k.dependsOn.map((d) => `\`${d}\``).join(', ')} is Ready, and again every ${k.interval}.`,
    ),
    ...(answers.slack.enabled ? [`Each step reports to Slack channel #${answers.slack.channel.replace(/^#/, '')}; failures stand out.`] : []),
  ];
}
