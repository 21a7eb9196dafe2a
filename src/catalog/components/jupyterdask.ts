import type { ChartSpec, SecretRequirement } from '../component.js';
import { defineComponent } from '../component.js';
import { NOTEBOOK_IMAGE } from '../notebook-image.js';

const NAMESPACE = 'dask-gateway';
/** HelmRelease name = Helm release name; the chart names its objects after it. */
const RELEASE = 'dask-gateway';
/** The chart's Traefik Service (`traefik-<release>`): API and scheduler proxy share its port 80. */
const TRAEFIK_HOST = `traefik-${RELEASE}.${NAMESPACE}.svc.cluster.local`;
/** The jupyterhub component's hub API (z2jh Service `hub`, port 8081), seen from this namespace. */
const JUPYTERHUB_API_URL = 'http://hub.jupyterhub.svc.cluster.local:8081/hub/api';

const CHART: ChartSpec = {
  repositoryName: 'dask',
  repositoryUrl: 'https://helm.dask.org',
  chart: 'dask-gateway',
  version: '2026.3.0',
  source: 'dask/dask-gateway 2026.3.0 (resources/helm/dask-gateway, published on helm.dask.org)',
};

/**
 * The scheduler/worker image: the notebooks' own, not the chart's default (ghcr.io/dask/dask-gateway
 * has dask but none of the geospatial packages a notebook's tasks call). The gateway starts it with
 * `args` only (kubernetes/controller.py), so the image's entrypoint runs `dask-scheduler` and
 * `dask-worker`, and the scheduler preloads `dask_gateway`, which the image carries.
 */
const BACKEND_IMAGE = NOTEBOOK_IMAGE;

/**
 * How JupyterHub users reach the gateway: in-cluster through the chart's Traefik Service, no
 * ingress. The jupyterhub component hands these to the `dask_gateway` client in user servers.
 */
export const DASK_GATEWAY = {
  namespace: NAMESPACE,
  address: `http://${TRAEFIK_HOST}`,
  proxyAddress: `gateway://${TRAEFIK_HOST}:80`,
  /** Labels and container port of the Traefik pods (the TCP proxy shares the web port by default). */
  traefikPodLabels: { 'app.kubernetes.io/component': 'traefik' },
  traefikPort: 8000,
} as const;

/**
 * The JupyterHub API token of the hub's `dask-gateway` service: the hub registers it, the gateway
 * presents it. The charts live in different namespaces, so each reads its own copy of one value.
 */
export const daskGatewayTokenSecret = (namespace: string): SecretRequirement => ({
  name: 'dask-gateway-token',
  namespace,
  keys: ['token'],
  purpose: `JupyterHub API token of the dask-gateway service (${namespace === NAMESPACE ? 'presented by the gateway' : 'registered by the hub'})`,
  createdBy: 'bootstrap',
  source: { kind: 'generated', values: { token: { random: 64 } } },
  group: 'dask-gateway-token',
  // Both charts read the token at start; Helm does not restart pods for a changed Secret.
  afterRotate: [
    { kind: 'restart', namespace: 'jupyterhub', deployment: 'hub' },
    { kind: 'restart', namespace: NAMESPACE },
  ],
});

export const jupyterdask = defineComponent({
  name: 'jupyterdask',
  layer: 'apps',
  title: 'Dask Gateway',
  summary: 'Dask Gateway for JupyterHub users: per-user Dask clusters, authenticated by JupyterHub',
  namespace: NAMESPACE,
  needs: ['jupyterhub'],
  charts: { daskGateway: CHART },
  hosts: [],
  secrets: () => [daskGatewayTokenSecret(NAMESPACE)],
  sharedView: (): JupyterdaskView => ({
    release: RELEASE,
    hubApiUrl: JUPYTERHUB_API_URL,
    tokenSecret: daskGatewayTokenSecret(NAMESPACE).name,
    backendImage: { name: BACKEND_IMAGE.name, tag: BACKEND_IMAGE.tag },
  }),
  images: { backend: BACKEND_IMAGE },
});

/** What jupyterdask's templates see beside the common fields (apps/base/jupyterdask/). */
interface JupyterdaskView {
  readonly release: string;
  readonly hubApiUrl: string;
  readonly tokenSecret: string;
  readonly backendImage: { readonly name: string; readonly tag: string };
}
