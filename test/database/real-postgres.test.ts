import { execFile, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseAnswers } from '../../src/answers/load.js';
import type { Answers, ClusterAnswers } from '../../src/answers/schema.js';
import { secretInventory } from '../../src/catalog/selection.js';
import { render } from '../support/render.js';
import { resolveStep } from './workflow-script.js';
import { findTools, freePort, psql, removeFolder, startProcess, stopProcess, workFolder, writeOwned, type Login, type Tools } from './support.js';

/**
 * The generated database layer against a real PostgreSQL and PgBouncer, as the Jobs and db-proxy
 * would run it: the setup script and the SQL of the schema Jobs (what needs neither datacube nor
 * pypgstac), twice, for two clusters on one server; then every app's login through each
 * cluster's PgBouncer. The administrator is shaped like the RDS master (CREATEROLE, CREATEDB, not
 * a superuser); the extensions are pre-created by the superuser, as on a self-managed server.
 */
const run = promisify(execFile);
/** pgstac's own migration, test data (test/fixtures/pgstac-v0.9.11/SOURCE.md). */
const PGSTAC_MIGRATION = fileURLToPath(new URL('../fixtures/pgstac-v0.9.11/pgstac.0.9.11.sql', import.meta.url));
const found = await findTools();
if (typeof found === 'string') console.warn(`real PostgreSQL tests skipped: ${found}`);
const tools = typeof found === 'string' ? undefined : found;
/** The python the stac-copy script runs on here: Debian's, with its psycopg (python3-psycopg). */
const python = await run('/usr/bin/python3', ['-c', 'import psycopg']).then(
  () => '/usr/bin/python3',
  () => undefined,
);
if (tools && !python) console.warn('the STAC copy test is skipped: /usr/bin/python3 with psycopg not found (apt-get install python3-psycopg)');
/** pystac-client's stand-in (not packaged for Debian): see its docstring. */
const PYSTAC_CLIENT_STAND_IN = fileURLToPath(new URL('../fixtures/pystac-client-stand-in/', import.meta.url));

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

    // pypgstac migrate, as the administrator: pgstac's own migration at the pinned version.
    const stacDb = admin(dbName(c, 'stac'));
    // pypgstac applies a base migration only to a database without pgstac (it then steps by version).
    const migrated = (await psql(stacDb, "SELECT count(*) FROM pg_namespace WHERE nspname = 'pgstac'")) === '1';
    if (!migrated)
      await run('psql', ['--no-psqlrc', '-X', '-q', '--set=ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', ADMIN.user, '-d', stacDb.database, '-f', PGSTAC_MIGRATION], {
        env: { PATH: process.env.PATH ?? '', PGPASSWORD: ADMIN.password },
      });
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

  it.skipIf(!python)("the stac-copy script copies a collection's items into pgstac through db-proxy as the stac role, and a second run adds nothing twice", async () => {
    const staging = clusters.get('staging')!;
    const texts = ['workflow-templates.yaml', 'products.yaml'].map((f) => files.get(`apps/base/indexing/${f}`)!);
    // The Sentinel-2 backfill as submitted from its template: its copy step's script and inputs.
    const script = resolveStep(texts, 'index-s2-l2a-c1', 'catalog');
    expect(script.env).toMatchObject({ PGHOST: 'db-proxy.database.svc.cluster.local', PGPORT: '6432', PGDATABASE: 'stac', COLLECTION: 'sentinel-2-c1-l2a' });
    expect(script.secretEnv).toEqual({ PGUSER: { name: 'stac-db', key: 'username' }, PGPASSWORD: { name: 'stac-db', key: 'password' } });
    const work = path.join(staging.dir, 'stac-copy');
    await mkdir(work);
    const collection = script.env.COLLECTION!;
    await writeFile(path.join(work, 'collection.json'), JSON.stringify(stacCollection(collection)));
    // Three batches of the script's 500, the last one partial.
    const count = 1201;
    await writeFile(path.join(work, 'items.ndjson'), Array.from({ length: count }, (_, i) => `${JSON.stringify(stacItem(collection, i))}\n`).join(''));
    await writeFile(path.join(work, 'script'), script.source);
    const stac = staging.apps.get('stac')!;
    const env = {
      PATH: process.env.PATH ?? '',
      PYTHONPATH: PYSTAC_CLIENT_STAND_IN,
      // The stand-in lives in the checkout: no bytecode is written beside it.
      PYTHONDONTWRITEBYTECODE: '1',
      STAND_IN_CALLS: path.join(work, 'calls.ndjson'),
      STAND_IN_COLLECTION: path.join(work, 'collection.json'),
      STAND_IN_ITEMS: path.join(work, 'items.ndjson'),
      ...script.env,
      // db-proxy is this cluster's PgBouncer; the Secret's values are the stac login's.
      PGHOST: '127.0.0.1',
      PGPORT: String(staging.pgbouncerPort),
      PGUSER: stac.user,
      PGPASSWORD: stac.password,
    };
    for (let pass = 0; pass < 2; pass++) {
      const { stdout } = await run(python!, [path.join(work, 'script')], { env });
      expect(stdout).toContain(`${count} items of ${collection} copied`);
    }
    const stacDb = admin(dbName(staging, 'stac'));
    expect(await psql(stacDb, `SELECT count(*), count(DISTINCT id) FROM pgstac.items WHERE collection = '${collection}'`)).toBe(`${count}|${count}`);
    // What stac-fastapi runs for a search (its connections set pgstac's search_path), as the same login through db-proxy.
    const viaProxy: Login = { host: '127.0.0.1', port: staging.pgbouncerPort!, user: stac.user, password: stac.password, database: 'stac' };
    expect(await psql(viaProxy, `SET search_path TO pgstac, public; SELECT jsonb_array_length(pgstac.search('{"collections": ["${collection}"], "limit": 5}')->'features')`)).toBe('5');
    // The script asked the upstream API for the backfill's window over the answers' area.
    const calls = (await readFile(env.STAND_IN_CALLS, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(calls.filter((c) => c.call === 'search')[0]).toEqual({ call: 'search', collections: [collection], bbox: [95, -11, 141, 6], datetime: '2024-01-01/..', query: null });
    expect(calls[0]).toEqual({ call: 'open', url: 'https://earth-search.aws.element84.com/v1' });
  }, 60_000);
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

/** A STAC Collection as a STAC API returns it (the fields pgstac reads). */
const stacCollection = (id: string) => ({
  type: 'Collection',
  stac_version: '1.1.0',
  id,
  description: 'test collection',
  license: 'proprietary',
  extent: { spatial: { bbox: [[-180, -90, 180, 90]] }, temporal: { interval: [['2015-06-27T10:25:31Z', null]] } },
  links: [],
});

/** The i-th of a day's worth of STAC Items over Indonesia, an hour apart. */
const stacItem = (collection: string, i: number) => {
  const west = 95 + (i % 46);
  const south = -11 + (i % 17);
  return {
    type: 'Feature',
    stac_version: '1.1.0',
    id: `S2C_T${String(i).padStart(4, '0')}_20240101_0_L2A`,
    collection,
    bbox: [west, south, west + 1, south + 1],
    geometry: { type: 'Polygon', coordinates: [[[west, south], [west + 1, south], [west + 1, south + 1], [west, south + 1], [west, south]]] },
    properties: { datetime: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(), 'eo:cloud_cover': i % 100 },
    assets: { red: { href: `s3://e84-earth-search-sentinel-data/test/${i}/B04.tif`, type: 'image/tiff; application=geotiff; profile=cloud-optimized' } },
    links: [],
  };
};
