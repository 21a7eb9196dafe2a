import { clusterSettings } from '../answers/cluster-settings.js';
import type { Answers } from '../answers/schema.js';
import type { DatabaseNeed, DatabaseReader, ImageSpec, RenderContext, RotationStep, SecretRequirement } from './component.js';

/** The namespace of the database layer: db-proxy, the setup Job and the schema Jobs run here. */
export const DATABASE_NAMESPACE = 'database';
export const DB_PROXY_NAME = 'db-proxy';
export const DATABASE_SETUP_JOB = 'database-setup';
/** The Flux Kustomization of the database layer; apps with a database depend on it. */
export const DATABASE_KUSTOMIZATION = 'database';

/** Where apps reach PostgreSQL: always through the pooler, never the database directly. */
export const DB_PROXY_ENDPOINT = { host: `${DB_PROXY_NAME}.${DATABASE_NAMESPACE}.svc.cluster.local`, port: 6432 } as const;

/** How an app's templates reach its database: through the pooler, with its login Secret. */
export interface PooledDatabase {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly secret: string;
}

/** A container's environment variable, from a value or from a Secret's key. */
export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } } };

/**
 * The database host and port differ per cluster, while the database layer's files are shared:
 * each cluster's Flux Kustomizations fill these in (postBuild.substitute).
 */
export const DATABASE_VARIABLES = { host: 'DATABASE_HOST', port: 'DATABASE_PORT' } as const;

/**
 * An app's database name on the server differs per cluster (a prefix on a shared server), while
 * the app keeps asking db-proxy for its plain name: each cluster fills this variable in.
 */
export const databaseNameVariable = (app: string): string => `DATABASE_NAME_${app.toUpperCase().replace(/-/g, '_')}`;

/** A role or database name on the server: the cluster's prefix (if any), then the app's name. */
export const prefixedName = (prefix: string, name: string): string => (prefix ? `${prefix}_${name}` : name);

/** The role-name prefix of the cluster a Secret is made for ('' repository-wide). */
const prefixOf = (ctx: RenderContext): string => (ctx.cluster ? clusterSettings(ctx.answers, ctx.cluster).database.prefix : '');

/** The PostgreSQL administrator login: a fact from outside the cluster, asked once at bootstrap. */
export const DATABASE_ADMIN_SECRET: SecretRequirement = {
  name: 'database-admin',
  namespace: DATABASE_NAMESPACE,
  keys: ['username', 'password'],
  purpose: "PostgreSQL administrator login; the setup Job creates each app's role and database with it",
  createdBy: 'bootstrap',
  source: {
    kind: 'external',
    env: { username: 'PIKSEL_DB_ADMIN_USERNAME', password: 'PIKSEL_DB_ADMIN_PASSWORD' },
    hint: 'a PostgreSQL role that may create roles and databases (on RDS: the master user)',
  },
};

/** Name of an app's database Secret: the same in the app's namespace and in `database`. */
export const databaseSecretName = (app: string): string => `${app}-db`;

/** The view an app's templates get of its database (`{{db.host}}`, `{{db.secret}}`). */
export const pooledDatabase = (app: string, need: DatabaseNeed): PooledDatabase => ({ ...DB_PROXY_ENDPOINT, name: need.name, secret: databaseSecretName(app) });

/**
 * An app's PostgreSQL login, generated at bootstrap. Two copies of one value: the app reads the
 * one in its namespace; db-proxy (its auth file) and the setup Job (the role's password) read the
 * one in `database`. Rotating it restarts both readers and re-runs the setup Job.
 */
