import { isIPv4 } from 'node:net';
import { systemPlacement } from '../cloud.js';
import { defineComponent } from '../component.js';

const NAMESPACE = 'database';
const DEPLOYMENT = 'db-proxy';
const USERLIST_SECRET = 'db-proxy-userlist';
/** PgBouncer image (edoburu/docker-pgbouncer), pinned. */
const PGBOUNCER_IMAGE = 'edoburu/pgbouncer:v1.25.2-p0';

/** Where apps reach PostgreSQL: always through the pooler, never the database directly. */
export const DB_PROXY_ENDPOINT = { host: `db-proxy.${NAMESPACE}.svc.cluster.local`, port: 6432 } as const;

/** A database user Secret for an app, in the app's namespace (keys username, password). */
export const databaseSecret = (app: string, namespace: string, database: string) => ({
  name: `${app}-db`,
  namespace,
  keys: ['username', 'password'],
  purpose: `PostgreSQL user of ${app} for database '${database}' (through db-proxy)`,
  createdBy: 'operator' as const,
});

export const dbProxy = defineComponent({
  name: 'db-proxy',
  layer: 'controllers',
  title: 'db-proxy (PgBouncer)',
  summary: 'PgBouncer connection pooler in front of the platform PostgreSQL',
  namespace: NAMESPACE,
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [
    {
      name: USERLIST_SECRET,
      namespace: NAMESPACE,
      keys: ['userlist.txt'],
      purpose: 'PgBouncer auth file: one line "user" "SCRAM secret or password" per database user',
      createdBy: 'operator',
    },
  ],
  sharedView: ({ answers }) => {
    const { host, port } = answers.database;
    return {
      endpoint: DB_PROXY_ENDPOINT,
      name: DEPLOYMENT,
      image: PGBOUNCER_IMAGE,
      userlistSecret: USERLIST_SECRET,
      // PgBouncer always dials the Service db-endpoint. An ExternalName cannot point at an IP
      // address (it is resolved as a DNS name), so an IP gets a headless Service + EndpointSlice.
      upstream: {
        service: 'db-endpoint',
        fqdn: `db-endpoint.${NAMESPACE}.svc.cluster.local`,
        host,
        port,
        ip: isIPv4(host) ? host : undefined,
      },
    };
  },
  clusterPatches: ({ cluster }) => {
    const placement = systemPlacement(cluster);
    if (!placement) return [];
    return [
      {
        target: { kind: 'Deployment', name: DEPLOYMENT, namespace: NAMESPACE },
        patch: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: DEPLOYMENT, namespace: NAMESPACE },
          spec: { template: { spec: { nodeSelector: placement.nodeSelector, tolerations: placement.tolerations } } },
        },
      },
    ];
  },
});
