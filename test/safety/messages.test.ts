import { mkdir, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli.js';
import { validateRepository } from '../../src/validate/index.js';
import { listTree, tempDir } from '../support/cli.js';
import { generated, isolateStateDir } from './support.js';

beforeAll(isolateStateDir);
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.DEBUG;
});

/** The CLI in-process, as a user would run it without a terminal: exit code and what it printed. */
async function cli(args: string[]): Promise<{ exitCode: number; stderr: string; stdout: string }> {
  const err: string[] = [];
  const out: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  try {
    const exitCode = await main(args);
    return { exitCode, stderr: err.join(''), stdout: out.join('') };
  } finally {
    vi.mocked(process.stderr.write).mockRestore();
    vi.mocked(process.stdout.write).mockRestore();
  }
}

/** Every file under dir with its bytes (.git excluded), for "nothing written". */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const paths = (await listTree(dir)).filter((p) => !p.startsWith('.git'));
  return Object.fromEntries(await Promise.all(paths.map(async (p) => [p, await readFile(join(dir, p), 'utf8').catch(() => '<dir>')] as const)));
}

const ALIAS_BOMB = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghi'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`)].join('\n') + '\n';

interface Case {
  readonly name: string;
  /** Prepares the situation in a scratch folder; returns the CLI arguments. */
  readonly setup: (scratch: string) => Promise<string[]>;
  readonly exitCode: number;
  readonly line: RegExp;
}

/** A generated repository whose stored state is then damaged by `damage`. */
const damagedRepository = (damage: (dir: string) => Promise<void>, extra: string[] = []) => async (scratch: string) => {
  const dir = await generated();
  await rm(scratch, { recursive: true });
  await symlink(dir, scratch); // the snapshot of "scratch" is the repository
  await damage(dir);
  return [dir, '--yes', '--allow-dirty', ...extra];
};

