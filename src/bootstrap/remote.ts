import { realpath } from 'node:fs/promises';
import { stepError } from '../errors.js';
import type { ProcessRunner, RunResult } from '../process.js';
import { commitAll, identityEnv } from '../repository/git.js';
import type { RepositoryAnswers } from './flux-args.js';
import { shellQuote } from './command-line.js';
import { lastLines } from './preflight.js';

/**
 * The local repository and its hosted twin: a commit to push, `origin`, and the push itself.
 * When the hosted repository does not exist yet, `flux bootstrap` creates it, and the generated
 * commits go on top of bootstrap's afterwards (pullRebaseAndPush).
 */

const DEFAULT_HOSTS = { github: 'github.com', gitlab: 'gitlab.com', gitea: 'gitea.com' } as const;

/** The HTTPS clone URL the answers describe (for plain git: repository.url as given). */
export function repositoryRemoteUrl(repo: RepositoryAnswers): string {
  switch (repo.provider) {
    case 'git':
      return repo.url!;
    case 'bitbucket-server':
      // Bitbucket Server serves Git under /scm; a user's personal project key is ~<user>.
      return `https://${repo.hostname}/scm/${repo.personal ? '~' : ''}${repo.owner}/${repo.name}.git`;
    default:
      return `https://${repo.hostname ?? DEFAULT_HOSTS[repo.provider]}/${repo.owner}/${repo.name}.git`;
  }
}

/** host/path of a Git URL in any form (https://, ssh://, scp-like git@host:path), for comparison. */
export function repositoryIdentity(url: string): string {
  const match =
    /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.*)$/i.exec(url) ?? /^(?:[^@/\s]+@)?([^:/\s]+):(.+)$/.exec(url);
  if (!match) return url;
  const path = match[2]!.replace(/^\/+|\/+$/g, '').replace(/^scm\//, '').replace(/\.git$/, '');
  return `${match[1]!.toLowerCase()}/${path}`;
}

/** The user name each host expects beside a token used as an HTTPS password. */
export function tokenUsername(repo: RepositoryAnswers): string {
  switch (repo.provider) {
    case 'github':
      return 'x-access-token';
    case 'gitlab':
      return 'oauth2';
    case 'bitbucket-server':
      return repo.personal ? repo.owner : 'x-token-auth';
    default:
      return 'git';
  }
}

/**
 * Lets `git push` over HTTPS use the token flux uses, without the token ever being on a command
 * line or in a file: a credential helper that reads the variable when git asks. Passed as
 * GIT_CONFIG_* variables, appended to any already set. The user's helpers are reset first (an
 * empty `credential.helper`): git hands an accepted credential to every helper to keep, and
 * `store` would write the token to ~/.git-credentials.
 */
export function gitCredentialEnv(repo: RepositoryAnswers, variable: string | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  if (!variable || !env[variable]) return {};
  const count = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  const helper = `!f() { if [ "$1" = get ]; then printf 'username=%s\\npassword=%s\\n' '${tokenUsername(repo)}' "$${variable}"; fi; }; f`;
  return {
    GIT_CONFIG_COUNT: String(count + 2),
    [`GIT_CONFIG_KEY_${count}`]: 'credential.helper',
    [`GIT_CONFIG_VALUE_${count}`]: '',
    [`GIT_CONFIG_KEY_${count + 1}`]: 'credential.helper',
    [`GIT_CONFIG_VALUE_${count + 1}`]: helper,
  };
}

export interface GitSession {
  readonly run: ProcessRunner;
  readonly dir: string;
  /** Extra environment for commands that reach the remote (credential helper, GIT_TERMINAL_PROMPT). */
  readonly remoteEnv: Readonly<Record<string, string>>;
  readonly redact: (text: string) => string;
}

const gitIn =
  (session: GitSession, remote = false) =>
  async (...args: string[]): Promise<RunResult> => {
    const env = { ...(await identityEnv(session.run, session.dir)), ...(remote ? session.remoteEnv : {}) };
    const result = await session.run('git', args, { cwd: session.dir, env });
    if (result.notFound) throw stepError('git was not found on PATH: install git and re-run');
    return result;
  };

const gitOutput = (session: GitSession, r: RunResult) => lastLines(session.redact(`${r.stdout}\n${r.stderr}`));

export interface LocalState {
  /** This run made the first commit. */
  readonly committed: boolean;
  /** Uncommitted changes, which will not reach the cluster. */
  readonly dirty: boolean;
}

