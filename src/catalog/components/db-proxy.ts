import { defineComponent } from '../component.js';

const NAMESPACE = 'database';

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
      name: 'db-proxy-userlist',
      namespace: NAMESPACE,
      keys: ['userlist.txt'],
      purpose: 'PgBouncer auth file: one line "user" "SCRAM secret or password" per database user',
      createdBy: 'operator',
    },
  ],
  sharedView: () => ({ endpoint: DB_PROXY_ENDPOINT }),
});