const CASES: readonly Case[] = [
  {
    name: 'stored answers with a YAML error',
    setup: damagedRepository((dir) => writeFile(join(dir, 'piksel-answers.yaml'), 'gpu: [unclosed\n')),
    exitCode: 2,
    line: /piksel-answers\.yaml: not valid YAML or JSON: .*line \d+/,
  },
  {
    name: 'stored answers with a duplicate key',
    setup: damagedRepository((dir) => writeFile(join(dir, 'piksel-answers.yaml'), 'gpu:\n  enabled: true\ngpu:\n  enabled: false\n')),
    exitCode: 2,
    line: /piksel-answers\.yaml: not valid YAML or JSON: Map keys must be unique at line 3/,
  },
  {
    name: 'stored answers that are an alias bomb',
    setup: damagedRepository((dir) => writeFile(join(dir, 'piksel-answers.yaml'), ALIAS_BOMB)),
    exitCode: 2,
    line: /piksel-answers\.yaml: too many YAML aliases/,
  },
  {
    name: 'bootstrap with damaged stored answers',
    setup: async (scratch) => (await damagedRepository((dir) => writeFile(join(dir, 'piksel-answers.yaml'), 'a: 1\na: 2\n'))(scratch)).slice(0, 1).flatMap((d) => ['bootstrap', d, '--yes']),
    exitCode: 2,
    line: /piksel-answers\.yaml: not valid YAML or JSON: Map keys must be unique at line 2/,
  },
  {
    name: '.piksel/base.yaml that is garbage',
    setup: damagedRepository((dir) => writeFile(join(dir, '.piksel/base.yaml'), 'format: [\n'), ['--set', 'gpu.enabled=false']),
    exitCode: 2,
    line: /^✖ \.piksel\/base\.yaml is damaged: .*line \d+.*git checkout -- \.piksel\/base\.yaml/,
  },
  {
    name: '.piksel/base.yaml with non-string values',
    setup: damagedRepository((dir) => writeFile(join(dir, '.piksel/base.yaml'), 'format: 1\nfiles:\n  README.md: 3\n'), ['--set', 'gpu.enabled=false']),
    exitCode: 2,
    line: /^✖ \.piksel\/base\.yaml is damaged: files\.README\.md is not a path and its text/,
  },
  {
    name: '.piksel/base.yaml that is a folder',
    setup: damagedRepository(async (dir) => {
      await rm(join(dir, '.piksel/base.yaml'));
      await mkdir(join(dir, '.piksel/base.yaml'));
    }, ['--set', 'gpu.enabled=false']),
    exitCode: 2,
    line: /^✖ \.piksel\/base\.yaml is damaged: is not a regular file \(a folder\): restore it/,
  },
  {
    name: '--answers file that is an alias bomb',
    setup: async (scratch) => {
      await writeFile(join(scratch, 'answers.yaml'), ALIAS_BOMB);
      return [join(scratch, 'repo'), '--answers', join(scratch, 'answers.yaml')];
    },
    exitCode: 2,
    line: /--answers .*answers\.yaml: too many YAML aliases/,
  },
  {
    name: 'target that is a dangling symbolic link',
    setup: async (scratch) => {
      await symlink(join(scratch, 'nowhere'), join(scratch, 'repo'));
      return [join(scratch, 'repo'), '--yes'];
    },
    exitCode: 2,
    line: /repo is a symbolic link to .*nowhere, which does not exist: create that folder, or remove the link/,
  },
  {
    name: 'target that is a file, with --force',
    setup: async (scratch) => {
      await writeFile(join(scratch, 'repo'), 'a file\n');
      return [join(scratch, 'repo'), '--yes', '--force'];
    },
    exitCode: 2,
    line: /repo is a file, not a folder/,
  },
  {
    name: 'a parent the system does not let us write to',
    setup: async () => ['/sys/piksel-test/repo', '--yes', '--no-git'],
    exitCode: 2,
    // root meets EPERM there, other users EACCES; some systems mount it read-only.
    line: /^✖ cannot write \/sys\/piksel-test: (operation not permitted|permission denied|the file system is read-only): choose/,
  },
  { name: '--set into a single value', setup: async (s) => [join(s, 'repo'), '--yes', '--set', 'clusters.0.name.x=1'], exitCode: 2, line: /--set clusters\.0\.name\.x=1: clusters\.0\.name is a single value/ },
  { name: '--set hasOwnProperty.call=1', setup: async (s) => [join(s, 'repo'), '--yes', '--set', 'hasOwnProperty.call=1'], exitCode: 2, line: /hasOwnProperty: unknown answer/ },
  { name: '--set toString.call=1', setup: async (s) => [join(s, 'repo'), '--yes', '--set', 'toString.call=1'], exitCode: 2, line: /toString: unknown answer/ },
  { name: '--set valueOf.x=1', setup: async (s) => [join(s, 'repo'), '--yes', '--set', 'valueOf.x=1'], exitCode: 2, line: /valueOf: unknown answer/ },
  {
    name: 'answers file with a top-level __proto__',
    setup: async (scratch) => {
      await writeFile(join(scratch, 'answers.yaml'), '__proto__:\n  gpu: 1\n');
      return [join(scratch, 'repo'), '--answers', join(scratch, 'answers.yaml'), '--yes'];
    },
    exitCode: 2,
    line: /answers\.yaml: __proto__: unknown answer/,
  },
  // Wrong types name the expected type and echo the value; near misses get a suggestion.
  ...([
    ['gpu.enabled=yes', /gpu\.enabled: expected true or false, got 'yes'/],
    ['database.port=abc', /database\.port: expected a number, got 'abc'/],
    ['clusters.-1.domain=dev.example.org', /'-1' is not a position in the list clusters: use 0, 1/],
    ['gpu.enable=true', /gpu\.enable: unknown answer: did you mean gpu\.enabled\?/],
    ['components.apps=[jupyter]', /'jupyter' is not an app: did you mean jupyterhub\? use one of/],
    // Values git, Flux or Kubernetes would refuse later.
    ['repository.branch=.', /repository\.branch: '\.' is not valid: .*git branch name/],
    ['repository.branch=ops.', /repository\.branch: 'ops\.' is not valid/],
    ['repository.branch=a.lock/b', /repository\.branch: 'a\.lock\/b' is not valid/],
    ['clusters.0.intervals.apps=0s', /clusters\.0\.intervals\.apps: '0s' must be longer than 0/],
    ['clusters.0.intervals.apps=99999999999999h', /clusters\.0\.intervals\.apps: '99999999999999h' is longer than a Go duration can hold/],
    ['gpu.tolerations=[{key: a, operator: Exists, value: b}]', /gpu\.tolerations\.0\.value: a toleration with operator Exists matches any value/],
    ['gpu.tolerations=[{key: a, operator: Equal, value: "b\\nc"}]', /gpu\.tolerations\.0\.value: 'b\\nc' is not valid: use a Kubernetes label value/],
  ] as const).map(([set, line]): Case => ({ name: `--set ${set}`, setup: async (s) => [join(s, 'repo'), '--yes', '--set', set], exitCode: 2, line })),
  { name: 'a mistyped flag', setup: async (s) => [join(s, 'repo'), '--yess'], exitCode: 2, line: /unknown option --yess: did you mean --yes\? see --help/ },
];

