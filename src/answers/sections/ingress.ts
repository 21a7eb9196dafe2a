import { z } from 'zod';
import { DEFAULT_CONTROLLERS } from '../../catalog/names.js';
import { INGRESS_CONTROLLERS } from '../choices.js';
import { choices, defineSection } from './section.js';

const HINTS = {
  'envoy-gateway': 'Gateway API (Envoy Gateway): one Gateway per cluster, an HTTPRoute per app',
  'ingress-nginx': 'retired in March 2026: no more releases or security fixes',
} as const;

/** The edge's answers: what serves the apps' hosts, repository-wide and per cluster. */
export const ingressAnswers = defineSection({
  key: 'ingress',
  component: 'envoy-gateway',
  answers: z
    .strictObject({
      controller: z
        .enum(INGRESS_CONTROLLERS)
        .default('envoy-gateway')
        .describe('What serves the apps: envoy-gateway (Gateway API) or ingress-nginx (retired, end of life)'),
    })
    .prefault({}),
  clusterOverrides: z
    .strictObject({ controller: z.enum(INGRESS_CONTROLLERS).optional().describe("This cluster's edge (default: ingress.controller)") })
    .optional(),
  ask: async (q) => {
    if (!q.selected('cert-manager')) return;
    q.section('Edge (HTTPS for every app)');
    await q.select('ingress.controller', 'What serves the apps', choices(INGRESS_CONTROLLERS, HINTS));
  },
  askForCluster: async (q) => {
    if (q.selected('cert-manager')) await q.select('ingress.controller', `What serves ${q.name}'s apps`, choices(INGRESS_CONTROLLERS, HINTS));
  },
});

/**
 * Stored answers written before `ingress.controller` existed describe an ingress-nginx platform:
 * they keep it (a re-run never switches a live edge on its own). Switching it later keeps it
 * beside the new edge (keepEdgeWhileMoving).
 */
export function keepStoredEdge(stored: Record<string, unknown>): Record<string, unknown> {
  return Object.hasOwn(stored, 'ingress') ? stored : { ...stored, ingress: { controller: 'ingress-nginx' } };
}

type Tree = Record<string, unknown>;
const treeAt = (value: unknown): Tree => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Tree) : {});

/** Each cluster's edge in raw answers, by cluster name (its override, else the repository's, else the default). */
function edgesByCluster(raw: Tree): Map<string, string> {
  const repository = treeAt(raw.ingress).controller ?? 'envoy-gateway';
  const clusters = Array.isArray(raw.clusters) ? raw.clusters : [];
  return new Map(clusters.map((c) => [String(treeAt(c).name), String(treeAt(treeAt(c).ingress).controller ?? repository)]));
}

/**
 * A re-run that changes a cluster's edge keeps the old one running beside the new one: it is
 * listed in components.controllers (and stays until the person takes it off), so the plan shows
 * both edges and every host keeps being served while its DNS record moves. A run that also sets
 * the list decides it itself.
 */
export function keepEdgeWhileMoving(stored: Tree, given: Tree): Tree {
  const before = edgesByCluster(stored);
  const after = edgesByCluster(given);
  const leaving = [...before].filter(([name, edge]) => after.has(name) && after.get(name) !== edge).map(([, edge]) => edge);
  if (leaving.length === 0) return given;
  const components = treeAt(given.components);
  // A list the person changed in this very run is theirs: taken as given.
  if (JSON.stringify(components.controllers) !== JSON.stringify(treeAt(stored.components).controllers)) return given;
  const listed: string[] = Array.isArray(components.controllers) ? components.controllers.map(String) : [...DEFAULT_CONTROLLERS];
  const kept = [...new Set([...listed, ...leaving])];
  return kept.length === listed.length ? given : { ...given, components: { ...components, controllers: kept } };
}
