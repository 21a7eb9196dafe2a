import { ingressAnswers } from '../../answers/sections/ingress.js';
import { deletePatch, helmValuesPatch, systemPlacement } from '../cloud.js';
import { defineComponent } from '../component.js';
import { GATEWAY, servesCluster } from '../ingress.js';

const NAMESPACE = GATEWAY.namespace;
const RELEASE = 'envoy-gateway';
const SOURCE = 'gateway-helm';

export const envoyGateway = defineComponent({
  name: 'envoy-gateway',
  layer: 'controllers',
  title: 'Envoy Gateway',
  summary: 'Gateway API controller (Envoy proxies behind a LoadBalancer Service); serves every app host through HTTPRoutes',
  namespace: NAMESPACE,
  needs: [],
  charts: {
    envoyGateway: {
      repositoryName: SOURCE,
      repositoryUrl: 'oci://docker.io/envoyproxy/gateway-helm',
      chart: 'gateway-helm',
      // Chart versions keep the git tag's v (tools/make/helm.mk: CHART_VERSION = RELEASE_VERSION = VERSION file).
      version: 'v1.9.0',
      source:
        'envoyproxy/gateway v1.9.0 (2026-08-15; release-notes/v1.9.0.yaml; VERSION, tools/make/helm.mk push to oci://docker.io/envoyproxy); Kubernetes 1.33–1.36, Gateway API v1.6.1 (site news/releases/matrix.md). CRDs in a sub-chart since v1.8.0, under Helm’s 1 MB release limit (release-notes/v1.8.0.yaml)',
    },
  },
  hosts: [],
  answers: ingressAnswers,
  secrets: () => [],
  sharedView: (): EnvoyGatewayView => ({ release: RELEASE }),
  runsOn: ({ answers, cluster }) => servesCluster('envoy-gateway', answers, cluster),
  clusterPatches: ({ answers, cluster }) => {
    if (!servesCluster('envoy-gateway', answers, cluster))
      return [
        deletePatch('helm.toolkit.fluxcd.io/v2', 'HelmRelease', RELEASE, NAMESPACE),
        deletePatch('source.toolkit.fluxcd.io/v1', 'OCIRepository', SOURCE, NAMESPACE),
        deletePatch('v1', 'Namespace', NAMESPACE),
      ];
    const placement = systemPlacement(cluster);
    if (!placement) return [];
    return [helmValuesPatch(RELEASE, NAMESPACE, { deployment: { pod: { nodeSelector: placement.nodeSelector, tolerations: placement.tolerations } } })];
  },
});

/** What templates/infrastructure/controllers/envoy-gateway.yaml.hbs sees beside the common fields. */
interface EnvoyGatewayView {
  readonly release: string;
}
