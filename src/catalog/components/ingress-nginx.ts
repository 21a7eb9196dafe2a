import { AWS_NLB_ANNOTATIONS, deletePatch, helmValuesPatch, systemPlacement } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_CLASS, servesCluster } from '../ingress.js';

const NAMESPACE = 'ingress-nginx';
const RELEASE = 'ingress-nginx';

/** The NLB speaks proxy protocol to the controller: client addresses arrive from a trusted proxy. */
const NLB_ANNOTATIONS = { ...AWS_NLB_ANNOTATIONS, 'service.beta.kubernetes.io/aws-load-balancer-proxy-protocol': '*' };

export const ingressNginx = defineComponent({
  name: 'ingress-nginx',
  layer: 'controllers',
  title: 'ingress-nginx',
  summary: 'NGINX ingress controller behind a LoadBalancer Service; serves every app host (retired: no fixes since March 2026; move to envoy-gateway)',
  namespace: NAMESPACE,
  needs: [],
  charts: {
    ingressNginx: {
      repositoryName: 'ingress-nginx',
      repositoryUrl: 'https://kubernetes.github.io/ingress-nginx',
      chart: 'ingress-nginx',
      version: '4.15.1',
      source: 'kubernetes/ingress-nginx helm-chart-4.15.1, the final release (repository archived 2026-03-24)',
      endOfLife: {
        since: 'March 2026',
        successor: 'Envoy Gateway: set ingress.controller: envoy-gateway and re-run; once DNS points at the Gateway, remove ingress-nginx from components.controllers',
        source: 'kubernetes.io/blog/2025/11/11/ingress-nginx-retirement and 2026/01/29/ingress-nginx-statement; the final release supports Kubernetes 1.31–1.35 only',
      },
    },
  },
  hosts: [],
  secrets: () => [],
  sharedView: (): IngressNginxView => ({ ingressClass: INGRESS_CLASS }),
  runsOn: ({ answers, cluster }) => servesCluster('ingress-nginx', answers, cluster),
  clusterPatches: ({ answers, cluster }) => {
    if (!servesCluster('ingress-nginx', answers, cluster))
      return [
        deletePatch('helm.toolkit.fluxcd.io/v2', 'HelmRelease', RELEASE, NAMESPACE),
        deletePatch('source.toolkit.fluxcd.io/v1', 'HelmRepository', 'ingress-nginx', NAMESPACE),
        deletePatch('v1', 'Namespace', NAMESPACE),
      ];
    const placement = systemPlacement(cluster);
    if (!placement) return []; // not the aws profile
    // Fresh copies for each place: a shared object would be rendered as a YAML anchor and alias.
    const pinned = () => structuredClone({ nodeSelector: placement.nodeSelector, tolerations: placement.tolerations });
    return [
      helmValuesPatch(RELEASE, NAMESPACE, {
        controller: {
          ...pinned(),
          admissionWebhooks: { patch: pinned() },
          service: { annotations: NLB_ANNOTATIONS },
          config: { 'use-proxy-protocol': 'true' },
        },
      }),
    ];
  },
});

/** What templates/infrastructure/controllers/ingress-nginx.yaml.hbs sees beside the common fields. */
interface IngressNginxView {
  readonly ingressClass: string;
}