export function databaseSecrets(app: string, appNamespace: string, need: DatabaseNeed, ctx: RenderContext): SecretRequirement[] {
  const afterRotate: RotationStep[] = [
    { kind: 'rerun-job', namespace: DATABASE_NAMESPACE, job: DATABASE_SETUP_JOB, kustomization: DATABASE_KUSTOMIZATION },
    { kind: 'restart', namespace: DATABASE_NAMESPACE, deployment: DB_PROXY_NAME },
    { kind: 'restart', namespace: appNamespace },
  ];
  const copy = (namespace: string, reader: string): SecretRequirement => ({
    name: databaseSecretName(app),
    namespace,
    keys: ['username', 'password'],
    purpose: `PostgreSQL login of ${app} for database '${need.name}' (${reader})`,
    createdBy: 'bootstrap',
    // The setup Job names the role after this value: on a shared server it carries the cluster's prefix.
    source: { kind: 'generated', values: { username: { fixed: prefixedName(prefixOf(ctx), need.name) }, password: { random: 40 } } },
    group: `database-${app}`,
    afterRotate,
  });
  return [copy(appNamespace, `read by ${app}`), copy(DATABASE_NAMESPACE, 'read by db-proxy and the database setup Job')];
}

/** The Secret of a reader's login: `odc_read` → `odc-read-db`, in `database` and the reader's namespace. */
export const readerSecretName = (reader: DatabaseReader): string => databaseSecretName(reader.login.replace(/_/g, '-'));

/** A reader's namespace, when the component that reads is selected. */
export const readerNamespace = (reader: DatabaseReader, ctx: RenderContext): string | undefined =>
  ctx.selected.has(reader.readBy) ? ctx.components.find((c) => c.name === reader.readBy)?.namespace : undefined;

/**
 * A reader's login, generated at bootstrap like an app's: one copy for db-proxy and the setup Job,
 * one for the reading component. Rotating it restarts db-proxy and the reader's pods.
 */
export function readerSecrets(need: DatabaseNeed, ctx: RenderContext): SecretRequirement[] {
  const reader = need.reader;
  const namespace = reader && readerNamespace(reader, ctx);
  if (!reader || !namespace) return [];
  const afterRotate: RotationStep[] = [
    { kind: 'rerun-job', namespace: DATABASE_NAMESPACE, job: DATABASE_SETUP_JOB, kustomization: DATABASE_KUSTOMIZATION },
    { kind: 'restart', namespace: DATABASE_NAMESPACE, deployment: DB_PROXY_NAME },
    { kind: 'restart', namespace },
  ];
  const copy = (ns: string, who: string): SecretRequirement => ({
    name: readerSecretName(reader),
    namespace: ns,
    keys: ['username', 'password'],
    purpose: `read-only PostgreSQL login to database '${need.name}' for ${reader.readBy} (${who})`,
    createdBy: 'bootstrap',
    source: { kind: 'generated', values: { username: { fixed: prefixedName(prefixOf(ctx), reader.login) }, password: { random: 40 } } },
    group: `database-${reader.login}`,
    afterRotate,
  });
  return [copy(namespace, `read by ${reader.readBy}`), copy(DATABASE_NAMESPACE, 'read by db-proxy and the database setup Job')];
}

/** Where the server's CA bundle (answers `database.ca`) is, in `database`, for db-proxy and the Jobs. */
export const DATABASE_CA = { configMap: 'database-ca', file: 'ca.pem', mountPath: '/etc/database-ca' } as const;

/**
 * TLS to the server when the answers give its CA (as the real platform's Job did with the RDS
 * bundle): libpq's PGSSLMODE/PGSSLROOTCERT, read by psql, psycopg (datacube, OWS, Explorer,
 * pypgstac) alike. verify-full also checks the host name against the certificate.
 */
export function databaseTls(answers: Answers) {
  if (!answers.database.ca) return undefined;
  return {
    ...DATABASE_CA,
    data: { [DATABASE_CA.file]: `${answers.database.ca.trim()}\n` },
    env: [
      { name: 'PGSSLMODE', value: 'verify-full' },
      { name: 'PGSSLROOTCERT', value: `${DATABASE_CA.mountPath}/${DATABASE_CA.file}` },
    ],
  };
}

/** The PostgreSQL client image of the database Jobs (setup, odc's grants): one tag to bump. */
export const PSQL_IMAGE: ImageSpec = {
  name: 'docker.io/library/postgres',
  tag: '17.11-alpine',
  source: 'docker-library/official-images library/postgres (17.11-alpine); only psql and pg_isready are used',
};

/** The container security context of every database Job: no privilege escalation, no capabilities. */
export const RESTRICTED_CONTAINER = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } as const;
