import { describe, expect, it } from 'vitest';
import { listTree, runCli, tempDir } from './support/cli.js';
import { runMain } from './support/main.js';
import { join } from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';

/** Each case: CLI arguments, and the words the one-line error must contain (the field and the fix). */
const CASES: readonly { name: string; args: string[]; expect: RegExp[] }[] = [
  { name: 'cluster name with capitals', args: ['--set', 'clusters.0.name=Dev_1'], expect: [/clusters\.0\.name/, /lowercase/] },
  { name: 'cluster name with a path trick', args: ['--set', 'clusters.0.name=../../etc'], expect: [/clusters\.0\.name/, /lowercase/] },
  { name: 'cluster name too long', args: ['--set', `clusters.0.name=${'a'.repeat(64)}`], expect: [/clusters\.0\.name/, /1-63/] },
  { name: 'domain without a dot', args: ['--set', 'clusters.0.domain=localhost'], expect: [/clusters\.0\.domain/, /DNS name/] },
  { name: 'domain with a scheme', args: ['--set', 'clusters.0.domain=https://dev.example.org'], expect: [/clusters\.0\.domain/] },
  { name: 'email', args: ['--set', 'certManager.email=not-an-email'], expect: [/certManager\.email/, /e-mail/] },
  { name: 'interval in days', args: ['--set', 'clusters.0.intervals.apps=1d'], expect: [/clusters\.0\.intervals\.apps/, /Go duration/] },
  { name: 'interval not a duration', args: ['--set', 'clusters.0.intervals.controllers=soon'], expect: [/intervals\.controllers/, /Go duration/] },
  { name: 'port out of range', args: ['--set', 'database.port=70000'], expect: [/database\.port/, /whole number from 1 to 65535/] },
  { name: 'port zero', args: ['--set', 'database.port=0'], expect: [/^✖ invalid answers: database\.port: 0 is not a port: use a whole number from 1 to 65535$/] },
  { name: 'GPU time slicing zero', args: ['--set', 'gpu.timeSlicing=0'], expect: [/^✖ invalid answers: gpu\.timeSlicing: 0 is not .*: use a whole number from 1 to 48$/] },
  { name: 'GPU time slicing too many', args: ['--set', 'gpu.timeSlicing=100'], expect: [/gpu\.timeSlicing: 100 is not .*from 1 to 48/] },
  { name: 'cloud profile', args: ['--set', 'clusters.0.cloud=gcp'], expect: [/^✖ invalid answers: clusters\.0\.cloud: 'gcp' is not valid: use one of generic, aws$/] },
  { name: 'toleration effect', args: ['--set', 'gpu.tolerations=[{key: a, effect: Never}]'], expect: [/^✖ invalid answers: gpu\.tolerations\.0\.effect: 'Never' is not valid: use one of NoSchedule, /] },
  { name: 'labels given as a list', args: ['--set', 'gpu.nodeSelector=[a]'], expect: [/gpu\.nodeSelector: expected key: value pairs/] },
  { name: 'a cluster flag that is no DNS label', args: ['--cluster', 'Staging2'], expect: [/^✖ --cluster Staging2: not a valid cluster name: use 1-63 lowercase letters/] },
  { name: 'provider', args: ['--set', 'repository.provider=svn'], expect: [/repository\.provider/, /github/] },
  { name: 'branch with ..', args: ['--set', 'repository.branch=main..x'], expect: [/repository\.branch/, /branch name/] },
  { name: 'severity', args: ['--set', 'slack.severity=warning'], expect: [/slack\.severity/, /info/] },
  { name: 'unknown key', args: ['--set', 'gpu.count=2'], expect: [/gpu\.count/, /unknown answer/] },
  { name: 'unknown top-level key', args: ['--set', 'colour=blue'], expect: [/colour/, /unknown answer/] },
  { name: 'unknown app', args: ['--set', 'components.apps=[argo, grafana]'], expect: [/components\.apps/, /one of/] },
  { name: 'duplicate cluster names', args: ['--set', 'clusters.1.name=development'], expect: [/clusters\.1\.name/, /own name/] },
  { name: 'plain git without a URL', args: ['--set', 'repository.provider=git'], expect: [/repository\.url/, /required/] },
  { name: 'bitbucket-server without a hostname', args: ['--set', 'repository.provider=bitbucket-server'], expect: [/repository\.hostname/] },
  { name: 'git URL with credentials', args: ['--set', 'repository.provider=git', '--set', 'repository.url=https://user:pw@git.example.org/p.git'], expect: [/repository\.url/] },
  { name: 'GPU node label key with a space', args: ['--set', 'gpu.nodeSelector={bad key: x}'], expect: [/gpu\.nodeSelector/, /label key/] },
  { name: 'malformed --set', args: ['--set', 'gpu.enabled'], expect: [/--set gpu\.enabled/, /key=value/] },
  { name: 'unknown option', args: ['--colour'], expect: [/--colour/, /--help/] },
  { name: 'a templates folder that does not exist', args: ['--templates', '/nonexistent/piksel-templates'], expect: [/--templates \/nonexistent\/piksel-templates/, /no such folder/] },
];

