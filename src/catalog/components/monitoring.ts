import { storageClassOf } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_NEEDS, hostOf, ingressFor, routeFor, type Ingress, type Route } from '../ingress.js';

const NAMESPACE = 'monitoring';

/** The Secret Grafana reads its admin login from (never the chart's built-in default password). */
const GRAFANA_ADMIN_SECRET = 'grafana-admin';

/**
 * Loki in monolithic mode serves reads and writes from one Service named after the release
 * (`loki`, port 3100); the chart's nginx gateway is switched off, so Grafana and Alloy talk to it directly.
 */
const LOKI_URL = `http://loki.${NAMESPACE}.svc.cluster.local:3100`;

export const monitoring = defineComponent({
  name: 'monitoring',
  layer: 'apps',
  title: 'Monitoring (Prometheus, Grafana, Loki)',
  summary: 'Cluster metrics with Prometheus and Grafana, container logs collected by Alloy into Loki',
  namespace: NAMESPACE,
  keepsData: 'the Prometheus, Loki and Grafana volumes',
  needs: [...INGRESS_NEEDS],
  charts: {
    kubePrometheusStack: {
      // OCI: prometheus-community/helm-charts .github/workflows/release.yaml pushes every chart to oci://ghcr.io/prometheus-community/charts.
      repositoryName: 'kube-prometheus-stack',
      repositoryUrl: 'oci://ghcr.io/prometheus-community/charts/kube-prometheus-stack',
      chart: 'kube-prometheus-stack',
      version: '91.5.0',
      source: 'prometheus-community/helm-charts release tag kube-prometheus-stack-91.5.0 (Renovate PR ocf/kubernetes#166)',
    },
    loki: {
      // OCI: grafana-community/helm-charts .github/workflows/release.yaml (and README) push to oci://ghcr.io/grafana-community/helm-charts.
      repositoryName: 'loki',
      repositoryUrl: 'oci://ghcr.io/grafana-community/helm-charts/loki',
      chart: 'loki',
      version: '18.13.5',
      source: 'grafana-community/helm-charts GitHub release loki-18.13.5 (the chart moved there from grafana/helm-charts on 2026-03-16)',
    },
    alloy: {
      repositoryName: 'grafana',
      repositoryUrl: 'https://grafana.github.io/helm-charts',
      chart: 'alloy',
      version: '1.13.0',
      source: 'grafana/helm-charts GitHub release alloy-1.13.0 (chart; 1.14.1 is the Alloy binary, not the chart)',
    },
  },
  hosts: ['grafana'],
  // kube-prometheus-stack's first install (CRDs, operator, Prometheus, Grafana) takes about 10 minutes.
  timeout: '20m',
  secrets: () => [
    {
      name: GRAFANA_ADMIN_SECRET,
      namespace: NAMESPACE,
      keys: ['admin-user', 'admin-password'],
      // Grafana stores the password it first starts with; a rotated Secret changes it only for a new
      // Grafana volume (or after `grafana cli admin reset-admin-password`).
      purpose: 'Grafana administrator login, used when Grafana first starts',
      createdBy: 'bootstrap',
      source: { kind: 'generated', values: { 'admin-user': { fixed: 'admin' }, 'admin-password': { random: 40 } } },
    },
  ],
  sharedView: (): MonitoringView => ({
    grafanaAdminSecret: GRAFANA_ADMIN_SECRET,
    loki: { url: LOKI_URL, pushUrl: `${LOKI_URL}/loki/api/v1/push` },
  }),
  clusterView: ({ answers, cluster }): MonitoringClusterView => ({
    host: hostOf(cluster, 'grafana'),
    ingress: ingressFor(answers, cluster, 'grafana'),
    // The grafana sub-chart's Service: <release>-grafana on port 80.
    route: routeFor(answers, cluster, 'grafana', { service: 'kube-prometheus-stack-grafana', port: 80 }),
    storageClass: storageClassOf(cluster),
  }),
});

/** What monitoring's templates see beside the common fields (apps/base/monitoring/). */
interface MonitoringView {
  readonly grafanaAdminSecret: string;
  readonly loki: { readonly url: string; readonly pushUrl: string };
}

/** What monitoring's overlay sees beside that (apps/[environment]/monitoring/). */
interface MonitoringClusterView {
  readonly host: string;
  readonly ingress: Ingress | undefined;
  readonly route: Route | undefined;
  /** Absent: the cluster's default StorageClass. */
  readonly storageClass: string | undefined;
}
