import { chmod, chown, cp, mkdir, readdir, readFile, readlink, realpath, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { parseAnswers } from '../../src/answers/load.js';
import { gitCredentialEnv, pushBranch, type GitSession } from '../../src/bootstrap/remote.js';
import { runProcess } from '../../src/process.js';
import { resetSealKey, seal } from '../../src/repository/seal.js';
import { STAGING_PREFIX } from '../../src/repository/write.js';
import { validateRepository } from '../../src/validate/index.js';
import { tempDir } from '../support/cli.js';
import { create, generated, git, GIT_ENV, isolateStateDir } from './support.js';

beforeAll(isolateStateDir);

/** Every file under dir with its text. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, await readFile(f, 'utf8')] as const)));
}

describe('a repository that carries hostile content', () => {
  it('a staging record committed to git is never replayed in a clone (nothing written or deleted outside)', async () => {
    const origin = await generated();
    const sandbox = join(origin, '..');
    // The attacker commits a record that moves a file out of the repository and deletes another.
    const staging = `${STAGING_PREFIX}evil`;
    await mkdir(join(origin, staging, 'files'), { recursive: true });
    await writeFile(join(origin, 'victim'), 'planted\n');
    await writeFile(join(origin, staging, 'journal.json'), JSON.stringify({ writes: ['../../victim'], deletes: ['../../keep'] }));
    await git(origin, 'add', '-f', 'victim', staging);
    await git(origin, 'commit', '-qm', 'innocent');
    const clone = join(await tempDir(), 'a', 'b', 'clone');
    await git(sandbox, 'clone', '-q', origin, clone);
    const outside = join(clone, '..', '..');
    await writeFile(join(outside, 'keep'), 'mine\n');

    const { lines } = await create([clone, '--yes', '--set', 'gpu.enabled=false']);

    expect(await readFile(join(outside, 'keep'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(outside, 'victim'))).toBe(false);
    expect(lines.join('\n')).toMatch(new RegExp(`ignored ${staging}: not left by an interrupted run`));
    expect(await git(clone, 'log', '-1', '--format=%s')).toMatch(/create-piksel-gitops/);
  });

  it('a sealed-looking record with paths leaving the repository is not acted on', async () => {
    const dir = await generated();
    const staging = `${STAGING_PREFIX}copied`;
    const victim = join(await tempDir(), 'keep');
    await writeFile(victim, 'mine\n');
    await mkdir(join(dir, staging, 'files'), { recursive: true });
    await writeFile(join(dir, staging, 'journal.json'), JSON.stringify({ format: 2, state: 'applying', pid: 1, host: 'x', writes: [], deletes: [victim], seal: 'a'.repeat(64) }));
    const { lines } = await create([dir, '--yes']);
    expect(lines.join('\n')).toMatch(/ignored .*copied/);
    expect(await readFile(victim, 'utf8')).toBe('mine\n');
    expect(existsSync(join(dir, staging, 'journal.json'))).toBe(true); // not ours: left for the person
  });

  for (const link of ['apps', '.piksel']) {
    it(`refuses (exit 2, nothing written outside) to write through ${link} -> a folder outside the repository`, async () => {
      const dir = await generated();
      const elsewhere = await tempDir('piksel-elsewhere-');
      // The folder's content lives elsewhere now; the repository keeps a link to it.
      await cp(join(dir, link), elsewhere, { recursive: true });
      await rm(join(dir, link), { recursive: true });
      await symlink(elsewhere, join(dir, link));
      await git(dir, 'add', '-A');
      await git(dir, 'commit', '-qm', 'link');
      const before = (await readlink(join(dir, link))).toString();
      const outsideBefore = await snapshot(elsewhere);
      await expect(create([dir, '--yes', '--restore-deleted', '--set', 'gpu.enabled=false'])).rejects.toMatchObject({
        kind: 'input',
        message: expect.stringMatching(new RegExp(`^${link.replace('.', '\\.')} is a symbolic link to .*outside the repository: refusing`)),
      });
      expect(await readlink(join(dir, link))).toBe(before);
      expect(await snapshot(elsewhere)).toEqual(outsideBefore);
    });
  }
});

describe('bootstrap against a hostile or mistaken remote', () => {
  const session = (dir: string): GitSession => ({ run: runProcess, dir, remoteEnv: GIT_ENV, redact: (t) => t });

  /** A local repository with one commit, and a bare origin whose main holds `seed` commits first. */
  async function withOrigin(seed: (work: string) => Promise<void>) {
    const root = await tempDir();
    const origin = join(root, 'origin.git');
    const other = join(root, 'other');
    const dir = join(root, 'repo');
    await git(root, 'init', '-q', '--bare', '-b', 'main', origin);
    await git(root, 'clone', '-q', origin, other);
    await seed(other);
    await git(other, 'push', '-q', 'origin', 'HEAD:main');
    await mkdir(dir);
    await git(dir, 'init', '-q', '-b', 'main');
    await writeFile(join(dir, 'README.md'), '# ours\n');
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'Generate piksel-gitops');
    await git(dir, 'remote', 'add', 'origin', origin);
    return { dir, origin };
  }

  it('a rejected push onto an unrelated project stops (exit 1) instead of rebasing onto it', async () => {
    const { dir, origin } = await withOrigin(async (work) => {
      await writeFile(join(work, 'main.go'), 'package main\n');
      await git(work, 'add', '-A');
      await git(work, 'commit', '-qm', 'someone else’s project');
    });
    const before = await git(dir, 'rev-parse', 'HEAD');
    await expect(pushBranch(session(dir), 'main')).rejects.toMatchObject({
      kind: 'step',
      message: expect.stringMatching(/^origin\/main holds 1 commit\(s\) that are neither this repository's nor Flux's bootstrap commits: not rebasing/),
    });
    expect(await git(dir, 'rev-parse', 'HEAD')).toBe(before);
    expect(await git(origin, 'log', '-1', '--format=%s', 'main')).toBe('someone else’s project');
  });

  it('only Flux’s own bootstrap commits on the remote: rebased and pushed', async () => {
    const { dir, origin } = await withOrigin(async (work) => {
      await mkdir(join(work, 'clusters', 'dev', 'flux-system'), { recursive: true });
      await writeFile(join(work, 'clusters', 'dev', 'flux-system', 'gotk-sync.yaml'), 'kind: Kustomization\n');
      await git(work, 'add', '-A');
      await execa('git', ['commit', '-qm', 'Add Flux sync manifests'], { cwd: work, env: { ...GIT_ENV, GIT_AUTHOR_NAME: 'Flux' } });
    });
    expect(await pushBranch(session(dir), 'main')).toMatchObject({ outcome: 'pushed' });
    expect(await git(origin, 'log', '--format=%s', 'main')).toBe('Generate piksel-gitops\nAdd Flux sync manifests');
  });

  it('the token never reaches a credential helper the user configured (credential.helper=store)', async () => {
    const home = await tempDir('piksel-home-');
    await writeFile(join(home, '.gitconfig'), '[credential]\n\thelper = store\n');
    const token = 'ghp_supersecret';
    const base = { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), GITHUB_TOKEN: token, GIT_TERMINAL_PROMPT: '0' };
    const env = { ...base, ...gitCredentialEnv(parseAnswers({}).repository, 'GITHUB_TOKEN', base) };
    const filled = await execa('git', ['credential', 'fill'], { env, input: 'protocol=https\nhost=github.com\n\n' });
    expect(filled.stdout).toContain(`password=${token}`);
    // What git does after a push the server accepted: hand the credential to every helper to keep.
    await execa('git', ['credential', 'approve'], { env, input: `${filled.stdout}\n\n` });
    expect(existsSync(join(home, '.git-credentials'))).toBe(false);
  });
});