/** A repository of its own at dir with a commit on branch (the first commit is made when missing). */
export async function ensureCommitted(session: GitSession, branch: string, message: string): Promise<LocalState> {
  const git = gitIn(session);
  const top = await git('rev-parse', '--show-toplevel');
  const ownRepository = top.exitCode === 0 && top.stdout.trim() === (await realpath(session.dir));
  const head = ownRepository ? await git('rev-parse', '--verify', '--quiet', 'HEAD') : undefined;
  if (!ownRepository || head?.exitCode !== 0) {
    const outcome = await commitAll(session.run, session.dir, branch, message);
    return { committed: outcome.committed, dirty: false };
  }
  const onBranch = await git('rev-parse', '--verify', '--quiet', `refs/heads/${branch}`);
  if (onBranch.exitCode !== 0)
    throw stepError(`the repository has no branch '${branch}' (repository.branch): create it with \`git branch ${shellQuote(branch)}\`, or change the answer, then re-run`);
  const status = await git('status', '--porcelain');
  return { committed: false, dirty: status.stdout.trim() !== '' };
}

export interface OriginState {
  readonly url: string;
  readonly added: boolean;
  /** An existing origin that points elsewhere than the answers say. */
  readonly differs: boolean;
}

/** Keeps an existing `origin`; otherwise adds the one the answers describe. */
export async function ensureOrigin(session: GitSession, expectedUrl: string): Promise<OriginState> {
  const git = gitIn(session);
  // The URL as configured: `git remote get-url` would apply url.*.insteadOf rewrites.
  const current = await git('config', '--get', 'remote.origin.url');
  if (current.exitCode === 0) {
    const url = current.stdout.trim();
    // Shown and reported (--json), never used to push: a token in it stays out of sight.
    return { url: maskCredentials(url), added: false, differs: repositoryIdentity(url) !== repositoryIdentity(expectedUrl) };
  }
  const add = await git('remote', 'add', 'origin', expectedUrl);
  if (add.exitCode !== 0) throw stepError(`git remote add origin ${expectedUrl} failed`, gitOutput(session, add));
  return { url: expectedUrl, added: true, differs: false };
}

/** `https://user:token@host/…` → `https://user:***@host/…` (a lone token too: `https://***@host/…`). */
export function maskCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_, scheme: string, userinfo: string) => {
    const colon = userinfo.indexOf(':');
    return `${scheme}${colon >= 0 ? `${userinfo.slice(0, colon)}:***` : /^(git|ssh)$/i.test(userinfo) || scheme.startsWith('ssh') ? userinfo : '***'}@`;
  });
}

/** The hosted repository: there (maybe empty), or definitely not there yet. */
export type RemoteState = 'exists' | 'missing';

/**
 * What git prints when the host answered that there is no such repository (or none these
 * credentials may see, which hosts do not tell apart): GitHub's and Gitea's "Repository not found",
 * git's "repository '…' not found" for an HTTP 404, GitLab's "project you were looking for could
 * not be found", and "does not appear to be a git repository" from SSH servers and local paths.
 * Anything else (a name that does not resolve, a refused connection, a TLS or proxy error, a
 * password prompt) says nothing about whether the repository exists.
 */
const NOT_FOUND = [/repository not found/i, /repository '[^']*' not found/i, /project you were looking for could not be found/i, /does not appear to be a git repository/i];

/** origin's URL as configured, when dir is a repository of its own that has one. */
async function configuredOrigin(session: GitSession): Promise<string | undefined> {
  const git = gitIn(session);
  const top = await git('rev-parse', '--show-toplevel');
  if (top.exitCode !== 0 || top.stdout.trim() !== (await realpath(session.dir))) return undefined;
  const url = await git('config', '--get', 'remote.origin.url');
  return url.exitCode === 0 && url.stdout.trim() !== '' ? url.stdout.trim() : undefined;
}

/**
 * Preflight, read-only: does the repository bootstrap will push to exist? (origin when it is set,
 * else the answers' URL.) Only a definite "not found" lets flux bootstrap create it; any other
 * failure stops here, before anything changes.
 */