describe('messages: one clear line, the right exit code, nothing written, never a stack trace', () => {
  it.each(CASES)('$name', async ({ setup, exitCode, line }) => {
    const scratch = await tempDir();
    const args = await setup(scratch);
    const before = await snapshot(scratch);
    const run = await cli(args);
    expect(run.exitCode, run.stderr).toBe(exitCode);
    const lines = run.stderr.trimEnd().split('\n').filter((l) => !l.startsWith('⚠'));
    expect(lines[0]).toMatch(line);
    expect(lines[0]).toMatch(/^✖ /);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(await snapshot(scratch)).toEqual(before);
  });

  it('an unexpected error is one "internal error … please report" line, exit 1; DEBUG adds the stack', async () => {
    const boom = () => {
      throw new TypeError('boom');
    };
    vi.spyOn(process, 'cwd').mockImplementation(boom);
    const quiet = await cli(['relative-folder', '--yes']);
    expect(quiet.exitCode).toBe(1);
    expect(quiet.stderr).toMatch(/^✖ internal error: boom: please report it at https:\/\/github\.com\/piksel-ina\/create-piksel-gitops\/issues \(DEBUG=1 shows the details\)\n$/);
    process.env.DEBUG = '1';
    const debug = await cli(['relative-folder', '--yes']);
    expect(debug.stderr).toMatch(/TypeError: boom\n\s+at /);
  });

  it('the loser of two concurrent creates is told, exit 2, and the winner’s repository is untouched', async () => {
    const parent = await tempDir();
    const target = join(parent, 'repo');
    const { createCommand } = await import('../../src/commands/create.js');
    const { parseCliArgs } = await import('../../src/cli/args.js');
    const { runProcess } = await import('../../src/process.js');
    const quiet = { info: () => undefined, detail: () => undefined, success: () => undefined, warn: () => undefined };
    // The other run's repository appears while this one validates its staged tree.
    const checkStaged = async () => {
      await mkdir(target);
      await writeFile(join(target, 'winner.txt'), 'first\n');
    };
    await expect(createCommand(parseCliArgs([target, '--yes']), { run: runProcess, reporter: quiet, checkStaged })).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringMatching(/appeared while this run was writing .*nothing written/),
    });
    expect(await readdir(target)).toEqual(['winner.txt']);
    expect(await readdir(parent)).toEqual(['repo']);
  });
});

describe('validate: what it is given, and what it reports', () => {
  const FLUX_KUSTOMIZATION = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n';
  async function folder(files: Record<string, string>): Promise<string> {
    const dir = await tempDir();
    for (const [path, text] of Object.entries(files)) {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }

  it.each([
    ['no clusters/ folder', { 'README.md': '# notes\n', 'app.yaml': 'a: 1\n' }, /not a Flux repository: it has no clusters\/ folder/],
    ['no Flux object', { 'clusters/dev/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n' }, /not a Flux repository: no file holds a Flux object/],
  ])('a folder that is not a Flux repository (%s): exit 2, said so; --json still prints a report', async (_name, files, line) => {
    const dir = await folder(files);
    const run = await cli(['validate', dir]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(line);
    const json = await cli(['validate', dir, '--json']);
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, exitCode: 2, error: expect.stringMatching(line) });
  });

  it('--json prints a report for bad input to create too (exit 2)', async () => {
    const run = await cli([join(await tempDir(), 'repo'), '--yes', '--json', '--set', 'gpu.enabled=yes']);
    expect(run.exitCode).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, exitCode: 2, error: expect.stringMatching(/gpu\.enabled: expected true or false/) });
  });

  it('resources that leave the repository are errors', async () => {
    const dir = await folder({
      'clusters/dev/apps.yaml': FLUX_KUSTOMIZATION,
      'apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../outside.yaml\n  - /etc/hostname\n',
    });
    const report = await validateRepository(dir);
    expect(report.findings.filter((f) => /leaves the repository/.test(f.message)).map((f) => [f.severity, f.file, f.line, f.message])).toEqual([
      ['error', 'apps/kustomization.yaml', 4, "resources entry '../../outside.yaml' leaves the repository"],
      ['error', 'apps/kustomization.yaml', 5, "resources entry '/etc/hostname' leaves the repository"],
    ]);
  });

  it('a conflict marker is reported alone, without the YAML errors it causes', async () => {
    const dir = await folder({
      'clusters/dev/apps.yaml': FLUX_KUSTOMIZATION,
      'apps/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - cm.yaml\n',
      'apps/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n<<<<<<< yours\n  a: "1"\n=======\n  a: "2"\n>>>>>>> theirs\n',
    });
    const report = await validateRepository(dir);
    expect(report.findings.filter((f) => f.file === 'apps/cm.yaml').map((f) => f.message)).toEqual(['unresolved merge conflict: the file still has conflict markers']);
  });
});
