import { access, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { stepError } from '../errors.js';
import type { ProcessRunner, RunResult } from '../process.js';

/** Identity used only when the user has none configured, so the first commit never fails. */
const FALLBACK_IDENTITY = {
  GIT_AUTHOR_NAME: 'create-piksel-gitops',
  GIT_AUTHOR_EMAIL: 'create-piksel-gitops@users.noreply.local',
  GIT_COMMITTER_NAME: 'create-piksel-gitops',
  GIT_COMMITTER_EMAIL: 'create-piksel-gitops@users.noreply.local',
};

/** What a commit of this tool records; the message says it in one line. */
export type CommitKind =
  | { readonly kind: 'generate' }
  | { readonly kind: 'add-cluster'; readonly cluster: string }
  | { readonly kind: 'answers' }
  | { readonly kind: 'upgrade' };

/** The one place commit messages are written: create, upgrade and bootstrap all call it. */
export function commitMessage(what: CommitKind, repositoryName: string, version: string): string {
  switch (what.kind) {
    case 'generate':
      return `Generate ${repositoryName} with create-piksel-gitops ${version}`;
    case 'add-cluster':
      return `Add cluster ${what.cluster} with create-piksel-gitops ${version}`;
    case 'answers':
      return `Apply changed answers with create-piksel-gitops ${version}`;
    case 'upgrade':
      return `Upgrade ${repositoryName} to create-piksel-gitops ${version}`;
  }
}

export interface CommitOutcome {
  readonly committed: boolean;
  readonly initialised: boolean;
}

/**
 * `git init` when needed, then one commit (none when nothing changed): of `paths` when given (what
 * this tool wrote or deleted; anything else the user has there stays out), else of everything.
 */
export async function commitAll(
  run: ProcessRunner,
  dir: string,
  branch: string,
  message: string,
  paths?: readonly string[],
): Promise<CommitOutcome> {
  const git = async (...args: string[]) => {
    for (let attempt = 1; ; attempt++) {
      const result = await run('git', args, { cwd: dir, env: await identityEnv(run, dir) });
      if (result.notFound) throw stepError('git is not installed: install git, or pass --no-git');
      // Another git holds the index (often one a killed run left behind, still finishing): wait for it a little.
      if (result.exitCode !== 0 && INDEX_LOCKED.test(result.stderr) && attempt < LOCK_ATTEMPTS) await new Promise((r) => setTimeout(r, 100));
      else return result;
    }
  };
  const inside = await run('git', ['rev-parse', '--show-toplevel'], { cwd: dir });
  if (inside.notFound) throw stepError('git is not installed: install git, or pass --no-git');
  const initialised = inside.exitCode !== 0 || inside.stdout.trim() !== (await realPath(dir));
  if (initialised) {
    const init = await git('init', '--quiet', `--initial-branch=${branch}`);
    if (init.exitCode !== 0) throw stepError(`git init failed: ${init.stderr.trim()}`);
  }
  const pathspec = paths ? await committablePaths(git, dir, paths) : undefined;
  if (pathspec && pathspec.committable.length === 0) return { committed: false, initialised };
  const limit = pathspec ? ['--', ...pathspec.committable] : [];
  if (!pathspec || pathspec.addable.length > 0) {
    const add = await git('add', '--all', ...(pathspec ? ['--', ...pathspec.addable] : []));
    if (add.exitCode !== 0) throw stepError(`git add failed: ${add.stderr.trim()}`); // e.g. a .git/index.lock that stayed
  }
  const staged = await git('diff', '--cached', '--quiet', ...limit);
  if (staged.exitCode === 0) return { committed: false, initialised };
  const commit = await git('commit', '--quiet', '--no-verify', '-m', message, ...limit);
  if (commit.exitCode !== 0) throw stepError(`git commit failed: ${commit.stderr.trim() || commit.stdout.trim()}`);
  return { committed: true, initialised };
}

const realPath = (dir: string) => realpath(dir);

/** git's refusal while another git holds the index; retried for up to about two seconds. */
const INDEX_LOCKED = /index\.lock'?: File exists/;
const LOCK_ATTEMPTS = 20;

/**
 * Pathspecs (literal, so `*` in a name is not a glob) for the paths git knows or that exist: git
 * refuses a pathspec that matches nothing, such as a deleted file that was never committed. `git
 * add` takes those on disk or in the index; the commit also those only in HEAD (a deletion a
 * killed run had already staged is gone from both, and must still be committed).
 */
async function committablePaths(git: (...args: string[]) => Promise<RunResult>, dir: string, paths: readonly string[]): Promise<{ addable: string[]; committable: string[] }> {
  const [indexed, committed] = await Promise.all([git('ls-files', '-z'), git('ls-tree', '-r', '-z', '--name-only', 'HEAD')]);
  const inIndex = new Set(indexed.stdout.split('\0'));
  const inHead = new Set(committed.exitCode === 0 ? committed.stdout.split('\0') : []);
  const exists = await Promise.all(paths.map((p) => access(join(dir, p)).then(() => true, () => false)));
  const literal = (p: string) => `:(literal)${p}`;
  return {
    addable: paths.filter((p, i) => exists[i] || inIndex.has(p)).map(literal),
    committable: paths.filter((p, i) => exists[i] || inIndex.has(p) || inHead.has(p)).map(literal),
  };
}

let identityCache: Record<string, string> | undefined;
export async function identityEnv(run: ProcessRunner, dir: string): Promise<Record<string, string>> {
  if (identityCache) return identityCache;
  const email = await run('git', ['config', 'user.email'], { cwd: dir });
  identityCache = email.exitCode === 0 && email.stdout.trim() !== '' ? {} : FALLBACK_IDENTITY;
  return identityCache;
}

/**
 * When git has no identity the commit was made as create-piksel-gitops, and bootstrap pushes it
 * under that name: say so, naming the setting that fixes it. Undefined when git has an identity.
 */
export async function fallbackIdentityWarning(run: ProcessRunner, dir: string): Promise<string | undefined> {
  if (Object.keys(await identityEnv(run, dir)).length === 0) return undefined;
  return (
    `git has no user name/e-mail here, so the commit is authored by '${FALLBACK_IDENTITY.GIT_AUTHOR_NAME} <${FALLBACK_IDENTITY.GIT_AUTHOR_EMAIL}>': ` +
    'set yours with `git config --global user.name "Your Name"` and `git config --global user.email you@example.org`, ' +
    'then `git commit --amend --reset-author --no-edit` before pushing'
  );
}
