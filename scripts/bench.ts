// npm run bench: whole-process timings of the built CLI, several runs each, median and spread,
// and the ratios the performance issue asks about. Prints numbers; asserts nothing.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpus, tmpdir, totalmem } from 'node:os';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const bin = join(root, 'bin', 'create-piksel-gitops.js');
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

execFileSync('npx', ['projen', 'compile'], { cwd: root, stdio: 'ignore' });

function time(run: () => void, setup?: () => void): number[] {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    setup?.();
    const start = process.hrtime.bigint();
    run();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return samples.sort((a, b) => a - b);
}

const median = (s: number[]) => s[Math.floor(s.length / 2)]!;
const results = new Map<string, number[]>();
function record(name: string, samples: number[]) {
  results.set(name, samples);
  const spread = `${samples[0]!.toFixed(0)}–${samples.at(-1)!.toFixed(0)}`;
  console.log(`${name.padEnd(44)} median ${median(samples).toFixed(0).padStart(6)} ms   range ${spread} ms`);
}

const cli = (args: string[], cwd = tmpdir()) => {
  const r = spawnSync('node', [bin, ...args], { cwd, env: { ...process.env, CI: 'true' }, encoding: 'utf8' });
  if (r.status !== 0 && r.status !== 3) throw new Error(`create-piksel-gitops ${args.join(' ')}: ${r.stderr}`);
};
const scratch = () => mkdtempSync(join(tmpdir(), 'piksel-bench-'));

console.log(`create-piksel-gitops bench: ${RUNS} runs each; node ${process.version}; ${cpus().length} × ${cpus()[0]?.model}; ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);

record('node -e "" (process floor)', time(() => execFileSync('node', ['-e', ''])));
record('--version', time(() => cli(['--version'])));

let dir = '';
record('generate --yes --no-git (full platform)', time(() => cli([join(dir, 'repo'), '--yes', '--no-git']), () => (dir = scratch())));

// The floor: a bare Node process writing the same files (read from a finished repository).
const reference = join(scratch(), 'repo');
cli([reference, '--yes', '--no-git']);
const files = execFileSync('find', ['.', '-type', 'f'], { cwd: reference, encoding: 'utf8' }).trim().split('\n');
const payload = join(scratch(), 'payload.json');
writeFileSync(payload, JSON.stringify(Object.fromEntries(files.map((f) => [f, readFileSync(join(reference, f), 'utf8')]))));
const writer = `const fs=require('fs'),p=require('path');const files=JSON.parse(fs.readFileSync(process.argv[1],'utf8'));const out=process.argv[2];for(const [f,t] of Object.entries(files)){const d=p.join(out,f);fs.mkdirSync(p.dirname(d),{recursive:true});fs.writeFileSync(d,t)}`;
record('floor: bare node writing the same files', time(() => execFileSync('node', ['-e', writer, payload, join(dir, 'repo')]), () => (dir = scratch())));

const upgraded = join(scratch(), 'repo');
cli([upgraded, '--yes']);
record('no-op re-run', time(() => cli([upgraded])));

const edited = join(scratch(), 'repo');
cli([edited, '--yes']);
const editable = files.filter((f) => f.endsWith('.yaml') && f.includes('/')).slice(0, 20);
const git = (...args: string[]) => execFileSync('git', args, { cwd: edited, stdio: 'ignore' });
record(
  're-run with 20 user edits (answers changed)',
  time(
    () => cli([edited, '--allow-dirty', '--no-git', '--set', 'slack.channel=bench']),
    () => {
      git('reset', '-q', '--hard');
      git('clean', '-qfd');
      for (const f of editable) writeFileSync(join(edited, f), `${readFileSync(join(edited, f), 'utf8')}# user edit\n`);
    },
  ),
);

record('validate (full repository)', time(() => cli(['validate', reference])));

for (const n of [1, 5, 20]) {
  record(
    `fleet: ${n} cluster(s) added by re-runs`,
    time(
      () => {
        for (let i = 1; i <= n; i++) cli([join(dir, 'repo'), '--cluster', `c${i}`, '--yes', '--no-git', '--allow-dirty']);
      },
      () => {
        dir = scratch();
        cli([join(dir, 'repo'), '--yes', '--no-git']);
      },
    ),
  );
}

const m = (k: string) => median(results.get(k)!);
console.log('\nratios (median):');
console.log(`  full generation / floor          ${(m('generate --yes --no-git (full platform)') / m('floor: bare node writing the same files')).toFixed(2)} (target ≤ 2.0)`);
console.log(`  no-op re-run / full generation   ${(m('no-op re-run') / m('generate --yes --no-git (full platform)')).toFixed(2)} (target ≤ 1.5)`);
console.log(`  --version / node -e ""           ${(m('--version') / m('node -e "" (process floor)')).toFixed(2)} (target ≤ 2.0)`);
console.log(`  20 clusters / 1 cluster          ${(m('fleet: 20 cluster(s) added by re-runs') / m('fleet: 1 cluster(s) added by re-runs')).toFixed(2)} (target ≤ 5; each re-run is one process)`);
console.log(`  validate                         ${m('validate (full repository)').toFixed(0)} ms (target ≤ 2000)`);
rmSync(join(tmpdir(), 'piksel-bench-x'), { recursive: true, force: true });
