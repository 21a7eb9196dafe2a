import { createHash } from 'node:crypto';
import type { Answers } from '../../answers/schema.js';
import type { ComponentName } from '../names.js';
import { owsLayers } from '../ows-layers.js';
import { chosenProducts } from '../products.js';
import { irsaServiceAccount, type ServiceAccountRole } from '../cloud.js';
import { INGRESS_NEEDS, allOrNone, ingressFor, routeFor, type Ingress, type Route } from '../ingress.js';
import { defineComponent, imageRef, type DatabaseNeed, type ImageSpec } from '../component.js';
import {
  DATABASE_NAMESPACE,
  DATABASE_VARIABLES,
  PSQL_IMAGE,
  RESTRICTED_CONTAINER,
  databaseNameVariable,
  databaseTls,
  databaseSecretName,
  databaseSecrets,
  pooledDatabase,
  readerSecrets,
  type EnvVar,
  type PooledDatabase,
} from '../database.js';

const NAMESPACE = 'odc';
/**
 * ODC uses prepared statements and temporary tables: session pooling. The postgis index driver
 * needs PostGIS (datacube-core drivers/postgis/_core.py `ensure_db`: `create extension if not
 * exists postgis`), which the odc role may not create: the setup Job does, as the administrator.
 *
 * Which SQL each tool runs, and so which privileges the odc role needs. Read at the nearest
 * sources available (the 1.9.9 / 3.0.1 tags were not in the mirror): datacube-core branch
 * develop-1.9 (2024-10, drivers/postgis/_core.py), datacube-ows develop-1.9 (2024-10,
 * datacube_ows/sql/postgis/ows_schema/**), datacube-explorer cubedash/index/postgis/_schema.py
 * (stored copy at commit 00538d48); the privileges were then exercised on PostgreSQL 15 in
 * test/database/real-postgres.test.ts:
 * - `datacube system init`: with users it creates odc_user ⊂ odc_manage ⊂ odc_admin (CREATE ROLE,
 *   which the odc role may not), `grant all on database <db> to odc_admin` and `set role odc_admin`.
 *   Those roles are server-wide: a second cluster's odc role, a member of odc_admin, would then
 *   reach this database. So the administrator creates the three roles (below) and the Job runs
 *   `--no-init-users`: the schema and tables belong to the odc role, which owns the database.
 * - `datacube-ows-update --schema --read-role R --write-role W` (sql/postgis/ows_schema/**):
 *   `create schema if not exists ows`, table ows.layer_ranges, grants on it, `GRANT odc_user TO R`
 *   and `TO W` — granting a role needs its ADMIN OPTION.
 * - `cubedash-gen --init`: `create schema cubedash`, tables and materialised views, then
 *   `ALTER … OWNER TO odc_admin` (tables) and `TO odc_manage` (views) — the odc role must be a
 *   member of both, and each new owner needs CREATE on the schema (PostgreSQL's rule for ALTER
 *   OWNER), so the administrator creates schema cubedash for odc_admin and lets odc_manage
 *   create in it — then grants to odc_user, odc_manage, odc_admin.
 * - datacube's own grants on schema odc (odc_user reads, odc_manage writes) are skipped with
 *   `--no-init-users`: the Job's last step applies them as the owner.
 * Session pool: Explorer and OWS each keep SQLAlchemy pools open; in session mode every open
 * client connection holds a server connection, so the pool covers both apps' processes.
 */
