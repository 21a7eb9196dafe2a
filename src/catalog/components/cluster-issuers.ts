// The `satisfies` below fails the build unless these names are exactly ISSUERS, the answers' choice.
import type { ISSUERS } from '../../answers/choices.js';
import { clusterSettings } from '../../answers/cluster-settings.js';
import type { Answers } from '../../answers/schema.js';
import { defineComponent, type ClusterPatch } from '../component.js';
import { GATEWAY, INGRESS_CLASS } from '../ingress.js';

/** Let's Encrypt's ACME directory for each issuer the answers can choose. */
const ACME_SERVERS = {
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
  'letsencrypt-production': 'https://acme-v02.api.letsencrypt.org/directory',
} as const satisfies Record<(typeof ISSUERS)[number], string>;

type Edge = Answers['ingress']['controller'];

/**
 * How HTTP-01 challenges reach cert-manager's solver through each edge: an Ingress of the nginx
 * class, or an HTTPRoute on the Gateway's plain-HTTP listener (cert-manager's `gatewayHTTPRoute`,
 * which needs its Gateway API support switched on: see the cert-manager component).
 */
const SOLVERS: Record<Edge, Record<string, unknown>> = {
  'ingress-nginx': { http01: { ingress: { ingressClassName: INGRESS_CLASS } } },
  'envoy-gateway': {
    http01: { gatewayHTTPRoute: { parentRefs: [{ kind: 'Gateway', name: GATEWAY.name, namespace: GATEWAY.namespace, sectionName: GATEWAY.httpListener }] } },
  },
};

export const clusterIssuers = defineComponent({
  name: 'cluster-issuers',
  layer: 'configs',
  title: 'ClusterIssuers',
  summary: 'Let’s Encrypt staging and production ClusterIssuers (ACME HTTP-01 through the cluster’s edge)',
  // ClusterIssuers are cluster-scoped; their ACME account keys are Secrets in cert-manager's namespace.
  namespace: 'cert-manager',
  needs: ['cert-manager'],
  charts: {},
  hosts: [],
  toggle: (_answers, listed) => listed.has('cert-manager'),
  secrets: () => [],
  sharedView: ({ answers }): ClusterIssuersView => ({
    issuers: Object.entries(ACME_SERVERS).map(([name, server]) => ({
      name,
      server,
      email: answers.certManager.email,
      // The repository's edge; a cluster with another edge patches its solver.
      solvers: [structuredClone(SOLVERS[answers.ingress.controller])],
    })),
  }),
  clusterPatches: ({ answers, cluster }) => {
    const edge = clusterSettings(answers, cluster).edge;
    if (edge === answers.ingress.controller) return [];
    return Object.keys(ACME_SERVERS).map(
      (name): ClusterPatch => ({
        target: { kind: 'ClusterIssuer', name },
        patch: { apiVersion: 'cert-manager.io/v1', kind: 'ClusterIssuer', metadata: { name }, spec: { acme: { solvers: [structuredClone(SOLVERS[edge])] } } },
      }),
    );
  },
});

/** What templates/infrastructure/configs/cluster-issuers.yaml.hbs sees beside the common fields. */
interface ClusterIssuersView {
  readonly issuers: readonly { readonly name: string; readonly server: string; readonly email: string; readonly solvers: readonly Record<string, unknown>[] }[];
}
