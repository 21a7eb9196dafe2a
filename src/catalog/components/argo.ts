import { irsaServiceAccount, type ServiceAccountRole } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_NEEDS, ingressFor, routeFor, type Ingress, type Route } from '../ingress.js';
import { databaseSecrets, pooledDatabase, type PooledDatabase } from '../database.js';

const DATABASE = { name: 'argo', pooling: 'transaction', extensions: [], schema: false } as const;

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
      // OCI: argoproj/argo-helm .github/workflows/publish.yml pushes each chart to oci://ghcr.io/argoproj/argo-helm.
      repositoryName: 'argo-workflows',
      repositoryUrl: 'oci://ghcr.io/argoproj/argo-helm/argo-workflows',
      chart: 'argo-workflows',
      version: '2.0.4',
      source: 'argoproj/argo-helm release tag argo-workflows-2.0.4 (Renovate PR ocf/kubernetes#163; Argo Workflows v4.1)',
    },
  },
  hosts: ['argo'],
  database: DATABASE,
  timeout: '10m',
  secrets: () => databaseSecrets('argo', NAMESPACE, DATABASE).filter((s) => s.namespace === NAMESPACE),
  sharedView: (): ArgoView => ({ db: pooledDatabase('argo', DATABASE) }),
  clusterView: ({ answers, cluster }): ArgoClusterView => ({
    ingress: ingressFor(answers, cluster, 'argo'),
    // The chart's server Service: <release>-server on servicePort 2746 (argo-helm charts/argo-workflows values.yaml).
    route: routeFor(answers, cluster, 'argo', { service: 'argo-workflows-server', port: 2746 }),
    serviceAccount: irsaServiceAccount(cluster, 'argo'),
  }),
});

/** What argo's templates see beside the common fields (apps/base/argo/). */
interface ArgoView {
  readonly db: PooledDatabase;
}

/** What argo's overlay sees beside that (apps/[environment]/argo/). */
interface ArgoClusterView {
  /** Absent where ingress-nginx does not serve the cluster. */
  readonly ingress: Ingress | undefined;
  /** Absent where Envoy Gateway does not serve the cluster. */
  readonly route: Route | undefined;
  readonly serviceAccount: ServiceAccountRole | undefined;
}
