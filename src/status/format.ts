import type { KustomizationStatus, NodeState, PlatformStatus, StatusNode } from './assess.js';

/** The status as a person reads it: layer by layer, app by app, each failure with its evidence and next step. */
const MARK: Record<NodeState, string> = { ready: '✔', progressing: '◌', waiting: '…', failed: '✖', suspended: '⏸' };

const LAYER_TITLES: Record<KustomizationStatus['layer'], string> = {
  flux: 'Flux',
  controllers: 'Controllers',
  configs: 'Configuration',
  database: 'Database',
  apps: 'Apps',
};

export function formatStatus(status: PlatformStatus): string[] {
  const all = status.kustomizations;
  const ready = all.filter((k) => k.state === 'ready').length;
  const lines = [`Cluster ${status.cluster} on kubectl context ${status.context}: ${summary(status)} (${ready} of ${all.length} Kustomizations Ready)`];
  lines.push(...nodeLines(status.source, '  '));
  let layer: string | undefined;
  for (const k of all) {
    if (k.layer !== layer) {
      layer = k.layer;
      lines.push(`${LAYER_TITLES[k.layer]}`);
    }
    lines.push(...nodeLines(k, '  '));
  }
  if (status.drift.length > 0) {
    lines.push('Drift');
    for (const d of status.drift) lines.push(`  ! ${d.kind} ${d.namespace}/${d.name}: ${d.message}`);
  }
  const up = status.urls.filter((u) => u.ready);
  if (up.length > 0) {
    lines.push('Apps up');
    for (const u of up) lines.push(`  ${u.component}: ${u.url}`);
  }
  return lines;
}

function summary(status: PlatformStatus): string {
  if (status.outcome === 'ready') return 'every Kustomization is Ready';
  if (status.outcome === 'failed') return 'something failed';
  return 'still progressing';
}

function nodeLines(node: StatusNode, indent: string): string[] {
  const name = node.kind === 'Kustomization' ? node.name : `${node.kind} ${node.namespace}/${node.name}`;
  const reason = node.state === 'ready' && node.kind === 'Kustomization' ? '' : node.reason ? `  ${node.reason}` : '';
  return [
    `${indent}${MARK[node.state]} ${name}${reason}`,
    ...node.details.map((d) => `${indent}    ${d}`),
    ...(node.next ? [`${indent}    next: ${node.next}`] : []),
    ...node.children.flatMap((c) => nodeLines(c, `${indent}    `)),
  ];
}

/** One line per node that is not Ready, for a live view that changes as the cluster does. */
export function progressLine(status: PlatformStatus): string {
  const all = status.kustomizations;
  const ready = all.filter((k) => k.state === 'ready').length;
  const failed = all.filter((k) => k.state === 'failed').map((k) => k.name);
  const working = all.filter((k) => k.state === 'progressing').map((k) => k.name);
  return `${ready}/${all.length} Ready${working.length > 0 ? `; reconciling ${working.join(', ')}` : ''}${failed.length > 0 ? `; failed ${failed.join(', ')}` : ''}`;
}
