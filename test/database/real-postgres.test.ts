import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseAnswers } from '../../src/answers/load.js';
import type { Answers, ClusterAnswers } from '../../src/answers/schema.js';
import { secretInventory } from '../../src/catalog/selection.js';
import { render } from '../support/render.js';
import { findTools, freePort, psql, removeFolder, startProcess, stopProcess, workFolder, writeOwned, type Login, type Tools } from './support.js';

/**
 * The generated database layer against a real PostgreSQL and PgBouncer, as the Jobs and db-proxy
 * would run it: the setup script and the SQL of the schema Jobs (what needs neither datacube nor
 * pypgstac), twice, for two clusters on one server; then every app's login through each
 * cluster's PgBouncer. The administrator is shaped like the RDS master (CREATEROLE, CREATEDB, not
 * a superuser); the extensions are pre-created by the superuser, as on a self-managed server.
 */
const run = promisify(execFile);
const found = await findTools();
if (typeof found === 'string') console.warn(`real PostgreSQL tests skipped: ${found}`);
const tools = typeof found === 'string' ? undefined : found;

const ADMIN = { user: 'platform_admin', password: `adm'in"$:pw` };
const CLUSTERS = ['staging', 'production'] as const;
/** One hand-set password per cluster carries every character that broke a quoting layer. */
const TRICKY = `a"b$c:d'e\\f g`;

interface ClusterRun {
  readonly name: string;
  readonly dir: string;
  /** Flux's substitutions for the cluster's database layer. */
  readonly substitute: Record<string, string>;
  /** App → its login (Secret values) and the database name db-proxy serves it as. */
  readonly apps: Map<string, { user: string; password: string; alias: string }>;
  pgbouncerPort?: number;
  pgbouncer?: ChildProcess;
}