export async function probeRemote(session: GitSession, expectedUrl: string): Promise<RemoteState> {
  const url = (await configuredOrigin(session)) ?? expectedUrl;
  const probe = await gitIn(session, true)('ls-remote', '--heads', url);
  if (probe.exitCode === 0) return 'exists';
  if (NOT_FOUND.some((pattern) => pattern.test(probe.stderr))) return 'missing';
  const cause = session.redact(probe.stderr.trim().split('\n').at(-1)?.replace(/^fatal: /, '') ?? '') || `git exit ${probe.exitCode}`;
  throw stepError(
    `could not reach ${maskCredentials(url)} (${cause}): check your network, the host name and your credentials, then re-run; nothing was pushed or installed`,
    gitOutput(session, probe),
  );
}

/**
 * Pushes branch to origin, when the hosted repository exists. A push rejected by an existing
 * remote branch (bootstrap's commits from an earlier run, a README made by the host) is rebased
 * and retried; any other failure stops. A missing repository is left for flux bootstrap to create.
 */
export async function pushBranch(session: GitSession, branch: string, remote: RemoteState = 'exists'): Promise<{ outcome: 'pushed' | 'deferred' }> {
  if (remote === 'missing') return { outcome: 'deferred' };
  const git = gitIn(session, true);
  const push = await git('push', '--set-upstream', 'origin', branch);
  if (push.exitCode === 0) return { outcome: 'pushed' };
  const probe = await git('ls-remote', '--heads', 'origin', branch);
  if (probe.exitCode !== 0 || probe.stdout.trim() === '')
    throw stepError(`git push to origin ${branch} failed: check your network and that your credentials may push to the repository, then re-run`, gitOutput(session, push));
  await pullRebaseAndPush(session, branch);
  return { outcome: 'pushed' };
}

/** Puts the local commits on top of origin's branch (bootstrap's commits) and pushes. */
export async function pullRebaseAndPush(session: GitSession, branch: string): Promise<void> {
  const git = gitIn(session, true);
  await assertRebaseable(session, branch);
  const pull = await git('pull', '--rebase', '--autostash', '--quiet', 'origin', branch);
  if (pull.exitCode !== 0) {
    await git('rebase', '--abort');
    throw stepError(
      `could not rebase ${branch} onto origin/${branch}: run \`git pull --rebase origin ${shellQuote(branch)}\`, resolve the conflicts, then re-run`,
      gitOutput(session, pull),
    );
  }
  const push = await git('push', '--set-upstream', 'origin', branch);
  if (push.exitCode !== 0)
    throw stepError(
      `git push to origin ${branch} failed: check that your credentials may push to the repository and that ${branch} is not protected, then re-run`,
      gitOutput(session, push),
    );
}

/** What `flux bootstrap` commits: its own manifests, under clusters/<name>/flux-system/, as "Flux". */
const FLUX_AUTHOR = 'Flux';
const FLUX_PATH = /^clusters\/[^/]+\/flux-system\//;

/**
 * Rebasing is only right onto our own history or Flux's bootstrap commits on top of it: a remote
 * branch holding anything else (another project, a colleague's work) is stopped for a person.
 */
async function assertRebaseable(session: GitSession, branch: string): Promise<void> {
  const git = gitIn(session, true);
  const fetch = await git('fetch', '--quiet', 'origin', `refs/heads/${branch}`);
  if (fetch.exitCode !== 0)
    throw stepError(`could not fetch origin ${branch}: check your network and credentials, then re-run`, gitOutput(session, fetch));
  const theirs = (await git('rev-parse', '--verify', 'FETCH_HEAD')).stdout.trim();
  if ((await git('merge-base', '--is-ancestor', theirs, 'HEAD')).exitCode === 0) return;
  const log = await git('log', '--format=%x01%h %an', '--name-only', theirs, '--not', 'HEAD');
  const foreign = log.stdout
    .split('\x01')
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const [head = '', ...files] = chunk.split('\n').filter((l) => l.trim() !== '');
      const [sha = '', ...author] = head.split(' ');
      return { sha, author: author.join(' '), files };
    })
    .filter((c) => c.author !== FLUX_AUTHOR || !c.files.every((f) => FLUX_PATH.test(f)));
  if (foreign.length > 0)
    throw stepError(
      `origin/${branch} holds ${foreign.length} commit(s) that are neither this repository's nor Flux's bootstrap commits: not rebasing onto them. Check that origin is the right repository (git remote -v); if it is, merge origin/${branch} yourself, then re-run`,
      foreign.slice(0, 5).map((c) => `${c.sha} by ${c.author}: ${c.files.slice(0, 3).join(', ')}${c.files.length > 3 ? ', …' : ''}`),
    );
}
