import { clusterSettings } from '../../answers/cluster-settings.js';
import type { Answers, ClusterAnswers } from '../../answers/schema.js';
import { irsaServiceAccount, storageClassOf, type ServiceAccountRole } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_NEEDS, hostOf, ingressFor, routeFor, type Ingress, type Route } from '../ingress.js';
import { DATABASE_NAMESPACE, DB_PROXY_ENDPOINT, DB_PROXY_NAME, databaseSecrets, pooledDatabase, readerSecretName, type PooledDatabase } from '../database.js';
import type { ComponentSpec, ImageSpec, SecretRequirement } from '../component.js';
import { DASK_GATEWAY, daskGatewayTokenSecret } from './jupyterdask.js';
import { STAC_API } from './stac.js';
import { NOTEBOOK_IMAGE } from '../notebook-image.js';

const NAMESPACE = 'jupyterhub';
/** With jupyterhub.oauth answered: the OAuth client, an outside fact bootstrap asks for once. */
const OAUTH_CLIENT_SECRET: SecretRequirement = {
  name: 'jupyterhub-oauth',
  namespace: NAMESPACE,
  keys: ['client-id', 'client-secret'],
  purpose: "JupyterHub's OAuth client at the identity provider (GenericOAuthenticator client_id and client_secret)",
  createdBy: 'bootstrap',
  source: {
    kind: 'external',
    env: { 'client-id': 'JUPYTERHUB_OAUTH_CLIENT_ID', 'client-secret': 'JUPYTERHUB_OAUTH_CLIENT_SECRET' },
    hint: 'the client registered for https://jupyter.<domain>/hub/oauth_callback at your identity provider',
  },
  // The hub reads its configuration at start; Helm does not restart it for a changed Secret.
  afterRotate: [{ kind: 'restart', namespace: NAMESPACE, deployment: 'hub' }],
};
/** Without jupyterhub.oauth: Helm values choosing and configuring any authenticator, from the operator. */
const AUTH_VALUES_SECRET = 'jupyterhub-auth';
/** The hub keeps its state in PostgreSQL (SQLAlchemy sessions): session pooling. */
const DATABASE = {
  name: 'jupyterhub',
  pooling: 'session',
  poolSize: 15,
  poolReason: "one hub process; SQLAlchemy's default pool (5, overflow 10) holds each connection for a session",
  extensions: [],
  schema: false,
} as const;
const SINGLEUSER_IMAGE = NOTEBOOK_IMAGE;
/** The ServiceAccount of user servers, created by the overlay when IRSA is configured. */
const USER_SERVICE_ACCOUNT = 'jupyterhub-user';

/**
 * Notebooks keep websockets open for hours and save large files through the edge. Envoy passes
 * websockets and streams bodies of any size by default; only its timeouts need lifting.
 */
const NOTEBOOK_ROUTE_TIMEOUTS = { request: '0s', streamIdle: '3600s' };
const NOTEBOOK_INGRESS_ANNOTATIONS = {
  'nginx.ingress.kubernetes.io/proxy-body-size': '0',
  'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
  'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
};

/**
 * The KubeSpawner profile list: a CPU server by default and, with GPU on, one GPU on the GPU
 * nodes (their selector and tolerations from the answers). No list without GPU: one default server.
 */