const DATABASE = {
  name: 'odc',
  pooling: 'session',
  poolSize: 40,
  poolReason: "Explorer, OWS and notebooks hold a server connection per open client connection (session mode): room for all three and a scale-up",
  extensions: ['postgis'],
  schema: true,
  // Notebooks read the data cube through db-proxy as a login of their own (the real platform's
  // odcread): a member of odc_user, which datacube's and Explorer's grants let read.
  reader: {
    login: 'odc_read',
    readBy: 'jupyterhub',
    sql: ['GRANT odc_user TO :"reader_name";'],
    env: ({ host, port, database, secret }) => ({
      ODC_DEFAULT_INDEX_DRIVER: 'postgis',
      ODC_DEFAULT_DB_HOSTNAME: host,
      ODC_DEFAULT_DB_PORT: String(port),
      ODC_DEFAULT_DB_DATABASE: database,
      ODC_DEFAULT_DB_USERNAME: { valueFrom: { secretKeyRef: { name: secret, key: 'username' } } },
      ODC_DEFAULT_DB_PASSWORD: { valueFrom: { secretKeyRef: { name: secret, key: 'password' } } },
    }),
  },
  adminSql: [
    "-- datacube's roles (server-wide, named by datacube-core's postgis driver): odc_user ⊂ odc_manage ⊂ odc_admin",
    "SELECT 'CREATE ROLE odc_user NOLOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'odc_user')\\gexec",
    "SELECT 'CREATE ROLE odc_manage NOLOGIN IN ROLE odc_user' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'odc_manage')\\gexec",
    "SELECT 'CREATE ROLE odc_admin NOLOGIN IN ROLE odc_manage' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'odc_admin')\\gexec",
    '-- Explorer hands its tables to odc_admin and its views to odc_manage: the odc role must be a member.',
    'GRANT odc_admin TO :"role_name";',
    '-- datacube-ows --schema grants odc_user to its roles: only a holder of the ADMIN OPTION may.',
    'GRANT odc_user TO :"role_name" WITH ADMIN OPTION;',
    "-- Handing a table to a role needs that role's CREATE on the schema: Explorer's schema belongs to odc_admin, odc_manage may create in it.",
    'CREATE SCHEMA IF NOT EXISTS cubedash AUTHORIZATION odc_admin;',
    'GRANT USAGE, CREATE ON SCHEMA cubedash TO odc_manage;',
  ],
} as const satisfies DatabaseNeed;
/** The data cube's database: the indexing workflows (the indexing component) write to it as the odc role. */
export const ODC_DATABASE = DATABASE;
const DB_SECRET = databaseSecretName('odc');

/**
 * What `datacube system init` grants on schema odc when it manages users, applied by the schema
 * Job as the owner since it runs `--no-init-users`: odc_user (and so a read-only role) reads the
 * index. Schema-wide, so a table datacube adds later is covered when the Job runs again.
 */
const ODC_GRANTS_SQL = [
  'GRANT USAGE ON SCHEMA odc TO odc_user;',
  'GRANT SELECT ON ALL TABLES IN SCHEMA odc TO odc_user;',
  'GRANT CREATE ON SCHEMA odc TO odc_manage;',
  'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA odc TO odc_manage;',
];

/**
 * Images, pinned here and rendered once into apps/base (the real repo repeated tags in base and
 * overlay and had to commit twice per bump). Both run as the image's uid 1000 (`ubuntu`): their
 * entrypoint (remap-user.sh) only drops privileges with gosu when started as root.
 */
const IMAGES = {
  // 3.0.1 is the newest Explorer tag on Docker Hub (GHCR has only build tags), and the one the real platform ran.
  explorer: {
    name: 'docker.io/opendatacube/explorer',
    tag: '3.0.1',
    source: 'Docker Hub opendatacube/explorer 3.0.1 (newest there; the piksel platform ran it); has cubedash-gen and datacube',
  },
  ows: {
    name: 'ghcr.io/opendatacube/ows',
    tag: '1.9.13',
    source: 'datacube-ows release 1.9.13 (PR #1572 "Prepare for 1.9.13 release", 2026-04-24, the newest seen); images go to GHCR since PR #1170, tagged with the package version (PR #907: no v)',
  },
} as const satisfies Record<string, ImageSpec>;
/** The same images for the indexing component's workflows (Explorer's summary refresh), one pin. */
export const ODC_IMAGES = IMAGES;

/** OWS reads its layer configuration from the file DATACUBE_OWS_CFG names (a JSON file here). */
const OWS_CONFIG = { configMap: 'ows-config', mountPath: '/etc/datacube-ows', file: 'ows_cfg.json' } as const;

/**
 * The OWS configuration: service metadata and CRSs, and a layer per indexed product (none without
 * the indexing app; the operator adds them here, or points DATACUBE_OWS_CFG at a config baked into
 * a custom image, as the real platform ended up doing).
 */
