import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { ensureOrigin, type GitSession } from '../../src/bootstrap/remote.js';
import { chooseCluster } from '../../src/commands/bootstrap.js';
import type { CreateDeps } from '../../src/commands/create.js';
import { runProcess } from '../../src/process.js';
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
