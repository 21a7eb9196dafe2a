// npm run bench: builds, then times whole runs of the built CLI (several samples each: median and
// range) and prints the ratios issues 7 and 15 set targets for, as a Markdown table for
// BENCHMARKS.md. Prints numbers; asserts nothing (no test asserts on time).
//
// The kustomize build cache lives in a folder of the bench (XDG_CACHE_HOME), never the user's:
// "cold" rows start each sample with an empty cache, the others with the cache a user would have
// at that point (built by the runs before it). Cookiecutter (Debian's `cookiecutter`) is timed
// writing the same tree when it is installed; otherwise that row is skipped with a note.
//
//   BENCH_RUNS=n   samples per measurement (default 7)
//   --no-build     time dist/ as it is
//
// Every run is a fresh `node` process, as a user's would be. Repositories live in one temporary
// folder, removed at the end. Re-runs start from a git commit, reset between samples.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'create-piksel-gitops.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const FLEET = [2, 21] as const;
const LARGE_FLEET = 100;

if (!process.argv.includes('--no-build')) execFileSync('npx', ['projen', 'compile'], { cwd: root, stdio: 'ignore' });

const work = mkdtempSync(join(tmpdir(), 'piksel-bench-'));
// The build cache of every run below, unless a measurement gives its own.
const cacheHome = join(work, 'cache-home');
mkdirSync(cacheHome);
let cacheCount = 0;
const emptyCache = () => {
  const dir = join(work, `cache-${cacheCount++}`);
  mkdirSync(dir);
  return dir;
};
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