describe('target folders', () => {
  it('creating into an existing empty folder (`.`) writes into it, never replaces it', async () => {
    const dir = join(await tempDir(), 'here');
    await mkdir(dir);
    const before = await stat(dir);
    await create([dir, '--yes']);
    const after = await stat(dir);
    expect([after.ino, after.dev]).toEqual([before.ino, before.dev]);
    expect(await git(dir, 'log', '--format=%s')).toMatch(/^Generate here with /);
    expect(await readdir(dir)).toContain('piksel-answers.yaml');
  });

  it('a target that is a symbolic link to an empty folder is written into (the link stays)', async () => {
    const parent = await tempDir();
    await mkdir(join(parent, 'real'));
    await symlink(join(parent, 'real'), join(parent, 'repo'));
    await create([join(parent, 'repo'), '--yes']);
    expect((await readlink(join(parent, 'repo'))).toString()).toBe(join(parent, 'real'));
    expect(await readdir(join(parent, 'real'))).toContain('piksel-answers.yaml');
  });

  it('--force lists what it overwrites and commits only the files it wrote', async () => {
    const dir = join(await tempDir(), 'existing');
    await mkdir(dir);
    await writeFile(join(dir, 'README.md'), '# mine\n');
    await writeFile(join(dir, 'secret.txt'), 'hunter2\n');
    const { lines } = await create([dir, '--yes', '--force']);
    expect(lines).toContain(`⚠ --force overwrites 1 file(s) in ${dir}: README.md`);
    const tracked = (await git(dir, 'ls-files')).split('\n');
    expect(tracked).toContain('README.md');
    expect(tracked).not.toContain('secret.txt');
    expect(await git(dir, 'status', '--porcelain')).toBe('?? secret.txt');
  });
});

