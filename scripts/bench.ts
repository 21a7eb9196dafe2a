// npm run bench: builds, then times whole runs of the built CLI (several samples each: median and
// range) and prints the ratios issue 7 sets targets for, as a Markdown table for BENCHMARKS.md.
// Prints numbers; asserts nothing (no test asserts on time).
//
//   BENCH_RUNS=n   samples per measurement (default 7)
//   --no-build     time dist/ as it is
//
// Every run is a fresh `node` process, as a user's would be. Repositories live in one temporary
// folder, removed at the end. Re-runs start from a git commit, reset between samples.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'create-piksel-gitops.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FLEET = [1, 5, 20] as const;

if (!process.argv.includes('--no-build')) execFileSync('npx', ['projen', 'compile'], { cwd: root, stdio: 'ignore' });

const work = mkdtempSync(join(tmpdir(), 'piksel-bench-'));
let scratchCount = 0;
/** A new empty folder; the repository goes in `repo` inside it. */
const scratch = () => {
  const dir = join(work, String(scratchCount++));
  mkdirSync(dir);
  return join(dir, 'repo');
};

// A PATH with node and git but no kubectl: separates the tool's own cost from the kustomize builds.
const withoutKubectl = join(work, 'path-without-kubectl');
mkdirSync(withoutKubectl);
for (const tool of ['node', 'git']) symlinkSync(execFileSync('which', [tool], { encoding: 'utf8' }).trim(), join(withoutKubectl, tool));

