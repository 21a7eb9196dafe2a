import { clusterSettings } from '../answers/cluster-settings.js';
import type { Answers, ClusterAnswers } from '../answers/schema.js';
import type { ComponentName } from './names.js';

/** What every app with an ingress needs: the controller, cert-manager and its issuers. */
export const INGRESS_NEEDS = ['ingress-nginx', 'cert-manager', 'cluster-issuers'] as const satisfies readonly ComponentName[];

/** The ingress class ingress-nginx registers; ClusterIssuers solve HTTP-01 through it. */
export const INGRESS_CLASS = 'nginx';

/** One host of an app, as its Ingress (and the partial `ingress`) spells it out. */
export interface Ingress {
  readonly host: string;
  readonly className: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly tlsSecret: string;
}

/**
 * How every app is exposed: one host under the cluster's domain, TLS from the chosen ClusterIssuer
 * (one source of truth for the issuer name: the real repo broke on `letsencrypt-prod` vs
 * `letsencrypt-production`). On aws, external-dns publishes the host.
 */
export function ingressFor(answers: Answers, cluster: ClusterAnswers, subdomain: string): Ingress {
  const host = `${subdomain}.${cluster.domain}`;
  const annotations: Record<string, string> = { 'cert-manager.io/cluster-issuer': clusterSettings(answers, cluster).issuer };
  if (cluster.cloud === 'aws') annotations['external-dns.alpha.kubernetes.io/hostname'] = host;
  return { host, className: INGRESS_CLASS, annotations, tlsSecret: `${subdomain}-tls` };
}
