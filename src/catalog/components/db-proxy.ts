import { createHash } from 'node:crypto';
import { dbProxyAnswers } from '../../answers/sections/db-proxy.js';
import { systemPlacement } from '../cloud.js';
import { defineComponent, imageRef, type ComponentSpec, type DatabaseReader, type ImageSpec, type RenderContext } from '../component.js';
import {
  DATABASE_ADMIN_SECRET,
  DATABASE_NAMESPACE,
  DATABASE_SETUP_JOB,
  PSQL_IMAGE,
  DATABASE_VARIABLES,
  DB_PROXY_ENDPOINT,
  DB_PROXY_NAME,
  databaseNameVariable,
  databaseSecretName,
  databaseSecrets,
  databaseTls,
  readerNamespace,
  readerSecretName,
  readerSecrets,
} from '../database.js';

const IMAGES = {
  pgbouncer: {
    name: 'docker.io/edoburu/pgbouncer',
    tag: 'v1.25.2-p0',
    source: 'edoburu/docker-pgbouncer git tag v1.25.2-p0 and Makefile IMAGE_VERSION (tags keep the v)',
  },
  postgres: PSQL_IMAGE,
} as const satisfies Record<string, ImageSpec>;

/** The apps that need a database, in catalog order: the database layer serves exactly these. */
export const databaseApps = (components: readonly ComponentSpec[]) =>
  components.flatMap((c) =>
    c.database
      ? [
          {
            app: c.name,
            namespace: c.namespace,
            ...c.database,
            secret: databaseSecretName(c.name),
            nameVariable: databaseNameVariable(c.name),
            // Flux fills this in per cluster: the app's database name on the server.
            nameRef: `\${${databaseNameVariable(c.name)}}`,
          },
        ]
      : [],
  );

type DatabaseApp = ReturnType<typeof databaseApps>[number];

/**
 * The SQL the setup Job runs for one app, as the administrator: the role (its name and password
 * read from the mounted Secret, so neither is in argv or in this file), the database it owns and
 * only it may connect to, the extensions it needs, then the app's own administrator SQL.
 * Every statement is safe to run again: this is what makes re-running the Job a rotation.
 */
function setupSql(app: DatabaseApp, reader: DatabaseReader | undefined): string[] {
  return [
    `-- ${app.app}: role and database (db-proxy serves it as '${app.name}')`,
    `\\set role_name \`cat /secrets/${app.app}/username\``,
    `\\set role_password \`cat /secrets/${app.app}/password\``,
    `\\getenv db_name ${app.nameVariable}`,
    `SELECT format('CREATE ROLE %I LOGIN', :'role_name') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role_name')\\gexec`,
    `ALTER ROLE :"role_name" WITH LOGIN PASSWORD :'role_password';`,
    // A non-superuser administrator (RDS) must be a member of a role to give it a database.
    '\\set ON_ERROR_STOP off',
    'GRANT :"role_name" TO CURRENT_USER;',
    '\\set ON_ERROR_STOP on',
    `SELECT format('CREATE DATABASE %I OWNER %I', :'db_name', :'role_name') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db_name')\\gexec`,
    // PUBLIC may connect to a new database: without this every app's role reaches every database.
    'REVOKE CONNECT, TEMPORARY ON DATABASE :"db_name" FROM PUBLIC;',
    'GRANT CONNECT, TEMPORARY ON DATABASE :"db_name" TO :"role_name";',
    '\\connect :"db_name"',
    ...app.extensions.map((e) => `CREATE EXTENSION IF NOT EXISTS ${e};`),
    ...(app.adminSql ?? []),
    ...(reader ? readerSql(reader) : []),
  ];
}

/** A read-only login: its role and password from its Secret, CONNECT to this database, then what the app says it may read. */
const readerSql = (reader: DatabaseReader): string[] => [
  `-- ${reader.login}: read-only login for ${reader.readBy}`,
  `\\set reader_name \`cat /secrets/${loginKey(reader)}/username\``,
  `\\set reader_password \`cat /secrets/${loginKey(reader)}/password\``,
  `SELECT format('CREATE ROLE %I LOGIN', :'reader_name') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'reader_name')\\gexec`,
  `ALTER ROLE :"reader_name" WITH LOGIN PASSWORD :'reader_password';`,
  'GRANT CONNECT ON DATABASE :"db_name" TO :"reader_name";',
  ...reader.sql,
];

/** Where a reader's Secret is mounted (/secrets/<key>/): its login with '-'. */
const loginKey = (reader: DatabaseReader) => reader.login.replace(/_/g, '-');

/** Every login db-proxy and the setup Job read: each app's, and each selected reader's. */
const loginsOf = (ctx: RenderContext) =>
  databaseApps(ctx.components).flatMap((a) => [
    { key: a.app, secret: a.secret },
    ...(a.reader && readerNamespace(a.reader, ctx) ? [{ key: loginKey(a.reader), secret: readerSecretName(a.reader) }] : []),
  ]);

