import { irsaServiceAccount, type ServiceAccountRole } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_NEEDS, ingressFor, routeFor, type Ingress, type Route } from '../ingress.js';
import { databaseSecrets, pooledDatabase, type PooledDatabase } from '../database.js';

const DATABASE = {
  name: 'argo',
  pooling: 'transaction',
  poolSize: 5,
  poolReason: 'the workflow controller archives workflows in short transactions: a few connections serve it',
  extensions: [],
  schema: false,
} as const;

const NAMESPACE = 'argo';
/** The account workflow pods run as (the chart creates it; the controller makes it the default). */
export const WORKFLOW_SERVICE_ACCOUNT = 'argo-workflow';

export const argo = defineComponent({
  name: 'argo',
  layer: 'apps',
  title: 'Argo Workflows',
  summary: 'Workflow engine for data processing pipelines (indexing, product updates)',
  namespace: NAMESPACE,
  keepsData: "its database login Secret (the role's password in PostgreSQL)",
  needs: ['db-proxy', ...INGRESS_NEEDS],
  charts: {
    argoWorkflows: {
      // OCI: argoproj/argo-helm .github/workflows/publish.yml pushes each chart to oci://ghcr.io/argoproj/argo-helm.
      repositoryName: 'argo-workflows',
      repositoryUrl: 'oci://ghcr.io/argoproj/argo-helm/argo-workflows',
      chart: 'argo-workflows',
      version: '2.0.4',
      // Argo v4.1.1 or v4.1.2: argo-helm's release notes put the chart on v4.1.1 at 2.0.1 (#4020), with no
      // app bump at 2.0.3 or 2.0.4; 2.0.2's notes were not found. api/jsonschema/schema.json is one blob
      // (62b82e11) at argo-workflows tags v4.1.0, v4.1.1 and v4.1.2, so the test fixture holds for either.
      source:
        'argoproj/argo-helm release tag argo-workflows-2.0.4 (its notes quoted by Renovate PR ocf/kubernetes#163; after argo-workflows-2.0.1 of 2026-08-17, which moved to Argo Workflows v4.1.1, and 2.0.3 of 2026-08-28); Argo Workflows v4.1.1 or v4.1.2',
    },
  },
  hosts: ['argo'],
  database: DATABASE,
  timeout: '10m',
  secrets: (ctx) => databaseSecrets('argo', NAMESPACE, DATABASE, ctx).filter((s) => s.namespace === NAMESPACE),
  sharedView: (): ArgoView => ({ db: pooledDatabase('argo', DATABASE), workflowServiceAccount: WORKFLOW_SERVICE_ACCOUNT }),
  clusterView: ({ answers, cluster }): ArgoClusterView => ({
    ingress: ingressFor(answers, cluster, 'argo'),
    // The chart's server Service: <release>-server on servicePort 2746 (argo-helm charts/argo-workflows values.yaml).
    route: routeFor(answers, cluster, 'argo', { service: 'argo-workflows-server', port: 2746 }),
    // The IAM role goes on the server (it shows artifacts) and on the account workflow pods run as.
    serviceAccount: irsaServiceAccount(cluster, 'argo'),
    // argo-helm charts/argo-workflows/values.yaml, read at chart 1.0.18 (the newest in the mirror;
    // 2.0.4's own values not read): workflow.serviceAccount.annotations, controller.workflowDefaults,
    // artifactRepository.s3 with useSDKCreds, and useStaticCredentials false, so pods use the
    // IRSA role instead of keys.
    artifacts:
      cluster.cloud === 'aws' && cluster.aws?.artifactBucket
        ? { bucket: cluster.aws.artifactBucket, region: cluster.aws.region, endpoint: `s3.${cluster.aws.region}.amazonaws.com` }
        : undefined,
  }),
});

/** What argo's templates see beside the common fields (apps/base/argo/). */
interface ArgoView {
  readonly db: PooledDatabase;
  readonly workflowServiceAccount: string;
}

/** What argo's overlay sees beside that (apps/[environment]/argo/). */
interface ArgoClusterView {
  /** Absent where ingress-nginx does not serve the cluster. */
  readonly ingress: Ingress | undefined;
  /** Absent where Envoy Gateway does not serve the cluster. */
  readonly route: Route | undefined;
  readonly serviceAccount: ServiceAccountRole | undefined;
  /** Absent: no artifact repository (no bucket in the answers, or not on aws). */
  readonly artifacts: { readonly bucket: string; readonly region: string; readonly endpoint: string } | undefined;
}