describe.skipIf(!tools)('the database layer on a real PostgreSQL and PgBouncer', () => {
  const t = tools as Tools;
  let dir: string | undefined;
  let server: ChildProcess | undefined;
  let port = 0;
  let socketDir = '';
  let ca: Certificates;
  let answers: Answers;
  let files: ReadonlyMap<string, string>;
  const clusters = new Map<string, ClusterRun>();

  const superuser = (database = 'postgres'): Login => ({ host: socketDir, port, user: 'postgres', database });
  const admin = (database = 'postgres'): Login => ({ host: '127.0.0.1', port, ...ADMIN, database });

  beforeAll(async () => {
    dir = await workFolder(t);
    port = await freePort();
    socketDir = path.join(dir, 'socket');
    const data = path.join(dir, 'data');
    await mkdir(socketDir);
    if (t.owner) await run('chown', [`${t.owner.uid}:${t.owner.gid}`, socketDir]);
    const [initCmd, initArgs] = t.asServer(path.join(t.bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--no-sync']);
    await run(initCmd, initArgs);
    // TLS only over TCP, with a certificate for 127.0.0.1 from a CA of the test's own: the
    // answers give that CA, and every client of the generated files must verify the server.
    ca = await certificates(t, path.join(dir, 'tls'));
    await writeOwned(t, path.join(data, 'pg_hba.conf'), 'local all all trust\nhostssl all all 127.0.0.1/32 scram-sha-256\nhostnossl all all 0.0.0.0/0 reject\n');
    server = await startProcess(
      t,
      path.join(t.bin, 'postgres'),
      [
        '-D', data, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200',
        '-c', 'ssl=on', '-c', `ssl_cert_file=${ca.serverCert}`, '-c', `ssl_key_file=${ca.serverKey}`,
      ],
      () => psql(superuser(), 'SELECT 1').then(() => true, () => false),
    );
    // The RDS master's shape: may create roles and databases, is no superuser.
    await psql(superuser(), `CREATE ROLE ${ADMIN.user} LOGIN CREATEROLE CREATEDB PASSWORD '${ADMIN.password.replace(/'/g, "''")}'`);
    // A self-managed server's superuser pre-creates what a non-superuser may not (PostGIS):
    // in template1, every database created later has it.
    for (const e of ['postgis', 'btree_gist', 'unaccent']) await psql(superuser('template1'), `CREATE EXTENSION IF NOT EXISTS ${e}`);

    const raw = { clusters: CLUSTERS.map((name) => ({ name })), database: { host: '127.0.0.1', port, ca: ca.pem } };
    answers = parseAnswers(raw);
    files = (await render(raw)).files;
    for (const [i, name] of CLUSTERS.entries()) clusters.set(name, await prepareCluster(answers.clusters[i]!, path.join(dir, name)));
  }, 60_000);

  afterAll(async () => {
    for (const c of clusters.values()) await stopProcess(c.pgbouncer);
    // SIGINT: PostgreSQL's fast shutdown.
    await stopProcess(server, 'SIGINT');
    await removeFolder(dir);
  });

  /** The Secrets bootstrap would create for this cluster, written as the pods see them. */
  async function prepareCluster(cluster: ClusterAnswers, base: string): Promise<ClusterRun> {
    const substitute = fluxSubstitutions(files.get(`clusters/${cluster.name}/database.yaml`)!);
    const apps = new Map<string, { user: string; password: string; alias: string }>();
    const secrets = secretInventory(answers, undefined, cluster).filter((s) => s.namespace === 'database' && s.source.kind === 'generated');
    for (const [i, s] of secrets.entries()) {
      const app = s.name.replace(/-db$/, '');
      const values = s.source.kind === 'generated' ? s.source.values : {};
      const user = 'fixed' in values.username! ? values.username.fixed : '';
      const password = i === 0 ? `${TRICKY} ${cluster.name}` : `${app}-${cluster.name}-Pw0rd`;
      // A reader's login (odc-read) asks db-proxy for the database it reads.
      apps.set(app, { user, password, alias: app.endsWith('-read') ? app.replace(/-read$/, '') : app });
      // Secret files have no trailing newline.
      await writeOwned(t, path.join(base, 'secrets', app, 'username'), user);
      await writeOwned(t, path.join(base, 'secrets', app, 'password'), password);
    }
    return { name: cluster.name, dir: base, substitute, apps };
  }

  /** The generated setup, with the pod's mount paths pointing into this cluster's folder. */
  async function runSetup(c: ClusterRun) {
    const scripts = configMapData(files.get('infrastructure/database/database-setup.yaml')!, 'database-scripts');
    const local = (text: string) => text.replaceAll('/scripts/', `${c.dir}/scripts/`).replaceAll('/secrets/', `${c.dir}/secrets/`);
    for (const [file, text] of Object.entries(scripts)) await writeOwned(t, path.join(c.dir, 'scripts', file), local(text));
    const env = {
      PATH: process.env.PATH ?? '',
      // The Job's TLS settings, its CA mount pointing into this folder.
      ...jobTlsEnv(files.get('infrastructure/database/database-setup.yaml')!, ca.dir),
      PGHOST: '127.0.0.1',
      PGPORT: String(port),
      PGUSER: ADMIN.user,
      PGPASSWORD: ADMIN.password,
      ...Object.fromEntries(Object.entries(c.substitute).filter(([k]) => k.startsWith('DATABASE_NAME_'))),
    };
    await run('sh', [path.join(c.dir, 'scripts', 'setup.sh')], { env }).catch((e: { stdout?: string; stderr?: string }) => {
      throw new Error(`setup failed: ${e.stdout ?? ''}${e.stderr ?? ''}`);
    });
  }

  /**
   * The schema Jobs' SQL that runs without datacube and pypgstac: the generated grants step, and
   * in place of each tool the statements it runs that need privileges (read from its source at
   * the pinned version; see src/catalog/components/odc.ts and stac.ts), as the role the Job uses.
   */
  async function runSchemaJobs(c: ClusterRun) {
    const odc = c.apps.get('odc')!;
    const odcDb: Login = { host: '127.0.0.1', port, user: odc.user, password: odc.password, database: dbName(c, 'odc') };
    // datacube system init --no-init-users: its schema and tables, as the odc role.
    await psql(odcDb, 'CREATE SCHEMA IF NOT EXISTS odc; CREATE TABLE IF NOT EXISTS odc.dataset (id uuid PRIMARY KEY); SELECT postgis_version()');
    // datacube-ows-update --schema --write-role <odc role>.
    await psql(odcDb, `CREATE SCHEMA IF NOT EXISTS ows; CREATE TABLE IF NOT EXISTS ows.layer_ranges (layer varchar(255) PRIMARY KEY);
      GRANT USAGE ON SCHEMA ows TO "${odc.user}"; GRANT update, select, insert, delete ON ALL TABLES IN SCHEMA ows TO "${odc.user}";
      GRANT odc_user TO "${odc.user}"`);
    // cubedash-gen --init: its tables handed to odc_admin, its views to odc_manage, then grants.
    await psql(odcDb, `CREATE SCHEMA IF NOT EXISTS cubedash; CREATE TABLE IF NOT EXISTS cubedash.product (id smallint PRIMARY KEY);
      CREATE MATERIALIZED VIEW IF NOT EXISTS cubedash.mv_spatial_ref_sys AS SELECT * FROM spatial_ref_sys;
      ALTER TABLE cubedash.product OWNER TO odc_admin; ALTER MATERIALIZED VIEW cubedash.mv_spatial_ref_sys OWNER TO odc_manage;
      GRANT USAGE ON SCHEMA cubedash TO odc_user; GRANT SELECT ON ALL TABLES IN SCHEMA cubedash TO odc_user;
      GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA cubedash TO odc_manage; GRANT ALL PRIVILEGES ON ALL TABLES IN SCHEMA cubedash TO odc_admin`);
    // The Job's last step, as generated.
    const grants = configMapData(files.get('infrastructure/schemas/odc/odc-schema.yaml')!, 'odc-schema-grants')['grants.sql']!;
    await psql(odcDb, grants);

    // pypgstac migrate, as the administrator: pgstac's own migration when one is given
    // (PIKSEL_PGSTAC_MIGRATION: src/pgstac/migrations/pgstac.<version>.sql), else the statements
    // of it that need privileges.
    const stacDb = admin(dbName(c, 'stac'));
    const migration = process.env.PIKSEL_PGSTAC_MIGRATION;
    // pypgstac applies a base migration only to a database without pgstac (it then steps by version).
    const migrated = (await psql(stacDb, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgstac'")) === '1';
    if (migration && existsSync(migration) && !migrated) {
      await run('psql', ['--no-psqlrc', '-X', '-q', '--set=ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', ADMIN.user, '-d', stacDb.database, '-f', migration], {
        env: { PATH: process.env.PATH ?? '', PGPASSWORD: ADMIN.password },
      });
    } else {
      await psql(stacDb, `SELECT extname FROM pg_extension WHERE extname IN ('postgis', 'btree_gist', 'unaccent');
        GRANT pgstac_admin TO current_user; CREATE SCHEMA IF NOT EXISTS pgstac AUTHORIZATION pgstac_admin;
        GRANT USAGE ON SCHEMA pgstac TO pgstac_read; GRANT ALL ON SCHEMA pgstac TO pgstac_ingest;
        SET ROLE pgstac_admin; CREATE TABLE IF NOT EXISTS pgstac.collections (id text PRIMARY KEY); RESET ROLE;
        SET ROLE pgstac_ingest; ALTER DEFAULT PRIVILEGES FOR ROLE pgstac_ingest IN SCHEMA pgstac GRANT SELECT ON TABLES TO pgstac_read; RESET ROLE`);
    }
  }

  async function startPgBouncer(c: ClusterRun) {
    const proxy = configMapData(files.get('infrastructure/database/db-proxy.yaml')!, 'db-proxy-config')['pgbouncer.ini']!;
    const scripts = configMapData(files.get('infrastructure/database/database-setup.yaml')!, 'database-scripts');
    c.pgbouncerPort = await freePort();
    // The init container's script, run against this cluster's Secrets.
    const build = scripts['build-userlist.sh']!.replaceAll('/secrets/', `${c.dir}/secrets/`).replaceAll('/userlist/', `${c.dir}/`);
    await writeFile(path.join(c.dir, 'build-userlist.sh'), build);
    await run('sh', [path.join(c.dir, 'build-userlist.sh')]);
    await writeOwned(t, path.join(c.dir, 'userlist.txt'), await readFile(path.join(c.dir, 'userlist.txt'), 'utf8'));
    // Flux's substitution, then only what differs between a pod and this folder.
    const ini = substitute(proxy, c.substitute)
      .replace(/^listen_addr = .*$/m, 'listen_addr = 127.0.0.1')
      .replace(/^listen_port = .*$/m, `listen_port = ${c.pgbouncerPort}`)
      .replace(/^auth_file = .*$/m, `auth_file = ${c.dir}/userlist.txt`)
      .replaceAll('/etc/database-ca/', `${ca.dir}/`)
      .replace(await settingsNewerThanInstalled(t.pgbouncer), '')
      .concat('unix_socket_dir =\n');
    await writeOwned(t, path.join(c.dir, 'pgbouncer.ini'), ini);
    c.pgbouncer = await startProcess(t, t.pgbouncer, [path.join(c.dir, 'pgbouncer.ini')], () =>
      psql({ host: '127.0.0.1', port: c.pgbouncerPort!, user: 'nobody', password: 'x', database: 'argo' }, 'SELECT 1').then(
        () => true,
        (e: Error) => !/could not connect|Connection refused/i.test(e.message),
      ),
    );
  }

  /** Every app's login against every database name db-proxy serves: what connects, as what. */
  async function matrix(c: ClusterRun, ownOnly = false): Promise<string[]> {
    const lines: string[] = [];
    for (const [app, login] of c.apps)
      for (const [, target] of targets(c)) {
        if (ownOnly && login.alias !== target.alias) continue;
        const result = await psql({ host: '127.0.0.1', port: c.pgbouncerPort!, user: login.user, password: login.password, database: target.alias }, 'SELECT current_database()').then(
          (db) => `connects to ${db}`,
          () => 'refused',
        );
        lines.push(`${app} → ${target.alias}: ${result}`);
      }
    return lines;
  }

  /** The databases db-proxy serves: the apps' (a reader has none of its own). */
  const targets = (c: ClusterRun) => [...c.apps].filter(([app]) => !app.endsWith('-read'));
  const expectedMatrix = (c: ClusterRun) =>
    [...c.apps].flatMap(([app, login]) =>
      targets(c).map(([other, target]) => `${app} → ${target.alias}: ${login.alias === other ? `connects to ${dbName(c, other)}` : 'refused'}`),
    );

  it('sets up the first cluster twice, initialises the schemas, and isolates every app', async () => {
    const staging = clusters.get('staging')!;
    await runSetup(staging);
    await runSetup(staging);
    await startPgBouncer(staging);
    expect(await matrix(staging)).toEqual(expectedMatrix(staging));
    await runSchemaJobs(staging);
    await runSchemaJobs(staging);
    // A name db-proxy does not list is refused by PgBouncer itself.
    const argo = staging.apps.get('argo')!;
    await expect(psql({ host: '127.0.0.1', port: staging.pgbouncerPort!, user: argo.user, password: argo.password, database: 'postgres' }, 'SELECT 1')).rejects.toThrow(
      /no such database|not allowed|does not exist/,
    );
  }, 60_000);

  it('a second cluster on the same server gets its own names and leaves the first one working', async () => {
    const staging = clusters.get('staging')!;
    const production = clusters.get('production')!;
    expect(dbName(production, 'odc')).not.toBe(dbName(staging, 'odc'));
    await runSetup(production);
    await runSetup(production);
    await runSchemaJobs(production);
    await startPgBouncer(production);
    expect(await matrix(production)).toEqual(expectedMatrix(production));
    // The first cluster's logins (and its hand-set password) still work after the second's setup.
    // (Only its own pairs: PgBouncer holds back a pool whose last server login failed for
    // server_login_retry, 15 s, and the refused pairs were checked in the first test.)
    const own = (c: ClusterRun) => expectedMatrix(c).filter((l) => !l.endsWith('refused'));
    expect(await matrix(staging, true)).toEqual(own(staging));
    // Directly on the server too, no cluster's role reaches the other's database.
    const odc = staging.apps.get('odc')!;
    await expect(psql({ host: '127.0.0.1', port, user: odc.user, password: odc.password, database: dbName(production, 'odc') }, 'SELECT 1')).rejects.toThrow(
      /permission denied|not have CONNECT/,
    );
  }, 60_000);

  it('verifies the server: the generated TLS settings refuse a server the CA did not sign', async () => {
    const setup = jobTlsEnv(files.get('infrastructure/database/database-setup.yaml')!, ca.dir);
    expect(setup).toEqual({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: `${ca.dir}/ca.pem` });
    const proxy = configMapData(files.get('infrastructure/database/db-proxy.yaml')!, 'db-proxy-config')['pgbouncer.ini']!;
    expect(proxy).toMatch(/^server_tls_sslmode = verify-full$/m);
    // The same settings with another CA: psql refuses the server.
    await expect(psql(admin(), 'SELECT 1', { ...setup, PGSSLROOTCERT: ca.otherPem })).rejects.toThrow(/certificate verify failed/);
    expect(await psql(admin(), 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', setup)).toBe('t');
  });

  it("the notebooks' read-only login reads the index and Explorer's tables through db-proxy, and writes nothing", async () => {
    const staging = clusters.get('staging')!;
    const reader = staging.apps.get('odc-read')!;
    const login: Login = { host: '127.0.0.1', port: staging.pgbouncerPort!, user: reader.user, password: reader.password, database: 'odc' };
    expect(await psql(login, 'SELECT count(*) FROM odc.dataset; SELECT count(*) FROM cubedash.product')).toBe('0\n0');
    await expect(psql(login, 'INSERT INTO odc.dataset VALUES (gen_random_uuid())')).rejects.toThrow(/permission denied/);
  });
});

interface Certificates {
  readonly dir: string;
  /** The CA's PEM text (the answers' database.ca) and its file, named as the Jobs mount it. */
  readonly pem: string;
  readonly serverCert: string;
  readonly serverKey: string;
  /** A CA that signed nothing here. */
  readonly otherPem: string;
}

/** A CA, a server certificate for 127.0.0.1 signed by it, and an unrelated CA, with openssl. */
async function certificates(t: Tools, dir: string): Promise<Certificates> {
  await mkdir(dir, { recursive: true });
  const f = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args);
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=piksel test CA');
  await openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('other.key'), '-out', f('other.pem'), '-days', '2', '-subj', '/CN=another CA');
  await openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('server.key'), '-out', f('server.csr'), '-subj', '/CN=127.0.0.1');
  await writeFile(f('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  await openssl('x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('server.crt'), '-days', '2', '-extfile', f('san.ext'));
  for (const name of ['server.crt', 'server.key', 'ca.pem']) await writeOwned(t, f(name), await readFile(f(name), 'utf8'), 0o600);
  if (t.owner) await run('chown', [`${t.owner.uid}:${t.owner.gid}`, dir]);
  return { dir, pem: await readFile(f('ca.pem'), 'utf8'), serverCert: f('server.crt'), serverKey: f('server.key'), otherPem: f('other.pem') };
}

/** The setup Job's libpq TLS variables, its CA mount path pointing at `caDir`. */
function jobTlsEnv(text: string, caDir: string): Record<string, string> {
  const job = parseAllDocuments(text)
    .map((d) => d.toJS() as { kind?: string; spec?: { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } } })
    .find((d) => d?.kind === 'Job');
  const env = job?.spec?.template?.spec?.containers?.[0]?.env ?? [];
  return Object.fromEntries(env.filter((e) => e.name.startsWith('PGSSL') && e.value).map((e) => [e.name, e.value!.replace('/etc/database-ca/', `${caDir}/`)]));
}

/**
 * The image runs PgBouncer 1.25; Debian 12 ships 1.18, which stops at settings it does not know
 * (track_extra_parameters came in 1.20, max_prepared_statements in 1.21). Only those are left out.
 */
async function settingsNewerThanInstalled(pgbouncer: string): Promise<RegExp> {
  const { stdout } = await run(pgbouncer, ['--version']);
  const [major = 0, minor = 0] = (/PgBouncer (\d+)\.(\d+)/.exec(stdout) ?? []).slice(1).map(Number);
  const newer = [...(minor < 20 && major === 1 ? ['track_extra_parameters'] : []), ...(minor < 21 && major === 1 ? ['max_prepared_statements'] : [])];
  return newer.length > 0 ? new RegExp(`^(${newer.join('|')}) = .*$`, 'gm') : /(?!)/;
}

/** An app's database name on the server for a cluster (its plain name where nothing is substituted). */
const dbName = (c: { substitute: Record<string, string> }, app: string) => c.substitute[`DATABASE_NAME_${app.toUpperCase()}`] ?? app;

/** `${VAR}` → value, as Flux's postBuild substitution does. */
const substitute = (text: string, vars: Record<string, string>) => text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, name: string) => vars[name] ?? '');

function fluxSubstitutions(text: string): Record<string, string> {
  const doc = parseAllDocuments(text)
    .map((d) => d.toJS() as { metadata?: { name?: string }; spec?: { postBuild?: { substitute?: Record<string, string> } } })
    .find((d) => d?.metadata?.name === 'database');
  return doc?.spec?.postBuild?.substitute ?? {};
}

function configMapData(text: string, name: string): Record<string, string> {
  const doc = parseAllDocuments(text)
    .map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> })
    .find((d) => d?.kind === 'ConfigMap' && d.metadata?.name === name);
  if (!doc?.data) throw new Error(`no ConfigMap ${name}`);
  return doc.data;
}