/** One `[databases]` line: the plain name apps ask for, the cluster's name on the server, the pool. */
const poolEntry = (a: DatabaseApp) => ({
  app: a.app,
  alias: a.name,
  dbname: a.nameRef,
  pooling: a.pooling,
  poolSize: a.poolSize,
  why: a.poolReason,
});

export const dbProxy = defineComponent({
  name: 'db-proxy',
  layer: 'database',
  templates: ['infrastructure/database/'],
  title: 'db-proxy (PgBouncer) and database setup',
  summary: "PgBouncer in front of the platform PostgreSQL, and the Job that creates each app's role and database",
  namespace: DATABASE_NAMESPACE,
  keepsData: "the administrator's and every app's database login Secrets (bootstrap made them; the roles' passwords)",
  needs: [],
  charts: {},
  images: IMAGES,
  hosts: [],
  answers: dbProxyAnswers,
  secrets: (ctx) => [DATABASE_ADMIN_SECRET, ...databaseSecretsOf(ctx)],
  sharedView: (ctx): DbProxyView => {
    const apps = databaseApps(ctx.components);
    const readerOf = (a: DatabaseApp) => (a.reader && readerNamespace(a.reader, ctx) ? a.reader : undefined);
    const scripts = apps.map((a) => ({ file: `${a.app}.sql`, lines: setupSql(a, readerOf(a)) }));
    return {
      endpoint: DB_PROXY_ENDPOINT,
      name: DB_PROXY_NAME,
      images: { pgbouncer: imageRef(IMAGES.pgbouncer), postgres: imageRef(IMAGES.postgres) },
      upstream: { host: `\${${DATABASE_VARIABLES.host}}`, port: `\${${DATABASE_VARIABLES.port}}` },
      databaseApps: apps,
      logins: loginsOf(ctx),
      tls: databaseTls(ctx.answers),
      pools: apps.map(poolEntry),
      // In the pod template: a new endpoint or database name rolls db-proxy (PgBouncer reads its file once).
      endpointAnnotation: [`\${${DATABASE_VARIABLES.host}}:\${${DATABASE_VARIABLES.port}}`, ...apps.map((a) => a.nameRef)].join(' '),
      configChecksum: createHash('sha256').update(JSON.stringify(apps.map(poolEntry))).digest('hex').slice(0, 16),
      appNamespaces: apps.map((a) => a.namespace),
      adminSecret: DATABASE_ADMIN_SECRET.name,
      setupJob: DATABASE_SETUP_JOB,
      setupScripts: scripts,
      // The Job's pod template changes with its scripts, so Flux replaces (re-runs) the Job then.
      setupChecksum: createHash('sha256').update(JSON.stringify(scripts)).digest('hex').slice(0, 16),
    };
  },
  clusterPatches: ({ cluster }) => {
    const placement = systemPlacement(cluster);
    if (!placement) return [];
    return [
      {
        target: { kind: 'Deployment', name: DB_PROXY_NAME, namespace: DATABASE_NAMESPACE },
        patch: {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: DB_PROXY_NAME, namespace: DATABASE_NAMESPACE },
          spec: { template: { spec: { nodeSelector: placement.nodeSelector, tolerations: placement.tolerations } } },
        },
      },
    ];
  },
});

const databaseSecretsOf = (ctx: RenderContext) =>
  databaseApps(ctx.components).flatMap((a) => [...databaseSecrets(a.app, a.namespace, a, ctx), ...readerSecrets(a, ctx)].filter((s) => s.namespace === DATABASE_NAMESPACE));

/** What the database layer's templates see beside the common fields (infrastructure/database/). */
interface DbProxyView {
  readonly endpoint: typeof DB_PROXY_ENDPOINT;
  readonly name: string;
  readonly images: { readonly pgbouncer: string; readonly postgres: string };
  /** Flux variables for the cluster's own database host and port (`${DATABASE_HOST}`). */
  readonly upstream: { readonly host: string; readonly port: string };
  readonly databaseApps: readonly DatabaseApp[];
  /** The login Secrets mounted at /secrets/<key>/ (apps' and readers'). */
  readonly logins: readonly { readonly key: string; readonly secret: string }[];
  /** Absent: no CA in the answers, connections to the server as the server allows. */
  readonly tls: ReturnType<typeof databaseTls>;
  readonly pools: readonly ReturnType<typeof poolEntry>[];
  readonly endpointAnnotation: string;
  readonly configChecksum: string;
  readonly appNamespaces: readonly string[];
  readonly adminSecret: string;
  readonly setupJob: string;
  readonly setupScripts: readonly { readonly file: string; readonly lines: readonly string[] }[];
  readonly setupChecksum: string;
}