describe('nested repositories', () => {
  it('inside a generated repository, no folder argument upgrades that repository instead of nesting a new one', async () => {
    const dir = await generated();
    const cwd = process.cwd();
    process.chdir(join(dir, 'apps'));
    try {
      const { lines, summary } = await create(['--yes', '--set', 'gpu.enabled=false']);
      expect(lines[0]).toBe(`upgrading the repository at ${await realpath(dir)} (name a folder to create a new repository instead)`);
      expect(summary.mode).toBe('upgrade');
    } finally {
      process.chdir(cwd);
    }
    expect(existsSync(join(dir, 'apps', 'piksel-gitops'))).toBe(false);
    expect(existsSync(join(dir, 'piksel-gitops'))).toBe(false);
    expect(await git(dir, 'log', '-1', '--format=%s')).toMatch(/^Apply changed answers/);
  });

  it('warns before creating a repository inside another git work tree', async () => {
    const outer = await tempDir();
    await git(outer, 'init', '-q');
    const { lines } = await create([join(outer, 'inner'), '--yes', '--dry-run']);
    expect(lines).toContain(`⚠ ${join(outer, 'inner')} is inside the git repository ${await realpath(outer)}: the new repository will be nested in it (choose a folder outside it, unless that is what you want)`);
  });

  it('the answers file tells people to re-run in the repository itself (`.`), not to nest', async () => {
    const dir = await generated(['--no-git']);
    expect(await readFile(join(dir, 'piksel-answers.yaml'), 'utf8')).toContain('Re-run `npx create-piksel-gitops .` in this repository');
  });
});

describe('validate on a repository whose kustomizations include each other', () => {
  async function repoWith(files: Record<string, string>): Promise<string> {
    const dir = await tempDir();
    const all = {
      'clusters/dev/apps.yaml': 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./a\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
      ...files,
    };
    for (const [path, text] of Object.entries(all)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }
    return dir;
  }
  const kustomization = (...resources: string[]) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources.map((r) => `  - ${r}\n`).join('')}`;
  const withinSeconds = <T>(promise: Promise<T>, seconds: number) =>
    Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer after ${seconds}s (deadlock)`)), seconds * 1000))]);

  it('a → b → a is reported as a cycle (an error), not a hang', async () => {
    const dir = await repoWith({ 'a/kustomization.yaml': kustomization('../b'), 'b/kustomization.yaml': kustomization('../a') });
    const report = await withinSeconds(validateRepository(dir), 20);
    expect(report.ok).toBe(false);
    expect(report.findings.filter((f) => /cycle/.test(f.message)).map((f) => [f.file, f.message])).toEqual([['a/kustomization.yaml', 'kustomization include cycle: a → b → a']]);
  });

  it('a folder that lists itself is a cycle too', async () => {
    const dir = await repoWith({ 'a/kustomization.yaml': kustomization('.') });
    const report = await withinSeconds(validateRepository(dir), 20);
    expect(report.findings.map((f) => f.message)).toContain('kustomization include cycle: a → a');
  });
});

describe('the staging seal key is the user’s own', () => {
  const record = { writes: ['a'], deletes: [] };
  const context = { realPath: '/repo/.piksel-staging-x', dev: 1, ino: 2 };
  /** Two runs' seals of one record: equal when both read one stored key, different when each had a key of its own. */
  const twoRuns = async () => {
    resetSealKey();
    const first = await seal(record, context);
    resetSealKey();
    return [first, await seal(record, context)];
  };
  const saved = { state: process.env.XDG_STATE_HOME, tmp: process.env.TMPDIR };
  const restore = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
  afterEach(() => {
    restore('XDG_STATE_HOME', saved.state);
    restore('TMPDIR', saved.tmp);
    resetSealKey();
  });

  it('a key planted in a state folder others may write to, or owned by another user, is never used', async () => {
    const state = await tempDir('piksel-state-');
    process.env.XDG_STATE_HOME = state;
    await mkdir(join(state, 'create-piksel-gitops'), { recursive: true });
    await writeFile(join(state, 'create-piksel-gitops', 'staging.key'), Buffer.alloc(32, 7));
    await chmod(join(state, 'create-piksel-gitops'), 0o777);
    const [a, b] = await twoRuns();
    expect(a).not.toBe(b);
    if (process.getuid?.() === 0) {
      await chmod(join(state, 'create-piksel-gitops'), 0o700);
      await chown(join(state, 'create-piksel-gitops', 'staging.key'), 65534, 65534);
      const [c, d] = await twoRuns();
      expect(c).not.toBe(d);
    }
  });

  it('with no usable state folder, no key is read from (or left in) the shared temporary folder', async () => {
    const scratch = await tempDir('piksel-tmp-');
    await writeFile(join(scratch, 'not-a-folder'), '');
    process.env.XDG_STATE_HOME = join(scratch, 'not-a-folder');
    process.env.TMPDIR = scratch;
    const uid = String(process.getuid?.() ?? 'user');
    await mkdir(join(scratch, `create-piksel-gitops-${uid}`));
    await writeFile(join(scratch, `create-piksel-gitops-${uid}`, 'staging.key'), Buffer.alloc(32, 7));
    const [a, b] = await twoRuns();
    expect(a).not.toBe(b);
  });

  it('the user’s own state folder keeps one key across runs', async () => {
    process.env.XDG_STATE_HOME = await tempDir('piksel-state-');
    const [a, b] = await twoRuns();
    expect(a).toBe(b);
  });
});