function cli(args: string[], env: Record<string, string> = {}): void {
  const r = spawnSync('node', [bin, ...args], { cwd: work, env: { ...process.env, CI: 'true', ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`create-piksel-gitops ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}
const git = (dir: string, ...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8' }).trim();
/** Puts a repository back at a commit, untracked files gone. */
const resetTo = (dir: string, sha: string) => () => {
  git(dir, 'reset', '-q', '--hard', sha);
  git(dir, 'clean', '-qfdx');
};

const elapsed = (run: () => void) => {
  const start = process.hrtime.bigint();
  run();
  return Number(process.hrtime.bigint() - start) / 1e6;
};

interface Result {
  readonly name: string;
  readonly samples: readonly number[];
}
const results = new Map<string, Result>();
const median = (s: readonly number[]) => s[Math.floor(s.length / 2)]!;

function measure(key: string, name: string, run: () => void, setup?: () => void, runs = RUNS): void {
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    setup?.();
    samples.push(elapsed(run));
  }
  samples.sort((a, b) => a - b);
  results.set(key, { name, samples });
  console.error(`${name.padEnd(58)} median ${median(samples).toFixed(0).padStart(6)} ms   range ${samples[0]!.toFixed(0)}–${samples.at(-1)!.toFixed(0)} ms`);
}
const m = (key: string) => median(results.get(key)!.samples);

const kubectl = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
const kubectlVersion = kubectl.status === 0 ? (JSON.parse(kubectl.stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion : undefined;
const loadBefore = loadavg();
console.error(`bench: ${RUNS} samples each, in ${work}`);

// Process start: the floor under every other number.
measure('node', "node -e '' (process start)", () => execFileSync('node', ['-e', '']));
measure('version', '--version', () => cli(['--version']));

// Full generation against the floor: a bare Node script writing the same files.
let target = '';
measure('generate', 'generate: --yes --no-git (1 cluster, everything on)', () => cli([target, '--yes', '--no-git']), () => (target = scratch()));
measure(
  'generateNoKubectl',
  'generate: the same, kubectl not on PATH (no kustomize builds)',
  () => cli([target, '--yes', '--no-git'], { PATH: withoutKubectl }),
  () => (target = scratch()),
);
const reference = scratch();
cli([reference, '--yes', '--no-git']);
const files = readdirSync(reference, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile())
  .map((e) => relative(reference, join(e.parentPath, e.name)));
const payload = join(work, 'payload.json');
writeFileSync(payload, JSON.stringify(Object.fromEntries(files.map((f) => [f, readFileSync(join(reference, f), 'utf8')]))));
const writer =
  "const fs=require('fs'),p=require('path');const files=JSON.parse(fs.readFileSync(process.argv[1],'utf8'));" +
  'for(const [f,t] of Object.entries(files)){const d=p.join(process.argv[2],f);fs.mkdirSync(p.dirname(d),{recursive:true});fs.writeFileSync(d,t)}';
measure('floor', `floor: bare node writing the same ${files.length} files`, () => execFileSync('node', ['-e', writer, payload, target]), () => (target = scratch()));

// Re-runs of a committed repository.
const repo = scratch();
cli([repo, '--yes']);
const generated = git(repo, 'rev-parse', 'HEAD');
measure('noop', 're-run, nothing changed (no-op)', () => cli([repo]), resetTo(repo, generated));

const edited = files.filter((f) => f.endsWith('.yaml') && f.includes('/')).sort().slice(0, 20);
for (const f of edited) writeFileSync(join(repo, f), `${readFileSync(join(repo, f), 'utf8')}# edited by its owner\n`);
git(repo, 'commit', '-qam', 'user edits');
const withEdits = git(repo, 'rev-parse', 'HEAD');
measure('edits', `re-run with ${edited.length} user edits, answers changed (--set)`, () => cli([repo, '--set', 'slack.channel=bench']), resetTo(repo, withEdits));

resetTo(repo, generated)();
measure('validate', 'validate (the 1-cluster repository)', () => cli(['validate', repo]));

// Fleet: clusters added one re-run at a time. The chain is built (and timed) once; then each
// measurement re-runs from the commit with N-1 clusters.
measure('fleet1', 'fleet: first generation, --cluster c1', () => cli([target, '--yes', '--cluster', 'c1']), () => (target = scratch()));
const fleet = scratch();
const shaBefore = new Map<number, string>();
const chain: number[] = [];
for (let n = 1; n <= FLEET.at(-1)!; n++) {
  if (n > 1) shaBefore.set(n, git(fleet, 'rev-parse', 'HEAD'));
  chain.push(elapsed(() => cli([fleet, '--yes', '--cluster', `c${n}`])));
}
for (const n of FLEET.slice(1)) measure(`fleet${n}`, `fleet: re-run adding cluster ${n} to ${n - 1}`, () => cli([fleet, '--yes', '--cluster', `c${n}`]), resetTo(fleet, shaBefore.get(n)!));
const chainTotal = chain.reduce((a, b) => a + b, 0);
console.error(`fleet: ${chain.length} clusters added one by one (1 sample)                 total ${chainTotal.toFixed(0)} ms`);

const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { size: number; unpackedSize: number; entryCount: number }[];
const loadAfter = loadavg();
rmSync(work, { recursive: true, force: true });

const ms = (n: number) => `${n.toFixed(0)} ms`;
const times = (n: number) => `${n.toFixed(2)}×`;
const ratio = (label: string, value: number, target: number, show: (n: number) => string = times) =>
  `| ${label} | ${show(value)} | ≤ ${show(target)} | ${value <= target ? 'met' : 'missed'} |`;

const out: string[] = [];
out.push(`Machine: ${availableParallelism()} CPUs (${cpus()[0]?.model.trim()}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}, ${process.platform}`);
out.push(`kubectl: ${kubectlVersion ?? 'not on PATH (validation skips kustomize builds)'}`);
out.push(`Date: ${new Date().toISOString()}; load average (1 min) ${loadBefore[0]!.toFixed(2)} before, ${loadAfter[0]!.toFixed(2)} after`);
out.push(`Samples: ${RUNS} per measurement (whole processes); median and range`);
out.push('', '| measurement | median | range |', '|---|---:|---:|');
for (const { name, samples } of results.values()) out.push(`| ${name} | ${ms(median(samples))} | ${samples[0]!.toFixed(0)}–${samples.at(-1)!.toFixed(0)} ms |`);
out.push(`| fleet: ${chain.length} clusters added one by one (total, 1 sample) | ${ms(chainTotal)} | first ${ms(chain[0]!)}, last ${ms(chain.at(-1)!)} |`);
out.push(`| packed tarball (npm pack) | ${(pack[0]!.size / 1024).toFixed(0)} KiB | ${pack[0]!.entryCount} files, ${(pack[0]!.unpackedSize / 1024).toFixed(0)} KiB unpacked |`);
out.push('', '| ratio (medians) | value | target | |', '|---|---:|---:|---|');
out.push(ratio('full generation / bare-write floor', m('generate') / m('floor'), 2.0));
out.push(ratio('no-op re-run / full generation', m('noop') / m('generate'), 1.5));
out.push(ratio('validate on the full repository', m('validate'), 2000, ms));
out.push(ratio(`adding cluster ${FLEET[2]} / first generation (1 cluster)`, m(`fleet${FLEET[2]}`) / m('fleet1'), 5));
out.push(ratio('packed tarball', pack[0]!.size / 1e6, 1, (n) => `${n.toFixed(2)} MB`));
out.push(ratio("--version / node -e ''", m('version') / m('node'), 2.0));
const step = (a: number, b: number) => (m(`fleet${b}`) - m(`fleet${a}`)) / (b - a);
out.push('', `Without kubectl (no kustomize builds) full generation is ${times(m('generateNoKubectl') / m('floor'))} the floor.`);
out.push(`Fleet growth per added cluster: ${ms(step(1, 5))} between 1 and 5 clusters, ${ms(step(5, 20))} between 5 and 20.`);
console.log(out.join('\n'));
