import { certManagerAnswers } from '../../answers/sections/cert-manager.js';
import { helmValuesPatch, systemPlacement } from '../cloud.js';
import { defineComponent } from '../component.js';

export const certManager = defineComponent({
  name: 'cert-manager',
  layer: 'controllers',
  title: 'cert-manager',
  summary: 'Issues and renews TLS certificates from Let’s Encrypt for every ingress',
  namespace: 'cert-manager',
  needs: [],
  charts: {
    certManager: {
      repositoryName: 'jetstack',
      repositoryUrl: 'https://charts.jetstack.io',
      chart: 'cert-manager',
      // The jetstack repository versions charts after the git tag, with its leading v.
      version: 'v1.21.2',
      source: 'cert-manager release v1.21.2: charts.jetstack.io/charts/cert-manager-v1.21.2.tgz (the chart version is the git tag)',
    },
  },
  hosts: [],
  answers: certManagerAnswers,
  secrets: () => [],
  clusterPatches: ({ cluster }) => {
    const placement = systemPlacement(cluster);
    if (!placement) return [];
    const pinned = { nodeSelector: placement.nodeSelector, tolerations: placement.tolerations };
    return [helmValuesPatch('cert-manager', 'cert-manager', { ...pinned, webhook: pinned, cainjector: pinned })];
  },
});
