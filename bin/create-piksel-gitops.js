#!/usr/bin/env node
// Runs the bundled CLI (dist/cli.cjs) with the code V8 compiled for it kept beside it, one cache
// per command, the way Python keeps .pyc files beside a package: a run after the first skips
// most of the compiling (about a fifth of a new repository's generation). The cache is used only
// for the exact bundle, Node and machine it was made by (V8 checks too); anything wrong with it,
// or a folder that cannot be written, and the CLI runs without it.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** The bundle's `main`, compiled with the command's cache when there is a good one. */
function load(bundle, command) {
  let source;
  try {
    source = readFileSync(bundle, 'utf8');
  } catch {
    process.stderr.write(`create-piksel-gitops: ${bundle} is missing: reinstall the package (in a checkout: npm run compile)\n`);
    process.exit(1);
  }
  const { size, mtimeMs, ino } = statSync(bundle);
  const folder = join(dirname(bundle), '.compiled');
  const name = `${command}-${size}-${Math.trunc(mtimeMs)}-${ino}-${process.version}-${process.arch}.bin`;
  let cachedData;
  try {
    cachedData = readFileSync(join(folder, name));
  } catch {
    // none yet
  }
  const script = new Script(module.wrap(source), { filename: bundle, cachedData });
  // Written at exit, so it holds what this run compiled, not only the outermost code.
  if (cachedData === undefined || script.cachedDataRejected) process.once('exit', () => keep(script, folder, name, command));
  const exported = { exports: {} };
  script.runInThisContext()(exported.exports, createRequire(bundle), exported, bundle, dirname(bundle));
  return exported.exports.main;
}

function keep(script, folder, name, command) {
  try {
    mkdirSync(folder, { recursive: true });
    const temp = join(folder, `${name}.${process.pid}.tmp`);
    writeFileSync(temp, script.createCachedData());
    renameSync(temp, join(folder, name));
    // Older caches of this command (an earlier bundle or Node), and what killed runs left.
    for (const old of readdirSync(folder)) if (old.startsWith(`${command}-`) && old !== name) rmSync(join(folder, old), { force: true });
  } catch {
    // A folder this user cannot write (a system-wide install): every run compiles.
  }
}