function profileList(answers: Answers, cluster: ClusterAnswers) {
  const { gpu } = clusterSettings(answers, cluster);
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
  keepsData: 'user home volumes and the hub database volume',
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
  images: { singleuser: SINGLEUSER_IMAGE },
  database: DATABASE,
  timeout: '10m',
  secrets: (ctx) => [
    ...databaseSecrets('jupyterhub', NAMESPACE, DATABASE, ctx).filter((s) => s.namespace === NAMESPACE),
    ctx.answers.jupyterhub?.oauth ? OAUTH_CLIENT_SECRET : {
      name: AUTH_VALUES_SECRET,
      namespace: NAMESPACE,
      keys: ['values.yaml'],
      // JupyterHub 5's DummyAuthenticator (the chart's default) admits anyone: the hub only starts
      // once the operator has chosen a real authenticator.
      purpose:
        'Helm values choosing the authenticator and holding its credentials, e.g. hub.config.JupyterHub.authenticator_class: ' +
        'generic-oauth and hub.config.GenericOAuthenticator (client_id, client_secret, URLs, allowed_groups)',
      createdBy: 'operator',
      source: { kind: 'external', env: {}, hint: 'your identity provider: see the JupyterHub authenticator documentation' },
    } satisfies SecretRequirement,
    {
      name: 'hub',
      namespace: NAMESPACE,
      keys: ['hub.config.JupyterHub.cookie_secret', 'hub.config.ConfigurableHTTPProxy.auth_token'],
      purpose: 'Hub cookie secret and proxy token: the chart generates them once and keeps them across upgrades',
      createdBy: 'chart',
      source: { kind: 'chart', by: 'the jupyterhub chart' },
    },
    ...(ctx.selected.has('jupyterdask') ? [daskGatewayTokenSecret(NAMESPACE)] : []),
  ],
  sharedView: ({ answers, selected, components }): JupyterhubView => ({
    // User servers reach something beside the hub (Dask Gateway, db-proxy, the STAC API): env and egress rules.
    userServerAccess: selected.has('jupyterdask') || selected.has('stac') || dataReaderOf(components) !== undefined,
    stacApi: selected.has('stac') ? { ...STAC_API, env: { STAC_API_URL: STAC_API.url } } : undefined,
    db: pooledDatabase('jupyterhub', DATABASE),
    authSecret: AUTH_VALUES_SECRET,
    oauth: answers.jupyterhub?.oauth && { ...answers.jupyterhub.oauth, secret: OAUTH_CLIENT_SECRET.name },
    singleuserImage: SINGLEUSER_IMAGE,
    dataReader: dataReaderOf(components),
    daskGateway: selected.has('jupyterdask')
      ? {
          ...DASK_GATEWAY,
          tokenSecret: daskGatewayTokenSecret(NAMESPACE).name,
          clientEnv: {
            DASK_GATEWAY__ADDRESS: DASK_GATEWAY.address,
            DASK_GATEWAY__PROXY_ADDRESS: DASK_GATEWAY.proxyAddress,
            DASK_GATEWAY__AUTH__TYPE: 'jupyterhub',
          },
        }
      : undefined,
  }),
  clusterView: ({ answers, cluster }): JupyterhubClusterView => {
    const host = hostOf(cluster, 'jupyter');
    const irsa = irsaServiceAccount(cluster, 'jupyterhub');
    const storageClass = storageClassOf(cluster);
    // Everything of this cluster's user servers; GPU support may differ per cluster, so the profile list is here too.
    const profiles = profileList(answers, cluster);
    const singleuser = {
      ...(storageClass ? { storage: { dynamic: { storageClass } } } : {}),
      ...(irsa ? { serviceAccountName: USER_SERVICE_ACCOUNT } : {}),
      ...(profiles ? { profileList: profiles } : {}),
    };
    return {
      ingress: ingressFor(answers, cluster, 'jupyter', NOTEBOOK_INGRESS_ANNOTATIONS),
      // z2jh's public Service in front of the hub and the user servers.
      route: routeFor(answers, cluster, 'jupyter', { service: 'proxy-public', port: 80, timeouts: NOTEBOOK_ROUTE_TIMEOUTS }),
      // Each cluster's hub is its own OAuth redirect target.
      oauthCallbackUrl: answers.jupyterhub?.oauth ? `https://${host}/hub/oauth_callback` : undefined,
      singleuser: Object.keys(singleuser).length > 0 ? singleuser : undefined,
      userServiceAccount: irsa ? { name: USER_SERVICE_ACCOUNT, ...irsa } : undefined,
    };
  },
});

/**
 * A database that offers notebooks a read-only login (odc's data cube): the environment user
 * servers get, and db-proxy's address, which z2jh's egress policy must let them reach. z2jh's
 * jupyterhub/values.yaml (main, 2026-07): singleuser.extraEnv takes `NAME: {valueFrom: …}`, and
 * singleuser.networkPolicy.egressAllowRules.privateIPs is false, so in-cluster services need an
 * explicit singleuser.networkPolicy.egress rule.
 */
function dataReaderOf(components: readonly ComponentSpec[]): JupyterhubView['dataReader'] {
  const owner = components.find((c) => c.database?.reader?.readBy === 'jupyterhub');
  const need = owner?.database;
  if (!need?.reader) return undefined;
  const env = need.reader.env({ host: DB_PROXY_ENDPOINT.host, port: DB_PROXY_ENDPOINT.port, database: need.name, secret: readerSecretName(need.reader) });
  return { app: owner!.name, env, namespace: DATABASE_NAMESPACE, podLabels: { 'app.kubernetes.io/name': DB_PROXY_NAME }, port: DB_PROXY_ENDPOINT.port };
}

type OAuthAnswers = NonNullable<NonNullable<Answers['jupyterhub']>['oauth']>;

/** What jupyterhub's templates see beside the common fields (apps/base/jupyterhub/). */
interface JupyterhubView {
  readonly db: PooledDatabase;
  readonly authSecret: string;
  /** Absent: the operator's Secret `authSecret` chooses the authenticator. */
  readonly oauth: (OAuthAnswers & { readonly secret: string }) | undefined;
  readonly singleuserImage: ImageSpec;
  readonly userServerAccess: boolean;
  /** Absent: no database offers notebooks a read-only login. */
  readonly dataReader:
    | {
        readonly app: string;
        readonly env: Readonly<Record<string, unknown>>;
        readonly namespace: string;
        readonly podLabels: Readonly<Record<string, string>>;
        readonly port: number;
      }
    | undefined;
  /** Absent: no STAC API in the repository. */
  readonly stacApi: (typeof STAC_API & { readonly env: Readonly<Record<string, string>> }) | undefined;
  /** Absent: no jupyterdask in the repository. */
  readonly daskGateway:
    | (typeof DASK_GATEWAY & { readonly tokenSecret: string; readonly clientEnv: Readonly<Record<string, string>> })
    | undefined;
}

/** What jupyterhub's overlay sees beside that (apps/[environment]/jupyterhub/). */
interface JupyterhubClusterView {
  readonly ingress: Ingress | undefined;
  readonly route: Route | undefined;
  readonly oauthCallbackUrl: string | undefined;
  /** Helm values of this cluster's user servers (storage, ServiceAccount, profiles); absent: the base's. */
  readonly singleuser: Record<string, unknown> | undefined;
  readonly userServiceAccount: (ServiceAccountRole & { readonly name: string }) | undefined;
}
