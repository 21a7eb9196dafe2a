import { irsaServiceAccount, type ServiceAccountRole } from '../cloud.js';
import { INGRESS_NEEDS, allOrNone, hostOf, ingressFor, routeFor, type Ingress, type Route } from '../ingress.js';
import { defineComponent, imageRef, type ImageSpec } from '../component.js';
import {
  DATABASE_ADMIN_SECRET,
  DATABASE_VARIABLES,
  RESTRICTED_CONTAINER,
  databaseNameVariable,
  databaseTls,
  databaseSecrets,
  pooledDatabase,
  type EnvVar,
  type PooledDatabase,
} from '../database.js';

/** One namespace for API and browser (the real repo mixed `stac` and `odc-stac`). */
const NAMESPACE = 'stac';
/** The STAC API inside the cluster: its Service (port 80) and its pods (apps/base/stac/stac-fastapi.yaml). */
export const STAC_API = {
  url: `http://stac-fastapi.${NAMESPACE}.svc.cluster.local`,
  namespace: NAMESPACE,
  podLabels: { 'app.kubernetes.io/name': 'stac-fastapi' },
  port: 8080,
} as const;
/**
 * pgstac: asyncpg with prepared statements works in transaction pooling (PgBouncer tracks them).
 * pgstac 0.9.11's migration (src/pgstac/migrations/pgstac.0.9.11.sql) creates postgis, btree_gist
 * and unaccent when missing, creates pgstac_admin/pgstac_read/pgstac_ingest, `GRANT pgstac_admin
 * TO current_user`, then `SET ROLE pgstac_admin` and `SET ROLE pgstac_ingest`: a non-superuser
 * administrator (the RDS master) may only SET ROLE to a role it is a member of. The setup Job
 * creates the extensions (PostGIS needs a superuser on a self-managed server: see README) and the
 * roles, and makes the administrator and the stac role members.
 */
export const STAC_DATABASE = {
  name: 'stac',
  pooling: 'transaction',
  poolSize: 15,
  poolReason: 'stac-fastapi (asyncpg, up to 10 connections per worker) in short transactions',
  extensions: ['postgis', 'btree_gist', 'unaccent'],
  schema: true,
  adminSql: [
    "-- pgstac's roles (server-wide). Its migration SETs ROLE to pgstac_admin and pgstac_ingest: the administrator must be a member.",
    "SELECT 'CREATE ROLE pgstac_admin' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgstac_admin')\\gexec",
    "SELECT 'CREATE ROLE pgstac_read' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgstac_read')\\gexec",
    "SELECT 'CREATE ROLE pgstac_ingest' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgstac_ingest')\\gexec",
    'GRANT pgstac_admin, pgstac_read, pgstac_ingest TO CURRENT_USER;',
    '-- stac-fastapi reads, and with the transactions extension writes, through pgstac\'s roles.',
    'GRANT pgstac_read, pgstac_ingest TO :"role_name";',
  ],
} as const;

/**
 * Images, pinned here and rendered once into apps/base. Both run as non-root users of the image:
 * stac-fastapi-pgstac as `user` (uid 1000), stac-browser on nginx-unprivileged as `nginx` (uid 101).
 */
const IMAGES = {
  api: { name: 'ghcr.io/stac-utils/stac-fastapi-pgstac', tag: '6.4.0', source: 'stac-utils/stac-fastapi-pgstac release PR #416; its workflow tags images with the git tag, which has no v' },
  browser: { name: 'ghcr.io/radiantearth/stac-browser', tag: '5.1.0', source: 'radiantearth/stac-browser publish workflow (docker/metadata-action type=semver strips the v): 5.1.0' },
  pypgstac: { name: 'ghcr.io/stac-utils/pgstac-pypgstac', tag: 'v0.9.11', source: 'stac-utils/pgstac release workflow keeps the git tag (v0.9.11); stac-fastapi-pgstac 6.x compose uses pgstac v0.9.11' },
} as const satisfies Record<string, ImageSpec>;

export const stac = defineComponent({
  name: 'stac',
  layer: 'apps',
  title: 'STAC API and STAC Browser',
  summary: 'stac-fastapi-pgstac serving the pgstac catalog, and STAC Browser pointed at it',
  namespace: NAMESPACE,
  keepsData: "its database login Secret (the role's password in PostgreSQL)",
  needs: ['db-proxy', ...INGRESS_NEEDS],
  charts: {},
  hosts: ['stac', 'stac-browser'],
  templates: ['infrastructure/schemas/stac/'],
  images: IMAGES,
  database: STAC_DATABASE,
  secrets: (ctx) => databaseSecrets('stac', NAMESPACE, STAC_DATABASE, ctx).filter((s) => s.namespace === NAMESPACE),
  sharedView: ({ answers }): StacView => ({
    images: { api: imageRef(IMAGES.api), browser: imageRef(IMAGES.browser), pypgstac: imageRef(IMAGES.pypgstac), },
    db: pooledDatabase('stac', STAC_DATABASE),
    // pgstac's migration sets owners and default privileges for its roles: it runs as the
    // administrator (a member of those roles, see STAC_DATABASE), on this cluster's stac database.
    adminEnv: [
      { name: 'PGHOST', value: `\${${DATABASE_VARIABLES.host}}` },
      { name: 'PGPORT', value: `\${${DATABASE_VARIABLES.port}}` },
      { name: 'PGDATABASE', value: `\${${databaseNameVariable('stac')}}` },
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: DATABASE_ADMIN_SECRET.name, key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: DATABASE_ADMIN_SECRET.name, key: 'password' } } },
      // pypgstac's psycopg reads libpq's variables: TLS, verified, when the answers give a CA.
      ...(databaseTls(answers)?.env ?? []),
    ],
    tls: databaseTls(answers),
    restricted: RESTRICTED_CONTAINER,
  }),
  clusterView: ({ answers, cluster }): StacClusterView => {
    return {
      ingress: allOrNone({ api: ingressFor(answers, cluster, 'stac'), browser: ingressFor(answers, cluster, 'stac-browser') }),
      route: allOrNone({
        api: routeFor(answers, cluster, 'stac', { service: 'stac-fastapi', port: 80 }),
        browser: routeFor(answers, cluster, 'stac-browser', { service: 'stac-browser', port: 80 }),
      }),
      // The browser opens this cluster's own API (the real repo shipped another project's URL).
      catalogUrl: `https://${hostOf(cluster, 'stac')}/`,
      serviceAccount: irsaServiceAccount(cluster, 'stac'),
    };
  },
});

/** What stac's templates see beside the common fields (apps/base/stac/, infrastructure/schemas/stac/). */
interface StacView {
  readonly images: { readonly api: string; readonly browser: string; readonly pypgstac: string };
  readonly db: PooledDatabase;
  readonly adminEnv: readonly EnvVar[];
  readonly tls: ReturnType<typeof databaseTls>;
  readonly restricted: typeof RESTRICTED_CONTAINER;
}

/** What stac's overlay sees beside that (apps/[environment]/stac/). */
interface StacClusterView {
  readonly ingress: { readonly api: Ingress; readonly browser: Ingress } | undefined;
  readonly route: { readonly api: Route; readonly browser: Route } | undefined;
  readonly catalogUrl: string;
  readonly serviceAccount: ServiceAccountRole | undefined;
}
