import { certManagerAnswers } from '../../answers/sections/cert-manager.js';
import { helmValuesPatch, systemPlacement } from '../cloud.js';
import { defineComponent, type ClusterPatch } from '../component.js';
import { GATEWAY, servesCluster } from '../ingress.js';

const NAMESPACE = 'cert-manager';
const RELEASE = 'cert-manager';

export const certManager = defineComponent({
  name: 'cert-manager',
  layer: 'controllers',
  title: 'cert-manager',
  summary: 'Issues and renews TLS certificates from Let’s Encrypt for every app host',
  namespace: NAMESPACE,
  needs: [],
  charts: {
    certManager: {
      // OCI: cert-manager RELEASE.md (v1.21.1): each release's chart is published to quay.io/jetstack/charts/cert-manager.
      repositoryName: 'cert-manager',
      repositoryUrl: 'oci://quay.io/jetstack/charts/cert-manager',
      chart: 'cert-manager',
      // Charts are versioned after the git tag, with its leading v (the OCI tag is the chart version).
      version: 'v1.21.2',
      source: 'cert-manager release v1.21.2 (charts.jetstack.io/charts/cert-manager-v1.21.2.tgz; the chart version is the git tag); each release is also pushed to quay.io/jetstack/charts/cert-manager (RELEASE.md)',
    },
  },
  hosts: [],
  answers: certManagerAnswers,
  secrets: () => [],
  clusterPatches: ({ answers, cluster }) => {
    const patches: ClusterPatch[] = [];
    if (servesCluster('envoy-gateway', answers, cluster)) {
      // Certificates for the Gateway's listeners and HTTP-01 through HTTPRoutes. Off by default in
      // cert-manager 1.21 (controller config gatewayAPI.enabled, formerly enableGatewayAPI:
      // pkg/apis/config/controller/v1alpha1/types.go and testdata/defaults.json at v1.21.1).
      const gatewayApi = helmValuesPatch(RELEASE, NAMESPACE, { config: { gatewayAPI: { enabled: true } } });
      // cert-manager watches Gateway API kinds only if their CRDs exist when it starts: they come with Envoy Gateway.
      const spec = { dependsOn: [{ name: 'envoy-gateway', namespace: GATEWAY.namespace }], ...(gatewayApi.patch.spec as object) };
      patches.push({ ...gatewayApi, patch: { ...gatewayApi.patch, spec } });
    }
    const placement = systemPlacement(cluster);
    if (placement) {
      const pinned = { nodeSelector: placement.nodeSelector, tolerations: placement.tolerations };
      patches.push(helmValuesPatch(RELEASE, NAMESPACE, { ...pinned, webhook: pinned, cainjector: pinned }));
    }
    return patches;
  },
});