function owsConfig(domain: string, layers: readonly Record<string, unknown>[] = []) {
  const url = `https://ows.${domain}`;
  return {
    global: {
      title: 'Piksel Open Data Cube web services',
      abstract: 'WMS and WMTS views of the Open Data Cube products indexed on this platform.',
      // The one URL capabilities documents advertise: OWS falls back to the first allowed URL when the
      // request's (plain http behind the edge) matches none (datacube_ows/ogc_utils.py get_service_base_url).
      allowed_urls: [url],
      info_url: `${url}/`,
      services: { wms: true, wmts: true, wcs: false },
      published_CRSs: {
        'EPSG:3857': { geographic: false, horizontal_coord: 'x', vertical_coord: 'y' },
        'EPSG:4326': { geographic: true, vertical_coord_first: true },
      },
    },
    wms: {},
    wmts: {},
    layers,
  };
}

/** GetMap/GetCoverage on large extents can take as long as the gunicorn timeout (121 s). */
const OWS_INGRESS_ANNOTATIONS = { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '120' };
const OWS_ROUTE_TIMEOUTS = { request: '0s', streamIdle: '120s' };

/** The component whose workflows index the products OWS serves: without it OWS serves no layers. */
const INDEXER: ComponentName = 'indexing';

/** OWS layers for the products the indexing component indexes (none when it is not selected). */
const servedLayers = (selected: ReadonlySet<string>, answers: Answers) =>
  selected.has(INDEXER) ? owsLayers(chosenProducts(answers.data.products).map((p) => p.spec)) : [];

/** The OWS configuration the indexing component's range updates read: the same layers, no host. */
export const owsUpdateConfigJson = (selected: ReadonlySet<string>, answers: Answers): string =>
  `${JSON.stringify(owsConfig('localhost', servedLayers(selected, answers)), null, 2)}\n`;

