import type { Provider } from '../answers/choices.js';
import type { Answers } from '../answers/schema.js';

/**
 * Answers → the exact `flux bootstrap <provider>` argument array. Pure: no environment, no disk.
 * A token never appears here; flux reads it from the variable `tokenVariable` names.
 */
export type RepositoryAnswers = Answers['repository'];

/** The folder Flux syncs for a cluster; bootstrap writes `<path>/flux-system/` and we never do. */
export const clusterPath = (clusterName: string) => `clusters/${clusterName}`;

/** The variable each `flux bootstrap` subcommand reads its token (or password) from. */
export const TOKEN_VARIABLES: Readonly<Record<Provider, string>> = {
  github: 'GITHUB_TOKEN',
  gitlab: 'GITLAB_TOKEN',
  gitea: 'GITEA_TOKEN',
  'bitbucket-server': 'BITBUCKET_TOKEN',
  git: 'GIT_PASSWORD',
};

/** Plain git over SSH authenticates with the ssh-agent, so only it needs no variable. */
export function tokenVariable(repository: RepositoryAnswers): string | undefined {
  if (repository.provider === 'git' && !usesHttps(repository)) return undefined;
  return TOKEN_VARIABLES[repository.provider];
}

const usesHttps = (repository: RepositoryAnswers) => /^https?:\/\//.test(repository.url ?? '');

export interface FluxArgsOptions {
  /** kubectl context, pinned so every command talks to the cluster the user confirmed. */
  readonly context?: string;
}

export function fluxBootstrapArgs(answers: Pick<Answers, 'repository'>, cluster: { readonly name: string }, options: FluxArgsOptions = {}): string[] {
  const repo = answers.repository;
  const common = [`--branch=${repo.branch}`, `--path=${clusterPath(cluster.name)}`];
  const context = options.context ? [`--context=${options.context}`] : [];
  const hostname = repo.hostname ? [`--hostname=${repo.hostname}`] : [];
  const owned = [`--owner=${repo.owner}`, `--repository=${repo.name}`];
  switch (repo.provider) {
    case 'github':
    case 'gitea':
    case 'bitbucket-server':
      return ['bootstrap', repo.provider, ...owned, ...common, `--personal=${repo.personal}`, `--private=${repo.private}`, ...hostname, ...context];
    case 'gitlab':
      // --private is deprecated for gitlab; --visibility says the same thing.
      return ['bootstrap', 'gitlab', ...owned, ...common, `--personal=${repo.personal}`, `--visibility=${repo.private ? 'private' : 'public'}`, ...hostname, ...context];
    case 'git':
      // Over HTTPS the password (GIT_PASSWORD) also becomes the cluster's sync credential (--token-auth);
      // over SSH flux prints a deploy key, and --silent stops it waiting on a closed stdin.
      return ['bootstrap', 'git', `--url=${repo.url}`, ...common, usesHttps(repo) ? '--token-auth' : '--silent', ...context];
  }
}
