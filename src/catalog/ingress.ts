import { clusterSettings } from '../answers/cluster-settings.js';
import type { Answers, ClusterAnswers } from '../answers/schema.js';
import type { ComponentSpec } from './component.js';
import { EDGE_NAMES, type ComponentName, type EdgeName } from './names.js';

/**
 * The edge: what serves every app's host over HTTPS. Each cluster's `ingress.controller` names one
 * (Envoy Gateway by default; ingress-nginx for repositories made before it was retired). An edge
 * listed in `components.controllers` keeps running beside the chosen one: that is how a cluster
 * moves from ingress-nginx to Envoy Gateway without a gap while its DNS records are changed.
 */

/** What every app with a host needs: the issuers (which need cert-manager); the edge follows the answers. */
export const INGRESS_NEEDS = ['cluster-issuers'] as const satisfies readonly ComponentName[];

/** The ingress class ingress-nginx registers; ClusterIssuers solve HTTP-01 through it. */
export const INGRESS_CLASS = 'nginx';

/** The one Gateway of each cluster (infrastructure/configs/gateway.yaml), in Envoy Gateway's namespace. */
export const GATEWAY = { name: 'edge', namespace: 'envoy-gateway-system', className: 'envoy-gateway', httpListener: 'http' } as const;

/** Values Flux fills into the shared Gateway per cluster (infra-configs' postBuild.substitute). */
export const GATEWAY_VARIABLES = { domain: 'CLUSTER_DOMAIN', issuer: 'CLUSTER_ISSUER' } as const;

/** The Gateway listener that serves one host: HTTPS, with its own certificate. */
export const listenerName = (subdomain: string): string => `https-${subdomain}`;

/** The Secret cert-manager writes a host's Gateway certificate into (in the Gateway's namespace). */
export const gatewayTlsSecret = (subdomain: string): string => `${subdomain}-tls`;

export const hostOf = (cluster: ClusterAnswers, subdomain: string): string => `${subdomain}.${cluster.domain}`;

/** Whether the edge serves this cluster: its answer, or listed to run beside it. */
export function servesCluster(edge: EdgeName, answers: Answers, cluster: ClusterAnswers): boolean {
  return clusterSettings(answers, cluster).edge === edge || (answers.components.controllers as readonly string[]).includes(edge);
}

/** The edge of one cluster, as its README and the run's notes describe it. */
export interface ClusterEdge {
  readonly controller: EdgeName;
  readonly envoyGateway: boolean;
  readonly ingressNginx: boolean;
  /** The command that prints the address each host's DNS record should point at. */
  readonly addressCommand: string;
  /** The other edge still runs beside the chosen one: the hosts move over when DNS does. */
  readonly beside: EdgeName | undefined;
}

const ADDRESS_COMMANDS: Record<EdgeName, string> = {
  'envoy-gateway': `kubectl -n ${GATEWAY.namespace} get gateway ${GATEWAY.name} -o jsonpath='{.status.addresses[*].value}'`,
  'ingress-nginx': "kubectl -n ingress-nginx get service ingress-nginx-controller -o jsonpath='{.status.loadBalancer.ingress[*]}'",
};

export function clusterEdge(answers: Answers, cluster: ClusterAnswers): ClusterEdge {
  const controller = clusterSettings(answers, cluster).edge;
  const other = EDGE_NAMES.find((edge) => edge !== controller)!;
  return {
    controller,
    envoyGateway: servesCluster('envoy-gateway', answers, cluster),
    ingressNginx: servesCluster('ingress-nginx', answers, cluster),
    addressCommand: ADDRESS_COMMANDS[controller],
    beside: servesCluster(other, answers, cluster) ? other : undefined,
  };
}

/** What a person must do on clusters where both edges run: move DNS, then drop the old edge. */
export function edgeNotes(answers: Answers): string[] {
  return answers.clusters.flatMap((cluster) => {
    const edge = clusterEdge(answers, cluster);
    if (!edge.beside) return [];
    return [
      `${cluster.name}: ${edge.beside} keeps serving beside ${edge.controller} until you remove it: point each host's DNS record at ` +
        `${edge.controller}'s address (${edge.addressCommand}), then remove ${edge.beside} from components.controllers and re-run`,
    ];
  });
}

