import { execa } from 'execa';
import { mkdir, readdir, readFile, rm, stat, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { ensureOrigin, type GitSession } from '../../src/bootstrap/remote.js';
import { chooseCluster } from '../../src/commands/bootstrap.js';
import type { CreateDeps } from '../../src/commands/create.js';
import { runProcess } from '../../src/process.js';
import { listTree, tempDir } from '../support/cli.js';
import { runMain } from '../support/main.js';
import { create, generated, git, GIT_ENV, isolateStateDir } from './support.js';

beforeAll(isolateStateDir);

describe('stored state is checked before it is used', () => {
  it('a base that lists a file of the user’s never leads to deleting it', async () => {
    const dir = await generated();
    await writeFile(join(dir, 'secret.txt'), 'mine\n');
    const base = await readFile(join(dir, '.piksel/base.yaml'), 'utf8');
    await writeFile(join(dir, '.piksel/base.yaml'), base.replace('files:\n', 'files:\n  secret.txt: |\n    mine\n'));
    await git(dir, 'add', '-A');
    await git(dir, 'commit', '-qm', 'notes');
    await create([dir, '--yes', '--set', 'gpu.enabled=false']);
    expect(await readFile(join(dir, 'secret.txt'), 'utf8')).toBe('mine\n');
    expect(await git(dir, 'status', '--porcelain')).toBe('');
  });

  it('an upgrade on a detached HEAD is refused (exit 2) unless --allow-detached', async () => {
    const dir = await generated();
    await git(dir, 'checkout', '-q', '--detach');
    const head = await git(dir, 'rev-parse', 'HEAD');
    await expect(create([dir, '--yes', '--set', 'gpu.enabled=false'])).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringMatching(/is on a detached HEAD: .*check out a branch first .*--allow-detached/),
    });
    expect(await git(dir, 'rev-parse', 'HEAD')).toBe(head);
    await create([dir, '--yes', '--set', 'gpu.enabled=false', '--allow-detached']);
    expect(await git(dir, 'rev-parse', 'HEAD')).not.toBe(head);
  });

  it('gitignored files (.env, *.agekey) are never copied into a validation folder', async () => {
    const dir = await generated();
    await writeFile(join(dir, '.env'), 'SLACK_WEBHOOK_URL=https://hooks.example.org/secret\n');
    await writeFile(join(dir, 'age.agekey'), 'AGE-SECRET-KEY-1\n');
    const seen: string[] = [];
    // The check is handed the tree and writes what it reads: here, everything it could.
    const checkStaged: CreateDeps['checkStaged'] = async (staged, written, _signal, writeOnDemand) => {
      await writeOnDemand?.();
      seen.push(...(await readdir(staged, { recursive: true })), ...(written?.keys() ?? []));
    };
    await create([dir, '--yes', '--set', 'gpu.enabled=false'], { checkStaged });
    expect(seen).toContain('piksel-answers.yaml');
    expect(seen.filter((p) => p.endsWith('.env') || p.endsWith('.agekey'))).toEqual([]);
  });

  it('a token in an existing origin URL is masked in the origin bootstrap shows and reports (run.ts prints only this form)', async () => {
    const dir = await generated();
    await git(dir, 'remote', 'add', 'origin', 'https://x-access-token:ghp_tokenvalue@github.com/piksel-ina/piksel-gitops.git');
    const session: GitSession = { run: runProcess, dir, remoteEnv: GIT_ENV, redact: (t) => t };
    const origin = await ensureOrigin(session, 'https://github.com/piksel-ina/piksel-gitops.git');
    expect(origin).toEqual({ url: 'https://x-access-token:***@github.com/piksel-ina/piksel-gitops.git', added: false, differs: false });
  });

  it('hints that repeat what the person typed quote it for the shell', () => {
    const answers = parseAnswers({});
    expect(() => chooseCluster(answers, "prod; rm -rf ~")).toThrow("add it first with `npx create-piksel-gitops . --cluster 'prod; rm -rf ~'`");
  });
});

