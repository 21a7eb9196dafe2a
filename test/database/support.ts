import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A throw-away PostgreSQL server and PgBouncers on 127.0.0.1, from the Debian packages
 * (postgresql, postgresql-postgis, pgbouncer), in one temporary folder. Neither program runs as
 * root: as root (CI), they run as the `postgres` system user through setpriv, which execs in
 * place, so the PIDs kept here are the servers' own and are stopped by PID.
 */
export interface Tools {
  readonly bin: string;
  readonly pgbouncer: string;
  readonly asServer: (command: string, args: string[]) => [string, string[]];
  readonly owner?: { uid: number; gid: number };
}

/** Why the real-server tests cannot run here, or the tools they use. */
export async function findTools(): Promise<Tools | string> {
  const root = '/usr/lib/postgresql';
  const version = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a))[0] : undefined;
  if (!version || !existsSync(path.join(root, version, 'bin', 'initdb'))) return 'PostgreSQL server binaries not found (apt-get install postgresql)';
  const pgbouncer = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find(existsSync);
  if (!pgbouncer) return 'pgbouncer not found (apt-get install pgbouncer)';
  if (!existsSync(path.join('/usr/share/postgresql', version, 'extension', 'postgis.control'))) return 'PostGIS not found (apt-get install postgresql-postgis)';
  const bin = path.join(root, version, 'bin');
  if (process.getuid?.() !== 0) return { bin, pgbouncer, asServer: (c, a) => [c, a] };
  const { stdout } = await run('id', ['-u', 'postgres']).catch(() => ({ stdout: '' }));
  const uid = Number(stdout.trim());
  if (!uid) return 'running as root without a postgres system user to run the server as';
  const gid = Number((await run('id', ['-g', 'postgres'])).stdout.trim());
  return {
    bin,
    pgbouncer,
    owner: { uid, gid },
    asServer: (c, a) => ['setpriv', [`--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--', c, ...a]],
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** A folder the server user may use (created under the system temp folder). */
export async function workFolder(tools: Tools): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'piksel-pg-'));
  if (tools.owner) await chown(dir, tools.owner.uid, tools.owner.gid);
  await chmod(dir, 0o700);
  return dir;
}

export async function writeOwned(tools: Tools, file: string, text: string, mode = 0o600) {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text, { mode });
  if (tools.owner) await chown(file, tools.owner.uid, tools.owner.gid);
}

/** Starts a long-running server process; resolves once `ready` says it accepts connections. */
export async function startProcess(tools: Tools, command: string, args: string[], ready: () => Promise<boolean>): Promise<ChildProcess> {
  const [cmd, argv] = tools.asServer(command, args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${path.basename(command)} exited: ${stderr}`);
    if (await ready()) return child;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`${path.basename(command)} did not start: ${stderr}`);
}

/** Stops a process we started, by its PID, and waits for it to exit. */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid, signal);
  await exited;
}

export interface Login {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
}

/** Runs SQL through psql; resolves with its output, or rejects with psql's error text. */
export async function psql(login: Login, sql: string, extraEnv: Record<string, string> = {}): Promise<string> {
  const env = { PATH: process.env.PATH ?? '', PGCONNECT_TIMEOUT: '5', PGPASSWORD: login.password ?? '', ...extraEnv };
  const args = ['--no-psqlrc', '-X', '-q', '-t', '-A', '--set=ON_ERROR_STOP=1', '-h', login.host, '-p', String(login.port), '-U', login.user, '-d', login.database, '-c', sql];
  try {
    const { stdout } = await run('psql', args, { env });
    return stdout.trim();
  } catch (e) {
    const err = e as { stderr?: string };
    throw new Error((err.stderr ?? String(e)).trim());
  }
}

export async function removeFolder(dir: string | undefined) {
  if (dir) await rm(dir, { recursive: true, force: true });
}