function cli(args: string[], env: Record<string, string> = {}, okStatus: readonly number[] = [0]): void {
  const r = spawnSync('node', [bin, ...args], { cwd: work, env: { ...process.env, CI: 'true', XDG_CACHE_HOME: cacheHome, ...env }, encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (!okStatus.includes(r.status ?? -1)) throw new Error(`create-piksel-gitops ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
}
/** Peak resident memory (MiB) of one CLI run, from GNU time; undefined without it. */
function peakMemory(args: string[]): number | undefined {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', 'node', bin, ...args], { cwd: work, env: { ...process.env, CI: 'true', XDG_CACHE_HOME: cacheHome }, encoding: 'utf8' });
  const kib = Number(/(\d+)\s*$/.exec(r.stderr ?? '')?.[1]);
  return r.error || !Number.isFinite(kib) ? undefined : kib / 1024;
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
// bin/ keeps V8's compiled code in dist/.compiled/ (README, Design): a user's first run has none.
const compiled = join(root, 'dist', '.compiled');
const noCompiledCode = () => rmSync(compiled, { recursive: true, force: true });
measure('versionFirst', '--version, first run after install (no compiled code)', () => cli(['--version']), noCompiledCode);
measure('version', '--version', () => cli(['--version']));

// Full generation against the floor (a bare Node script writing the same files) and against
// cookiecutter writing the same tree.
let target = '';
let cache = '';
measure(
  'generateCold',
  'generate: --yes --no-git (1 cluster, everything on), empty build cache',
  () => cli([target, '--yes', '--no-git'], { XDG_CACHE_HOME: cache }),
  () => ((target = scratch()), (cache = emptyCache())),
);
measure(
  'generateFirst',
  'generate: the same, first run after install (no compiled code either)',
  () => cli([target, '--yes', '--no-git'], { XDG_CACHE_HOME: cache }),
  () => ((target = scratch()), (cache = emptyCache()), noCompiledCode()),
);
cli([scratch(), '--yes', '--no-git']); // fills the shared cache (and the compiled code), as a user's first run does
measure('generate', 'generate: the same, build cache from an earlier run', () => cli([target, '--yes', '--no-git']), () => (target = scratch()));
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

// The cookiecutter template is the tool's own output, each file rendered by Jinja ({% raw %}
// keeps the text as it is; the folder name is the one variable).
const cookiecutterVersion = spawnSync('cookiecutter', ['--version'], { encoding: 'utf8' });
const hasCookiecutter = cookiecutterVersion.status === 0;
if (hasCookiecutter) {
  const template = join(work, 'cookiecutter-template');
  mkdirSync(template);
  writeFileSync(join(template, 'cookiecutter.json'), JSON.stringify({ repo: 'repo' }));
  for (const f of files) {
    const dest = join(template, '{{cookiecutter.repo}}', f);
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, `{% raw %}${readFileSync(join(reference, f), 'utf8')}{% endraw %}`);
  }
  const config = join(work, 'cookiecutter-config.yaml');
  writeFileSync(config, `replay_dir: ${join(work, 'cookiecutter-replay')}\ncookiecutters_dir: ${join(work, 'cookiecutters')}\n`);
  let out = '';
  measure(
    'cookiecutter',
    `cookiecutter ${cookiecutterVersion.stdout.split(' ')[1]} writing the same ${files.length} files`,
    () => execFileSync('cookiecutter', ['--no-input', '--config-file', config, '-o', out, template], { stdio: 'ignore' }),
    () => {
      out = dirname(scratch());
    },
  );
}

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

// validate on one large manifest: a ConfigMap of 60,000 keys (1 MB); and memory with a large log.
const big = join(scratch(), '..', 'big');
mkdirSync(big);
const keys = Array.from({ length: 60_000 }, (_, i) => `  k${String(i).padStart(5, '0')}: v${i}`);
// validate refuses a folder that is not a Flux repository: the manifest sits beside one cluster.
mkdirSync(join(big, 'clusters', 'bench'), { recursive: true });
writeFileSync(
  join(big, 'clusters', 'bench', 'apps.yaml'),
  'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./clusters/bench\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
);
writeFileSync(join(big, 'big.yaml'), ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: big', '  namespace: default', 'data:', ...keys, ''].join('\n'));
const bigBytes = readFileSync(join(big, 'big.yaml')).length;
// An empty cache each time: the parse of the large file is what this line measures (a cache would skip it).
measure(
  'validateBig',
  `validate: one manifest of 60,000 keys (${(bigBytes / 1e6).toFixed(1)} MB), empty cache`,
  () => cli(['validate', big], { XDG_CACHE_HOME: cache }),
  () => (cache = emptyCache()),
  Math.min(RUNS, 3),
);
const memoryBefore = peakMemory(['validate', repo]);
const logLine = 'INFO request served in 12 ms from the cache of the platform gateway\n';
writeFileSync(join(repo, 'build.log'), logLine.repeat(Math.ceil(200e6 / logLine.length)));
const memoryAfter = peakMemory(['validate', repo]);
rmSync(join(repo, 'build.log'));

// Fleet: clusters added one re-run at a time. The chain is built (and timed) once; before each
// step the repository's commit and the build cache are kept, so a measurement re-runs from the
// commit with N-1 clusters and the cache as it was then (the new cluster's builds not in it).
const fleet = scratch();
const before = new Map<number, { sha: string; cache: string }>();
const chain: number[] = [];
for (let n = 1; n <= FLEET.at(-1)!; n++) {
  if (FLEET.includes(n as (typeof FLEET)[number])) {
    const kept = join(work, `fleet-cache-${n}`);
    cpSync(cacheHome, kept, { recursive: true });
    before.set(n, { sha: git(fleet, 'rev-parse', 'HEAD'), cache: kept });
  }
  chain.push(elapsed(() => cli([fleet, '--yes', '--cluster', `c${n}`])));
}
for (const n of FLEET) {
  const { sha, cache: kept } = before.get(n)!;
  measure(`fleet${n}`, `fleet: re-run adding cluster ${n} to ${n - 1}`, () => cli([fleet, '--yes', '--cluster', `c${n}`], { XDG_CACHE_HOME: cache }), () => {
    resetTo(fleet, sha)();
    cache = join(work, `fleet-cache-run-${cacheCount++}`);
    cpSync(kept, cache, { recursive: true });
  });
}
const chainTotal = chain.reduce((a, b) => a + b, 0);
console.error(`fleet: ${chain.length} clusters added one by one (1 sample)                 total ${chainTotal.toFixed(0)} ms`);

// A 100-cluster repository, generated at once from an answers file.
const large = scratch();
const answers = join(work, 'answers-100.json');
writeFileSync(answers, JSON.stringify({ clusters: Array.from({ length: LARGE_FLEET }, (_, i) => ({ name: `c${i + 1}` })) }));
const generateLarge = elapsed(() => cli([large, '--yes', '--answers', answers]));
console.error(`fleet: ${LARGE_FLEET} clusters generated at once (1 sample)                total ${generateLarge.toFixed(0)} ms`);
measure('noop100', `re-run of the ${LARGE_FLEET}-cluster repository, nothing changed (no-op)`, () => cli([large]));
measure('validate100', `validate (the ${LARGE_FLEET}-cluster repository, build cache from its generation)`, () => cli(['validate', large]), undefined, Math.min(RUNS, 3));

const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { size: number; unpackedSize: number; entryCount: number }[];
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
out.push(`| fleet: ${LARGE_FLEET} clusters generated at once (1 sample) | ${ms(generateLarge)} | |`);
const mib = (n: number | undefined) => (n === undefined ? 'n/a (no GNU time)' : `${n.toFixed(0)} MiB`);
out.push(`| validate, peak memory: the 1-cluster repository / with a 200 MB log added | ${mib(memoryBefore)} / ${mib(memoryAfter)} | |`);
out.push('', '| ratio (medians, one run) | value | target | |', '|---|---:|---:|---|');
if (hasCookiecutter) {
  out.push(ratio('full generation / cookiecutter writing the same tree', m('generate') / m('cookiecutter'), 2.0));
  out.push(ratio('the same, empty build cache / cookiecutter', m('generateCold') / m('cookiecutter'), 2.0));
  out.push(`| the same, first run after install (no compiled code) / cookiecutter | ${times(m('generateFirst') / m('cookiecutter'))} | (reported) | |`);
} else out.push('| full generation / cookiecutter | skipped: cookiecutter is not installed (`apt-get install cookiecutter`) | ≤ 2.00× | |');
out.push(`| full generation / bare-write floor | ${times(m('generate') / m('floor'))} | (reported) | |`);
out.push(ratio(`adding cluster ${FLEET[1]} to ${FLEET[1] - 1} / adding cluster ${FLEET[0]} to ${FLEET[0] - 1}`, m(`fleet${FLEET[1]}`) / m(`fleet${FLEET[0]}`), 1.5));
out.push(`| no-op re-run of ${LARGE_FLEET} clusters | ${ms(m('noop100'))} | (reported) | |`);
out.push(ratio('validate: 60,000-key manifest', m('validateBig'), 2000, ms));
if (memoryBefore !== undefined && memoryAfter !== undefined)
  out.push(`| validate memory: growth from a 200 MB non-manifest file | ${(memoryAfter - memoryBefore).toFixed(0)} MiB | bounded (not read whole) | ${memoryAfter - memoryBefore < 50 ? 'met' : 'missed'} |`);
out.push(ratio('no-op re-run / full generation', m('noop') / m('generate'), 1.5));
out.push(ratio('validate on the full repository', m('validate'), 2000, ms));
out.push(ratio('packed tarball', pack[0]!.size / 1e6, 1, (n) => `${n.toFixed(2)} MB`));
out.push(ratio("--version / node -e ''", m('version') / m('node'), 2.0));
out.push(`| --version, first run after install / node -e '' | ${times(m('versionFirst') / m('node'))} | (reported) | |`);
out.push('', `Without kubectl (no kustomize builds) full generation is ${times(m('generateNoKubectl') / m('floor'))} the floor.`);
console.log(out.join('\n'));