export const odc = defineComponent({
  name: 'odc',
  layer: 'apps',
  title: 'Open Data Cube (Explorer and OWS)',
  summary: 'datacube-explorer to browse the indexed products and datacube-ows serving them as WMS/WMTS',
  namespace: NAMESPACE,
  keepsData: "its database login Secret (the role's password in PostgreSQL)",
  needs: ['db-proxy', ...INGRESS_NEEDS],
  charts: {},
  hosts: ['explorer', 'ows'],
  templates: ['infrastructure/schemas/odc/'],
  images: IMAGES,
  database: DATABASE,
  // Its own login, and the notebooks' read-only one in their namespace (db-proxy lists the `database` copies).
  secrets: (ctx) => [...databaseSecrets('odc', NAMESPACE, DATABASE, ctx), ...readerSecrets(DATABASE, ctx)].filter((s) => s.namespace !== DATABASE_NAMESPACE),
  sharedView: ({ answers }): OdcView => ({
    images: { explorer: imageRef(IMAGES.explorer), ows: imageRef(IMAGES.ows) },
    db: pooledDatabase('odc', DATABASE),
    // The schema Job connects to the database itself (not the pooler), as the odc role, to this
    // cluster's database name on the server.
    schemaEnv: [
      { name: 'ODC_DEFAULT_INDEX_DRIVER', value: 'postgis' },
      { name: 'ODC_DEFAULT_DB_HOSTNAME', value: `\${${DATABASE_VARIABLES.host}}` },
      { name: 'ODC_DEFAULT_DB_PORT', value: `\${${DATABASE_VARIABLES.port}}` },
      { name: 'ODC_DEFAULT_DB_DATABASE', value: `\${${databaseNameVariable('odc')}}` },
      { name: 'ODC_DEFAULT_DB_USERNAME', valueFrom: { secretKeyRef: { name: DB_SECRET, key: 'username' } } },
      { name: 'ODC_DEFAULT_DB_PASSWORD', valueFrom: { secretKeyRef: { name: DB_SECRET, key: 'password' } } },
      // libpq (psycopg under datacube, OWS and Explorer) reads these: TLS, verified, when the answers give a CA.
      ...(databaseTls(answers)?.env ?? []),
    ],
    tls: databaseTls(answers),
    grantsEnv: [
      { name: 'PGHOST', value: `\${${DATABASE_VARIABLES.host}}` },
      { name: 'PGPORT', value: `\${${DATABASE_VARIABLES.port}}` },
      { name: 'PGDATABASE', value: `\${${databaseNameVariable('odc')}}` },
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: DB_SECRET, key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: DB_SECRET, key: 'password' } } },
      ...(databaseTls(answers)?.env ?? []),
    ],
    grantsSql: ODC_GRANTS_SQL,
    psqlImage: imageRef(PSQL_IMAGE),
    restricted: RESTRICTED_CONTAINER,
    // datacube-ows-update reads an OWS configuration even for --schema (without DATACUBE_OWS_CFG it
    // imports a module the image does not have): the schema Job gets a minimal one of its own.
    schemaOwsConfig: { ...OWS_CONFIG, configMap: 'odc-schema-ows-config' },
    schemaOwsConfigJson: `${JSON.stringify(owsConfig('localhost'), null, 2)}\n`,
    owsConfig: OWS_CONFIG,
  }),
  clusterView: ({ answers, cluster, selected }): OdcClusterView => {
    const owsConfigJson = `${JSON.stringify(owsConfig(cluster.domain, servedLayers(selected, answers)), null, 2)}\n`;
    const serviceAccount = irsaServiceAccount(cluster, 'odc');
    // OWS configures S3 access only when AWS_DEFAULT_REGION is set; unsigned (public data) unless
    // the cluster gives odc an IAM role. On EKS the IRSA webhook also injects the region.
    // Requester-pays buckets (USGS Landsat) are read signed, billed to the cluster's account.
    const requesterPays = selected.has(INDEXER) && chosenProducts(answers.data.products).some((p) => p.spec.bucket.requesterPays);
    const owsEnv = [
      ...(cluster.cloud === 'aws' && cluster.aws ? [{ name: 'AWS_DEFAULT_REGION', value: cluster.aws.region }] : []),
      ...(serviceAccount ? [{ name: 'AWS_NO_SIGN_REQUEST', value: 'no' }] : []),
      ...(requesterPays ? [{ name: 'AWS_REQUEST_PAYER', value: 'requester' }] : []),
    ];
    return {
      ingress: allOrNone({ explorer: ingressFor(answers, cluster, 'explorer'), ows: ingressFor(answers, cluster, 'ows', OWS_INGRESS_ANNOTATIONS) }),
      route: allOrNone({
        explorer: routeFor(answers, cluster, 'explorer', { service: 'explorer', port: 80 }),
        ows: routeFor(answers, cluster, 'ows', { service: 'ows', port: 80, timeouts: OWS_ROUTE_TIMEOUTS }),
      }),
      serviceAccount,
      owsConfigJson,
      // OWS parses its configuration once at start: a changed ConfigMap must roll the pods.
      owsConfigChecksum: createHash('sha256').update(owsConfigJson).digest('hex'),
      owsEnv: owsEnv.length > 0 ? owsEnv : undefined,
    };
  },
});

/** What odc's templates see beside the common fields (apps/base/odc/, infrastructure/schemas/odc/). */
interface OdcView {
  readonly images: { readonly explorer: string; readonly ows: string };
  readonly db: PooledDatabase;
  readonly schemaEnv: readonly EnvVar[];
  readonly grantsEnv: readonly EnvVar[];
  readonly tls: ReturnType<typeof databaseTls>;
  readonly grantsSql: readonly string[];
  readonly psqlImage: string;
  readonly restricted: typeof RESTRICTED_CONTAINER;
  readonly schemaOwsConfig: OwsConfigFile;
  readonly schemaOwsConfigJson: string;
  readonly owsConfig: OwsConfigFile;
}

/** Where a pod finds an OWS configuration: a ConfigMap's key, mounted as a file. */
interface OwsConfigFile {
  readonly configMap: string;
  readonly mountPath: string;
  readonly file: string;
}

/** What odc's overlay sees beside that (apps/[environment]/odc/). */
interface OdcClusterView {
  readonly ingress: { readonly explorer: Ingress; readonly ows: Ingress } | undefined;
  readonly route: { readonly explorer: Route; readonly ows: Route } | undefined;
  readonly serviceAccount: ServiceAccountRole | undefined;
  readonly owsConfigJson: string;
  readonly owsConfigChecksum: string;
  /** Absent: no AWS settings for OWS on this cluster. */
  readonly owsEnv: readonly { readonly name: string; readonly value: string }[] | undefined;
}
