import type { Answers } from '../../answers/schema.js';
import { irsaServiceAccount, storageClassOf } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_NEEDS, ingressFor } from '../ingress.js';
import { DB_PROXY_ENDPOINT, databaseSecret } from './db-proxy.js';
import { DASK_GATEWAY, daskGatewayTokenSecret } from './jupyterdask.js';

const NAMESPACE = 'jupyterhub';
/** The ServiceAccount of user servers, created by the overlay when IRSA is configured. */
const USER_SERVICE_ACCOUNT = 'jupyterhub-user';

/** Notebooks keep websockets open for hours and save large files through the ingress. */
const NOTEBOOK_INGRESS_ANNOTATIONS = {
  'nginx.ingress.kubernetes.io/proxy-body-size': '0',
  'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
  'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
};

/**
 * The KubeSpawner profile list: a CPU server by default and, with GPU on, one GPU on the GPU
 * nodes (their selector and tolerations from the answers). No list without GPU: one default server.
 */
function profileList(answers: Answers) {
  const { gpu } = answers;
  if (!gpu.enabled || !gpu.jupyterProfile) return undefined;
  return [
    {
      display_name: 'Standard (CPU)',
      description: '2 CPU, 8 GB memory',
      default: true,
      kubespawner_override: { cpu_guarantee: 1, cpu_limit: 2, mem_guarantee: '4G', mem_limit: '8G' },
    },
    {
      display_name: 'GPU',
      description: `1 NVIDIA GPU${gpu.timeSlicing > 1 ? ` (time-sliced, shared by up to ${gpu.timeSlicing})` : ''}, 4 CPU, 16 GB memory`,
      kubespawner_override: {
        cpu_guarantee: 2,
        cpu_limit: 4,
        mem_guarantee: '8G',
        mem_limit: '16G',
        extra_resource_limits: { 'nvidia.com/gpu': '1' },
        node_selector: gpu.nodeSelector,
        tolerations: gpu.tolerations,
      },
    },
  ];
}

export const jupyterhub = defineComponent({
  name: 'jupyterhub',
  layer: 'apps',
  title: 'JupyterHub',
  summary: 'Multi-user Jupyter notebooks (Zero to JupyterHub) with per-user storage and idle culling',
  namespace: NAMESPACE,
  needs: ['db-proxy', ...INGRESS_NEEDS],
  charts: {
    jupyterhub: {
      repositoryName: 'jupyterhub',
      repositoryUrl: 'https://hub.jupyter.org/helm-chart/',
      chart: 'jupyterhub',
      version: '4.4.0',
      source: 'jupyterhub/zero-to-jupyterhub-k8s 4.4.0 (2026-06-10, JupyterHub 5.5.0; docs/source/changelog.md)',
    },
  },
  hosts: ['jupyter'],
  secrets: ({ selected }) => [
    databaseSecret('jupyterhub', NAMESPACE, 'jupyterhub'),
    {
      name: 'jupyterhub-auth',
      namespace: NAMESPACE,
      keys: ['values.yaml'],
      // JupyterHub 5's DummyAuthenticator (the chart's default) admits anyone: the hub only starts
      // once the operator has chosen a real authenticator.
      purpose:
        'Helm values choosing the authenticator and holding its credentials, e.g. hub.config.JupyterHub.authenticator_class: ' +
        'generic-oauth and hub.config.GenericOAuthenticator (client_id, client_secret, URLs, allowed_groups)',
      createdBy: 'operator',
    },
    ...(selected.has('jupyterdask') ? [daskGatewayTokenSecret(NAMESPACE, DASK_GATEWAY.namespace)] : []),
  ],
  sharedView: ({ answers, selected }) => ({
    db: { ...DB_PROXY_ENDPOINT, name: 'jupyterhub', secret: 'jupyterhub-db' },
    authSecret: 'jupyterhub-auth',
    // pangeo-notebook: JupyterLab with the Pangeo geoscience stack and the dask-gateway client.
    singleuserImage: { name: 'pangeo/pangeo-notebook', tag: '2026.06.04' },
    profileList: profileList(answers),
    daskGateway: selected.has('jupyterdask')
      ? {
          ...DASK_GATEWAY,
          tokenSecret: daskGatewayTokenSecret(NAMESPACE, DASK_GATEWAY.namespace).name,
          clientEnv: {
            DASK_GATEWAY__ADDRESS: DASK_GATEWAY.address,
            DASK_GATEWAY__PROXY_ADDRESS: DASK_GATEWAY.proxyAddress,
            DASK_GATEWAY__AUTH__TYPE: 'jupyterhub',
          },
        }
      : undefined,
  }),
  clusterView: ({ answers, cluster }) => {
    const ingress = ingressFor(answers, cluster, 'jupyter');
    const irsa = irsaServiceAccount(cluster, 'jupyterhub');
    const storageClass = storageClassOf(cluster);
    const singleuser = {
      ...(storageClass ? { storage: { dynamic: { storageClass } } } : {}),
      ...(irsa ? { serviceAccountName: USER_SERVICE_ACCOUNT } : {}),
    };
    return {
      ingress: { ...ingress, annotations: { ...ingress.annotations, ...NOTEBOOK_INGRESS_ANNOTATIONS } },
      singleuser: Object.keys(singleuser).length > 0 ? singleuser : undefined,
      userServiceAccount: irsa ? { name: USER_SERVICE_ACCOUNT, ...irsa } : undefined,
    };
  },
});