/** Sparse: the size is real, the disk and the test's time are not spent. */
const sparse = async (path: string, bytes: number) => {
  await writeFile(path, '');
  await truncate(path, bytes);
};
const mkfifo = (path: string) => execa('sh', ['-c', 'mkfifo "$1"', 'sh', path]);
const MB700 = 700 * 1024 * 1024;

describe('files the project reader must not read whole', { timeout: 30_000 }, () => {
  it('a 700 MB file of the user’s is left as it is, unread; the upgrade goes on', async () => {
    const dir = await generated();
    await mkdir(join(dir, 'data'));
    await sparse(join(dir, 'data/cube.bin'), MB700);
    const { summary } = await create([dir, '--yes', '--allow-dirty', '--set', 'gpu.enabled=false']);
    expect(summary.mode).toBe('upgrade');
    expect((await stat(join(dir, 'data/cube.bin'))).size).toBe(MB700);
  });

  it('a 700 MB file where the tool writes one is refused in one line naming it (exit 2), nothing written', async () => {
    const dir = await generated();
    await sparse(join(dir, 'README.md'), MB700);
    const head = await git(dir, 'rev-parse', 'HEAD');
    await expect(create([dir, '--yes', '--allow-dirty', '--set', 'gpu.enabled=false'])).rejects.toMatchObject({
      kind: 'input',
      message: expect.stringMatching(/^README\.md is 700 MB, more than the \d+ MB this tool reads: .*git checkout -- README\.md/),
    });
    expect(await git(dir, 'rev-parse', 'HEAD')).toBe(head);
  });

  it('a FIFO, a symbolic link to /dev/zero or a 700 MB file as the merge base is refused at once (exit 2)', async () => {
    for (const make of [mkfifo, (p: string) => symlink('/dev/zero', p), (p: string) => sparse(p, MB700)]) {
      const dir = await generated();
      await rm(join(dir, '.piksel/base.yaml'));
      await make(join(dir, '.piksel/base.yaml'));
      await expect(create([dir, '--yes', '--allow-dirty', '--set', 'gpu.enabled=false'])).rejects.toMatchObject({
        kind: 'input',
        message: expect.stringMatching(/^\.piksel\/base\.yaml is damaged: .*(not a regular file|symbolic link|MB).*git checkout -- \.piksel\/base\.yaml/),
      });
    }
  });

  it('a stored answers file that is a FIFO, a link out of the repository or 700 MB is refused (exit 2)', async () => {
    for (const make of [mkfifo, (p: string) => symlink('/dev/zero', p), (p: string) => sparse(p, MB700)]) {
      const dir = await generated();
      await rm(join(dir, 'piksel-answers.yaml'));
      await make(join(dir, 'piksel-answers.yaml'));
      await expect(create([dir, '--yes', '--allow-dirty'])).rejects.toMatchObject({
        kind: 'input',
        message: expect.stringMatching(/piksel-answers\.yaml .*(not a regular file|symbolic link|MB).*restore it from git/),
      });
    }
  });

  it('--answers naming a FIFO or /dev/zero is refused in one line (exit 2), nothing written', async () => {
    const parent = await tempDir();
    await mkfifo(join(parent, 'answers.yaml'));
    for (const file of [join(parent, 'answers.yaml'), '/dev/zero']) {
      const run = await runMain([join(parent, 'repo'), '--yes', '--answers', file]);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^✖ --answers ${file}: not a regular file .*: save the answers to a file and pass its path\\n$`));
    }
    await sparse(join(parent, 'large.yaml'), MB700);
    const large = await runMain([join(parent, 'repo'), '--yes', '--answers', join(parent, 'large.yaml')]);
    expect(large.exitCode).toBe(2);
    expect(large.stderr).toMatch(/^✖ --answers \S+large\.yaml: 700 MB, more than the \d+ MB this tool reads: answers take a few KB: check the path\n$/);
    expect(await listTree(parent)).toEqual(['answers.yaml', 'large.yaml']);
  });
});
