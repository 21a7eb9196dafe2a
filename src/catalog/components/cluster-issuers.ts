// The `satisfies` below fails the build unless these names are exactly ISSUERS, the answers' choice.
import type { ISSUERS } from '../../answers/choices.js';
import { defineComponent } from '../component.js';
import { INGRESS_CLASS } from '../ingress.js';

/** Let's Encrypt's ACME directory for each issuer the answers can choose. */
const ACME_SERVERS = {
  'letsencrypt-staging': 'https://acme-staging-v02.api.letsencrypt.org/directory',
  'letsencrypt-production': 'https://acme-v02.api.letsencrypt.org/directory',
} as const satisfies Record<(typeof ISSUERS)[number], string>;

export const clusterIssuers = defineComponent({
  name: 'cluster-issuers',
  layer: 'configs',
  title: 'ClusterIssuers',
  summary: 'Let’s Encrypt staging and production ClusterIssuers (ACME HTTP-01 through ingress-nginx)',
  // ClusterIssuers are cluster-scoped; their ACME account keys are Secrets in cert-manager's namespace.
  namespace: 'cert-manager',
  needs: ['cert-manager', 'ingress-nginx'],
  charts: {},
  hosts: [],
  toggle: (_answers, listed) => listed.has('cert-manager'),
  secrets: () => [],
  sharedView: ({ answers }): ClusterIssuersView => ({
    issuers: Object.entries(ACME_SERVERS).map(([name, server]) => ({
      name,
      server,
      email: answers.certManager.email,
      ingressClass: INGRESS_CLASS,
    })),
  }),
});

/** What templates/infrastructure/configs/cluster-issuers.yaml.hbs sees beside the common fields. */
interface ClusterIssuersView {
  readonly issuers: readonly { readonly name: string; readonly server: string; readonly email: string; readonly ingressClass: string }[];
}