/**
 * The edge components the repository gets: each cluster's, plus a listed one, whenever something
 * is served over HTTPS (an app with a host, or cert-manager's HTTP-01 issuers). With Envoy Gateway
 * comes its Gateway (a config, applied once the Gateway API CRDs exist).
 */
export function edgeComponents(answers: Answers, selected: readonly ComponentSpec[]): ComponentName[] {
  if (!selected.some((c) => c.hosts.length > 0 || c.name === 'cert-manager')) return [];
  const edges = EDGE_NAMES.filter((edge) => answers.clusters.some((cluster) => servesCluster(edge, answers, cluster)));
  return edges.includes('envoy-gateway') ? [...edges, 'gateway'] : edges;
}

/** An app's hosts are served by the same edges: all of them (by name), or none. */
export function allOrNone<K extends string, T>(hosts: Record<K, T | undefined>): Record<K, T> | undefined {
  return Object.values(hosts).every((h) => h !== undefined) ? (hosts as Record<K, T>) : undefined;
}

/** One host of an app, as its Ingress (and the partial `ingress`) spells it out. */
export interface Ingress {
  readonly host: string;
  readonly className: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly tlsSecret: string;
}

/**
 * How an app's host is served by ingress-nginx on this cluster, or undefined when ingress-nginx
 * does not serve it. TLS from the chosen ClusterIssuer (one source of truth for the issuer name:
 * the real repo broke on `letsencrypt-prod` vs `letsencrypt-production`). On aws, external-dns
 * publishes the host.
 */
export function ingressFor(answers: Answers, cluster: ClusterAnswers, subdomain: string, nginxAnnotations: Readonly<Record<string, string>> = {}): Ingress | undefined {
  if (!servesCluster('ingress-nginx', answers, cluster)) return undefined;
  const host = hostOf(cluster, subdomain);
  const annotations: Record<string, string> = { 'cert-manager.io/cluster-issuer': clusterSettings(answers, cluster).issuer };
  if (cluster.cloud === 'aws') annotations['external-dns.alpha.kubernetes.io/hostname'] = host;
  return { host, className: INGRESS_CLASS, annotations: { ...annotations, ...nginxAnnotations }, tlsSecret: `${subdomain}-tls` };
}

/**
 * Envoy Gateway timeouts of one route (a BackendTrafficPolicy), where the app needs other than the
 * Gateway's defaults. `streamIdle` is what nginx's proxy-read/send-timeout were: the longest quiet
 * spell on a request or websocket.
 */
export interface RouteTimeouts {
  readonly request: string;
  readonly streamIdle: string;
}

/**
 * The Gateway-wide defaults, nginx's behaviour: no limit on a whole response (Argo streams logs
 * and events for as long as a workflow runs), 60 s of silence at most (nginx's default
 * proxy-read-timeout). Envoy's own route default would cut every response at 15 s.
 */
export const DEFAULT_ROUTE_TIMEOUTS: RouteTimeouts = { request: '0s', streamIdle: '60s' };

/** One host of an app as an HTTPRoute on the cluster's Gateway. */
export interface Route {
  readonly name: string;
  readonly host: string;
  readonly gateway: { readonly name: string; readonly namespace: string; readonly sectionName: string };
  readonly backend: { readonly name: string; readonly port: number };
  /** Absent: the Gateway's defaults (DEFAULT_ROUTE_TIMEOUTS). */
  readonly timeouts: RouteTimeouts | undefined;
}

/** The Service behind a host, and what the app needs beyond the edge's defaults. */
export interface RouteTarget {
  readonly service: string;
  readonly port: number;
  readonly timeouts?: RouteTimeouts;
}

/**
 * How an app's host is served by Envoy Gateway on this cluster, or undefined when it does not
 * serve it. Request bodies need no setting: Envoy streams them to the app without a size limit
 * (nginx's proxy-body-size had to be lifted for notebooks).
 */
export function routeFor(answers: Answers, cluster: ClusterAnswers, subdomain: string, target: RouteTarget): Route | undefined {
  if (!servesCluster('envoy-gateway', answers, cluster)) return undefined;
  return {
    name: target.service,
    host: hostOf(cluster, subdomain),
    gateway: { name: GATEWAY.name, namespace: GATEWAY.namespace, sectionName: listenerName(subdomain) },
    backend: { name: target.service, port: target.port },
    timeouts: target.timeouts,
  };
}
