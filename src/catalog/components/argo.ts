import { irsaServiceAccount } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_NEEDS, ingressFor } from '../ingress.js';
import { DB_PROXY_ENDPOINT, databaseSecret } from './db-proxy.js';

const NAMESPACE = 'argo';

export const argo = defineComponent({
  name: 'argo',
  layer: 'apps',
  title: 'Argo Workflows',
  summary: 'Workflow engine for data processing pipelines (indexing, product updates)',
  namespace: NAMESPACE,
  needs: ['db-proxy', ...INGRESS_NEEDS],
  charts: {
    argoWorkflows: {
      repositoryName: 'argo',
      repositoryUrl: 'https://argoproj.github.io/argo-helm',
      chart: 'argo-workflows',
      version: '2.0.4',
      source: 'argoproj/argo-helm charts/argo-workflows (2.0.x, Argo Workflows v4.1)',
    },
  },
  hosts: ['argo'],
  secrets: () => [databaseSecret('argo', NAMESPACE, 'argo')],
  sharedView: () => ({ db: { ...DB_PROXY_ENDPOINT, name: 'argo', secret: 'argo-db' } }),
  clusterView: ({ answers, cluster }) => ({
    ingress: ingressFor(answers, cluster, 'argo'),
    serviceAccount: irsaServiceAccount(cluster, 'argo'),
  }),
});
