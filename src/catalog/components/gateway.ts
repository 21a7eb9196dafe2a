import { clusterSettings } from '../../answers/cluster-settings.js';
import { AWS_NLB_ANNOTATIONS, deletePatch, systemPlacement } from '../cloud.js';
import { defineComponent, type ClusterPatch } from '../component.js';
import { DEFAULT_ROUTE_TIMEOUTS, GATEWAY, GATEWAY_VARIABLES, gatewayTlsSecret, listenerName, servesCluster } from '../ingress.js';

const GATEWAY_API = 'gateway.networking.k8s.io/v1';
const ENVOY_GATEWAY_API = 'gateway.envoyproxy.io/v1alpha1';
/** The EnvoyProxy the Gateway's proxies are made from, and the route redirecting HTTP to HTTPS. */
const PROXY = 'edge-proxy';
const REDIRECT = 'https-redirect';
const DEFAULTS_POLICY = 'edge-defaults';

/**
 * IP targets over TCP lose the client's address unless the target group preserves it
 * (preserve_client_ip.enabled: off by default for them, per the ELB docs on target group
 * attributes): Envoy then sees the real client, without a header anyone could forge.
 */
const NLB_ANNOTATIONS = { ...AWS_NLB_ANNOTATIONS, 'service.beta.kubernetes.io/aws-load-balancer-target-group-attributes': 'preserve_client_ip.enabled=true' };

export const gateway = defineComponent({
  name: 'gateway',
  layer: 'configs',
  title: 'Gateway',
  summary: 'The cluster’s Gateway: one HTTPS listener per app host, certificates from cert-manager, HTTP redirected to HTTPS',
  namespace: GATEWAY.namespace,
  needs: ['envoy-gateway'],
  charts: {},
  hosts: [],
  secrets: () => [],
  // Hostnames and the issuer differ per cluster: Flux fills them in (postBuild.substitute).
  variables: ({ answers, cluster }) => ({ [GATEWAY_VARIABLES.domain]: cluster.domain, [GATEWAY_VARIABLES.issuer]: clusterSettings(answers, cluster).issuer }),
  sharedView: ({ components }): GatewayView => {
    const served = components.flatMap((c) => c.hosts.map((subdomain) => ({ subdomain, namespace: c.namespace })));
    const subdomains = served.map((h) => h.subdomain);
    const host = (subdomain: string) => `${subdomain}.\${${GATEWAY_VARIABLES.domain}}`;
    return {
      gateway: GATEWAY,
      proxy: PROXY,
      redirect: REDIRECT,
      defaultsPolicy: DEFAULTS_POLICY,
      defaults: DEFAULT_ROUTE_TIMEOUTS,
      issuer: `\${${GATEWAY_VARIABLES.issuer}}`,
      hostnames: subdomains.map(host),
      // Each host's listener takes routes from its app's namespace only: no other namespace can claim the host.
      listeners: served.map(({ subdomain, namespace }) => ({ name: listenerName(subdomain), hostname: host(subdomain), secret: gatewayTlsSecret(subdomain), namespace })),
    };
  },
  runsOn: ({ answers, cluster }) => servesCluster('envoy-gateway', answers, cluster),
  clusterPatches: ({ answers, cluster }) => {
    if (!servesCluster('envoy-gateway', answers, cluster))
      return [
        deletePatch(`${ENVOY_GATEWAY_API}`, 'BackendTrafficPolicy', DEFAULTS_POLICY, GATEWAY.namespace),
        deletePatch(GATEWAY_API, 'HTTPRoute', REDIRECT, GATEWAY.namespace),
        deletePatch(GATEWAY_API, 'Gateway', GATEWAY.name, GATEWAY.namespace),
        deletePatch(ENVOY_GATEWAY_API, 'EnvoyProxy', PROXY, GATEWAY.namespace),
        deletePatch(GATEWAY_API, 'GatewayClass', GATEWAY.className),
      ];
    const placement = systemPlacement(cluster);
    if (!placement) return [];
    // On EKS the proxies sit behind an NLB of the AWS Load Balancer Controller, on the system nodes.
    const patch: ClusterPatch = {
      target: { kind: 'EnvoyProxy', name: PROXY, namespace: GATEWAY.namespace },
      patch: {
        apiVersion: ENVOY_GATEWAY_API,
        kind: 'EnvoyProxy',
        metadata: { name: PROXY, namespace: GATEWAY.namespace },
        spec: {
          provider: {
            type: 'Kubernetes',
            kubernetes: {
              envoyService: { annotations: NLB_ANNOTATIONS },
              envoyDeployment: { pod: { nodeSelector: placement.nodeSelector, tolerations: structuredClone(placement.tolerations) } },
            },
          },
        },
      },
    };
    return [patch];
  },
});

/** What templates/infrastructure/configs/gateway.yaml.hbs sees beside the common fields. */
interface GatewayView {
  readonly gateway: typeof GATEWAY;
  readonly proxy: string;
  readonly redirect: string;
  readonly defaultsPolicy: string;
  readonly defaults: typeof DEFAULT_ROUTE_TIMEOUTS;
  readonly issuer: string;
  readonly hostnames: readonly string[];
  readonly listeners: readonly { readonly name: string; readonly hostname: string; readonly secret: string; readonly namespace: string }[];
}