describe('bad input: exit 2, one line naming the field and the fix, nothing written', () => {
  // main() in this process; the answers-file and no-terminal cases below run the built CLI.
  it.each(CASES)('$name', async ({ args, expect: patterns }) => {
    const parent = await tempDir();
    const target = join(parent, 'repo');
    const run = await runMain([target, '--yes', ...args]);
    expect(run.exitCode).toBe(2);
    const firstLine = run.stderr.split('\n')[0]!;
    for (const pattern of patterns) expect(firstLine).toMatch(pattern);
    expect(await listTree(parent)).toEqual([]);
  });

  it('an answers file with an unknown key is refused the same way', async () => {
    const parent = await tempDir();
    const file = join(parent, 'answers.yaml');
    await writeFile(file, 'slack:\n  enabled: true\n  webhook: https://example.org/x\n');
    const run = await runCli([join(parent, 'repo'), '--answers', file]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/slack\.webhook: unknown answer/);
    expect(await listTree(parent)).toEqual(['answers.yaml']);
  });

  it('an answers file that is not YAML is refused', async () => {
    const parent = await tempDir();
    const file = join(parent, 'answers.yaml');
    await writeFile(file, 'slack: [unclosed\n');
    const run = await runCli([join(parent, 'repo'), '--answers', file]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/--answers .*not valid YAML/);
    expect(await listTree(parent)).toEqual(['answers.yaml']);
  });

  it('without a terminal and without --yes, missing answers are named', async () => {
    const parent = await tempDir();
    const run = await runCli([join(parent, 'repo')]);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/missing answers: repository\.owner, clusters\.0\.domain, certManager\.email, database\.host/);
    expect(await listTree(parent)).toEqual([]);
  });

  it('without a terminal, a plain git server needs its URL, not an owner', async () => {
    const parent = await tempDir();
    const run = await runMain([join(parent, 'repo'), '--set', 'repository.provider=git', '--set', 'repository.url=ssh://git@git.example.org/geo/gitops.git']);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/^✖ missing answers: clusters\.0\.domain, certManager\.email, database\.host:/);
    expect(await listTree(parent)).toEqual([]);
  });
});

describe('a mistyped command is not a new repository', () => {
  const inFolder = async <T>(dir: string, work: () => Promise<T>): Promise<T> => {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      return await work();
    } finally {
      process.chdir(cwd);
    }
  };

  it.each([
    ['valdiate', 'validate'],
    ['bootsrap', 'bootstrap'],
    ['secret', 'secrets'],
    ['hlep', 'help'],
    ['stauts', 'status'],
  ])('%s: did you mean %s?, exit 2, nothing written', async (typed, meant) => {
    const parent = await tempDir();
    const run = await inFolder(parent, () => runMain([typed, '--yes']));
    expect(run.exitCode).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(`✖ '${typed}' is not a command: did you mean ${meant}? (to create a repository in a folder of that name, write ./${typed})`);
    expect(await listTree(parent)).toEqual([]);
  });

  it('a folder of that name that exists, or a path, is a folder', async () => {
    const parent = await tempDir();
    await mkdir(join(parent, 'valdiate'));
    const existing = await inFolder(parent, () => runMain(['valdiate', '--yes', '--dry-run', '--no-git']));
    expect(existing.exitCode, existing.stderr).toBe(0);
    const path = await inFolder(parent, () => runMain(['./secret', '--yes', '--dry-run', '--no-git']));
    expect(path.exitCode, path.stderr).toBe(0);
    const unrelated = await inFolder(parent, () => runMain(['geo-gitops', '--yes', '--dry-run', '--no-git']));
    expect(unrelated.exitCode, unrelated.stderr).toBe(0);
  });
});
