#!/usr/bin/env node
// Runs the bundled CLI (dist/cli.cjs) with the code V8 compiled for it kept beside it, one cache
// per command, the way Python keeps .pyc files beside a package: a run after the first skips
// most of the compiling (about a fifth of a new repository's generation).
//
// A code cache is code: V8 runs what it holds, and checks only that it was made for a source of
// the same length. So a cache is used only when nobody else could have written it: the folder and
// the file belong to the bundle's owner or to this user, neither is group- or other-writable, and
// neither is a symbolic link; and its name carries a hash of the bundle's content, so a cache made
// for other content is never looked up. The folder and file are made 0700 and 0600 whatever the
// umask. Anything wrong, or a folder that cannot be written, and the CLI runs without a cache.
// Where ownership cannot be told (Windows), there is no cache.
import { createHash } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

const args = process.argv.slice(2);
const main = load(fileURLToPath(new URL('../dist/cli.cjs', import.meta.url)), commandOf(args));
const code = await main(args);
// Cancelled (130): the work was abandoned on purpose; do not wait for the processes it left running.
if (code === 130) process.exit(code);
process.exitCode = code;

/** Which cache a run uses: each command compiles different code. */
function commandOf(argv) {
  const command = argv.find((a) => !a.startsWith('-'));
  if (['validate', 'bootstrap', 'secrets'].includes(command)) return command;
  return argv.some((a) => a === '--version' || a === '--help' || a === '-h') ? 'info' : 'create';
}

/** The bundle's `main`, compiled with the command's cache when there is a trustworthy one. */
function load(bundle, command) {
  let bytes;
  try {
    bytes = readFileSync(bundle);
  } catch {
    process.stderr.write(`create-piksel-gitops: ${bundle} is missing: reinstall the package (in a checkout: npm run compile)\n`);
    process.exit(1);
  }
  const source = bytes.toString('utf8');
  const cache = cacheFor(bundle, bytes, command);
  const cachedData = cache && readTrusted(cache);
  const script = new Script(module.wrap(source), { filename: bundle, cachedData });
  // Written at exit, so it holds what this run compiled, not only the outermost code.
  if (cache && (cachedData === undefined || script.cachedDataRejected)) process.once('exit', () => keep(script, cache));
  const exported = { exports: {} };
  script.runInThisContext()(exported.exports, createRequire(bundle), exported, bundle, dirname(bundle));
  return exported.exports.main;
}

/** Where this command's cache for exactly these bundle bytes lives; undefined: no cache here. */
function cacheFor(bundle, bytes, command) {
  if (typeof process.getuid !== 'function') return undefined;
  const hash = createHash('sha256').update(bytes).digest('hex').slice(0, 32);
  const trusted = new Set([statSync(bundle).uid, process.getuid()]);
  return { folder: join(dirname(bundle), '.compiled'), name: `${command}-${hash}-${process.version}-${process.arch}.bin`, command, trusted };
}

/** Nobody but a trusted user could have put it there: owned by one, writable by no one else. */
function trustworthy(stats, trusted) {
  return trusted.has(stats.uid) && (stats.mode & 0o022) === 0;
}

/** The folder as it is, without following a link; undefined when missing or not to be trusted. */
function trustedFolder({ folder, trusted }) {
  try {
    const stats = lstatSync(folder);
    return stats.isDirectory() && trustworthy(stats, trusted) ? folder : undefined;
  } catch {
    return undefined;
  }
}

function readTrusted(cache) {
  if (!trustedFolder(cache)) return undefined;
  let fd;
  try {
    // O_NOFOLLOW: a symbolic link is refused by the open itself; the checks then read the file opened.
    fd = openSync(join(cache.folder, cache.name), constants.O_RDONLY | constants.O_NOFOLLOW);
    const stats = fstatSync(fd);
    return stats.isFile() && trustworthy(stats, cache.trusted) ? readFileSync(fd) : undefined;
  } catch {
    return undefined; // none yet
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function keep(script, cache) {
  const { folder, name, command } = cache;
  try {
    try {
      mkdirSync(folder, { mode: 0o700 });
      chmodFolder(folder); // made by this run: 0700 whatever the umask took away
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
    }
    if (!trustedFolder(cache)) return; // someone else's, or open to others: leave it alone
    const temp = join(folder, `${name}.${process.pid}.tmp`);
    rmSync(temp, { force: true }); // a killed run's, with this pid
    // 'wx': a new file, never through an existing name or link; 0600 whatever the umask.
    const fd = openSync(temp, 'wx', 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, script.createCachedData());
    } finally {
      closeSync(fd);
    }
    renameSync(temp, join(folder, name));
    // Older caches of this command (an earlier bundle or Node), and what killed runs left.
    for (const old of readdirSync(folder)) if (old.startsWith(`${command}-`) && old !== name) rmSync(join(folder, old), { force: true });
  } catch {
    // A folder this user cannot write (a system-wide install): every run compiles.
  }
}

function chmodFolder(folder) {
  const fd = openSync(folder, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
}
