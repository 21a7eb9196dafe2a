import { z } from 'zod';
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

/** What the answers' defaults listed as controllers before `ingress.controller` existed. */
const CONTROLLERS_BEFORE_THE_EDGE_ANSWER = ['cert-manager', 'ingress-nginx', 'db-proxy', 'notifications', 'nvidia-device-plugin'];

/**
 * Stored answers written before `ingress.controller` existed describe an ingress-nginx platform:
 * they keep it (a re-run never switches a live edge on its own), and keep ingress-nginx listed, so
 * that switching later runs both edges side by side until the person removes it from the list.
 */
export function keepStoredEdge(stored: Record<string, unknown>): Record<string, unknown> {
  if (Object.hasOwn(stored, 'ingress')) return stored;
  const components = (typeof stored.components === 'object' && stored.components !== null ? stored.components : {}) as Record<string, unknown>;
  return {
    ...stored,
    ingress: { controller: 'ingress-nginx' },
    ...(Object.hasOwn(components, 'controllers') ? {} : { components: { ...components, controllers: CONTROLLERS_BEFORE_THE_EDGE_ANSWER } }),
  };
}
