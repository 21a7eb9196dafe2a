import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Provider } from '../answers/choices.js';
import type { Answers, ClusterAnswers } from '../answers/schema.js';
import type { SecretRequirement } from '../catalog/component.js';
import { cancelled, inputError, stepError } from '../errors.js';
import { packageVersion } from '../package-root.js';
import type { ProcessRunner } from '../process.js';
import type { Reporter } from '../reporter.js';
import { applySecrets, collectOutsideFacts, inspectSecrets, reportSecrets, type SecretsReport } from '../secrets/ensure.js';
import { secretId, secretInventory } from '../secrets/inventory.js';
import { applyArgs, kubectlBackend, kubectlRotationRunner } from '../secrets/kubectl.js';
import { scopedRunner } from './child-env.js';
import type { BootstrapPrompts } from './prompts.js';
import { redactor, shellQuote, showCommand } from './command-line.js';
import { clusterPath, fluxBootstrapArgs, tokenVariable } from './flux-args.js';
import { checkAwsPrerequisites, checkClusterPrerequisites, checkLocal, FLUX_MISSING, kubeconfigCurrentContext, NO_KUBE_CONTEXT, onPath, checkPlaceholders, fluxFailure, lastLines } from './preflight.js';
import { ensureCommitted, ensureOrigin, gitCredentialEnv, pullRebaseAndPush, pushBranch, repositoryRemoteUrl, type GitSession } from './remote.js';
import { checkWebhookUrl, SLACK_WEBHOOK_VARIABLE } from './slack-secret.js';

/**
 * Bootstrap, step by step: preflight (placeholders, flux, token, kube context confirmed, flux
 * check --pre, cloud prerequisites, which Secrets exist and the outside facts for missing ones) →
 * commit → origin → push → flux bootstrap → pull/rebase + push → Secrets (create what is missing,
 * rotate what --rotate names). Every process goes through the one runner, each tool with its own
 * environment allow-list; secret values travel only on stdin (or as flux's token, in its env).
 */
export interface BootstrapDeps extends BootstrapPrompts {
  readonly run: ProcessRunner;
  readonly reporter: Reporter;
  /** Where tokens are read from and what children run with (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
}

export interface BootstrapTarget {
  /** Absolute path of the repository. */
  readonly dir: string;
  /** The folder as the user wrote it, for messages and the re-run command. */
  readonly shownDir: string;
  readonly answers: Answers;
  readonly cluster: ClusterAnswers;
}

export type SlackSecretOutcome = 'applied' | 'kept' | 'not-given' | 'disabled' | 'planned';

export interface BootstrapSummary {
  readonly directory: string;
  readonly mode: 'bootstrap' | 'dry-run';
  readonly cluster: string;
  readonly path: string;
  readonly provider: Provider;
  readonly branch: string;
  readonly context?: string;
  readonly fluxVersion?: string;
  readonly remote?: string;
  /** The hosted repository did not exist (or was unreachable) and flux bootstrap created it. */
  readonly pushedAfterBootstrap: boolean;
  readonly slackSecret: SlackSecretOutcome;
  /** The cluster's Secrets by name: created, kept, rotated, still missing (with the command for each). */
  readonly secrets?: SecretsReport;
  /** With --dry-run: every command that would run, secrets shown as ***. */
  readonly commands: readonly string[];
}

/** What bootstrap takes from the command line (the CLI's options fit it; bootstrap does not import them). */
export interface BootstrapOptions {
  readonly yes: boolean;
  readonly dryRun: boolean;
  readonly git: boolean;
  /** kubectl context; asked for (or the current one confirmed) when absent. */
  readonly context?: string;
  /** Secrets to give new values on purpose (a name, namespace/name, or all). */
  readonly rotate?: readonly string[];
}

/** Outside facts with a shape to check (the value is never repeated in the message). */
const FACT_CHECKS = { [SLACK_WEBHOOK_VARIABLE]: checkWebhookUrl };

const COMMIT_MESSAGE = (name: string) => `Generate ${name} with create-piksel-gitops ${packageVersion()}`;

/** Usage problems found before anything runs (exit 2): callers may check them before writing. */
export function checkBootstrapUsage(options: BootstrapOptions, interactive: boolean): void {
  if (!options.git) throw inputError('bootstrap pushes the repository with git: drop --no-git');
  if (!options.dryRun && !options.yes && !interactive)
    throw inputError(
      'bootstrap changes a Kubernetes cluster and needs its kubectl context confirmed, but there is no terminal to ask in: ' +
        'pass --yes to use the current context (or --context NAME), or --dry-run to see the commands',
    );
}

export async function runBootstrap(target: BootstrapTarget, options: BootstrapOptions, deps: BootstrapDeps): Promise<BootstrapSummary> {
  checkBootstrapUsage(options, deps.confirm !== undefined);
  checkPlaceholders(target.answers, target.cluster);
  const inventory = secretInventory(target.answers);
  if (options.dryRun) return planBootstrap(target, options, deps);

  const env = deps.env ?? process.env;
  const run = scopedRunner(deps.run, env);
  const { reporter } = deps;
  const { answers, cluster } = target;
  const repo = answers.repository;
  const variable = tokenVariable(repo);
  reporter.info(`Bootstrapping Flux for cluster ${cluster.name} (${clusterPath(cluster.name)}) from ${target.shownDir}`);

  // Preflight: local checks first, then the cluster, and nothing changes until all pass.
  const { fluxVersion, token, context } = await checkLocal(run, env, { variable, provider: repo.provider }, options.context);
  reporter.success(`flux ${fluxVersion}`);
  if (variable) reporter.success(`${variable} is set`);
  const remoteUrl = repositoryRemoteUrl(repo);
  if (!options.yes) {
    const ok = await deps.confirm!(
      `Bootstrap Flux on kubectl context '${context}' (cluster ${cluster.name}, ${remoteUrl} branch ${repo.branch})?`,
    );
    if (!ok) throw cancelled();
  } else reporter.info(`kubectl context: ${context}`);
  await checkClusterPrerequisites(run, context, (t) => redactor([token])(t));
  reporter.success(`flux check --pre passed for context ${context}`);
  if (cluster.cloud === 'aws') {
    const missing = await checkAwsPrerequisites(run, context);
    if (missing.length > 0)
      reporter.warn(
        `cluster ${cluster.name} is cloud: aws, but ${missing.length} prerequisite${missing.length === 1 ? ' is' : 's are'} missing ` +
          `(Flux installs everything else; these apps stay not ready until they exist):\n${missing.map((m) => `  - ${m}`).join('\n')}`,
      );
    else reporter.success('EBS CSI driver, AWS Load Balancer Controller and external-dns are installed');
  }
  // Secrets, read-only: which exist, and the outside facts for the missing ones (asked now, not after flux).
  const backend = kubectlBackend(run, context);
  const secretPlans = await inspectSecrets(inventory, backend, options.rotate ?? []);
  const facts = await collectOutsideFacts(secretPlans, { env, readSecret: deps.readSecret }, FACT_CHECKS);
  const factValues = [...facts.values()].flatMap((v) => Object.values(v));
  const redact = (text: string) => backend.redact(redactor([token, ...factValues])(text));

  // The repository: committed, origin set, pushed (or left for after bootstrap creates the remote).
  const session: GitSession = {
    run,
    dir: target.dir,
    redact,
    remoteEnv: { ...gitCredentialEnv(repo, variable, env), ...(deps.confirm ? {} : { GIT_TERMINAL_PROMPT: '0' }) },
  };
  const local = await ensureCommitted(session, repo.branch, COMMIT_MESSAGE(repo.name));
  if (local.committed) reporter.success(`committed the repository on branch ${repo.branch}`);
  if (local.dirty) reporter.warn('uncommitted changes in the repository are not pushed and will not reach the cluster: commit them and re-run');
  const origin = await ensureOrigin(session, remoteUrl);
  if (origin.added) reporter.success(`origin set to ${origin.url}`);
  if (origin.differs) reporter.warn(`origin is ${origin.url}, but flux bootstrap will use ${remoteUrl} (from the answers): make sure they are the same repository`);
  const push = await pushBranch(session, repo.branch);
  if (push.outcome === 'pushed') reporter.success(`pushed ${repo.branch} to origin`);
  else if (repo.provider === 'git')
    throw stepError(
      `could not push to ${origin.url}: create the (empty) repository on your Git server and check your credentials, then re-run`,
      push.output,
    );
  else
    reporter.info(
      `origin is not reachable yet (${push.output[0] ?? 'git push failed'}): flux bootstrap will create ${remoteUrl}, then the repository is pushed on top`,
    );

  // flux bootstrap: argv from the answers, token in the environment only, stdin closed.
  const args = fluxBootstrapArgs(answers, cluster, { context });
  const shown = showCommand({ command: 'flux', args, secretEnv: variable ? [variable] : [] });
  reporter.info(`running ${shown}`);
  if (repo.provider === 'git' && !variable)
    reporter.info('flux prints a deploy key ("public key: …"): give it read access to the repository (flux then waits, 5 minutes by default, until the cluster can sync)');
  const output: string[] = [];
  const log = deps.taskLog?.(`flux bootstrap ${repo.provider}`);
  const result = await run('flux', args, {
    env: variable && token ? { [variable]: token } : {},
    timeoutMs: 20 * 60_000,
    onLine: (line) => {
      const clean = redact(line);
      output.push(clean);
      if (log) log.message(clean);
      else reporter.detail(`  │ ${clean}`);
    },
  });
  if (result.exitCode !== 0) {
    log?.error(`flux bootstrap ${repo.provider} failed`);
    throw bootstrapFailure(target, options, result.notFound ? ['flux was not found on PATH'] : output, push, context, variable);
  }
  if (log) log.success(`flux bootstrap ${repo.provider} finished`);
  else reporter.success(`flux bootstrap ${repo.provider} finished`);

  // Bootstrap committed clusters/<name>/flux-system/ upstream: take it, and push what was not pushed yet.
  await pullRebaseAndPush(session, repo.branch);
  reporter.success(push.outcome === 'pushed' ? `pulled flux's commits into ${repo.branch}` : `pushed ${repo.branch} on top of flux's commits`);

  const secrets = await applySecrets(secretPlans, facts, { backend, rotation: kubectlRotationRunner(run, context), reporter, env, readSecret: deps.readSecret }, context);
  reportSecrets(secrets, reporter, rerunCommand(target, options));
  const slackId = inventory.find((s) => s.source.kind === 'external' && Object.values(s.source.env).includes(SLACK_WEBHOOK_VARIABLE));
  const slackSecret: SlackSecretOutcome = !slackId
    ? 'disabled'
    : secrets.created.includes(secretId(slackId)) || secrets.rotated.includes(secretId(slackId))
      ? 'applied'
      : secrets.kept.includes(secretId(slackId))
        ? 'kept'
        : 'not-given';
  reporter.success(`Flux on context ${context} now reconciles ${clusterPath(cluster.name)} from ${remoteUrl} (${repo.branch})`);
  return {
    ...summaryBase(target),
    mode: 'bootstrap',
    context,
    fluxVersion,
    remote: origin.url,
    pushedAfterBootstrap: push.outcome !== 'pushed',
    slackSecret,
    secrets,
    commands: [],
  };
}

/**
 * --dry-run: every command, in order, secrets as ***. Nothing changes and neither flux nor kubectl
 * runs: flux is looked up on PATH and the kube context read from the kubeconfig, so the plan can say
 * what would stop a real run; `git rev-parse` tells whether a commit would be made.
 */
export async function planBootstrap(target: BootstrapTarget, options: BootstrapOptions, deps: BootstrapDeps): Promise<BootstrapSummary> {
  const env = deps.env ?? process.env;
  const { answers, cluster } = target;
  const repo = answers.repository;
  const variable = tokenVariable(repo);
  const context = options.context ?? '<current context>';
  const remoteUrl = repositoryRemoteUrl(repo);
  const slack = answers.slack;
  const git = (args: string[], note?: string) => `${showCommand({ command: 'git', args })}${note ? `  # ${note}` : ''}`;
  const committed = await hasCommit(target.dir);
  const commands = [
    showCommand({ command: 'flux', args: ['--version'] }),
    options.context ? showCommand({ command: 'kubectl', args: ['config', 'get-contexts', '--output=name'] }) : showCommand({ command: 'kubectl', args: ['config', 'current-context'] }),
    showCommand({ command: 'flux', args: ['check', '--pre', `--context=${context}`] }),
    ...secretCommands(secretInventory(answers), context).slice(0, 1),
    ...(committed === true
      ? []
      : [`${git(['init', '--quiet', `--initial-branch=${repo.branch}`], 'unless the folder is a repository already')} && ${git(['add', '--all'])} && ${git(['commit', '--quiet', '--no-verify', '-m', COMMIT_MESSAGE(repo.name)])}`]),
    git(['remote', 'add', 'origin', remoteUrl], 'unless origin is already set'),
    git(['push', '--set-upstream', 'origin', repo.branch]),
    showCommand({ command: 'flux', args: fluxBootstrapArgs(answers, cluster, { context }), secretEnv: variable ? [variable] : [] }),
    git(['pull', '--rebase', '--autostash', '--quiet', 'origin', repo.branch]),
    git(['push', '--set-upstream', 'origin', repo.branch]),
    ...secretCommands(secretInventory(answers), context).slice(1),
  ];
  deps.reporter.info(`would run, for cluster ${cluster.name} (${clusterPath(cluster.name)}):`);
  for (const line of commands) deps.reporter.detail(`  ${line}`);
  deps.reporter.info(
    committed === true
      ? 'the folder is committed already: no commit is made before pushing'
      : committed === false
        ? 'the folder has no commit yet: bootstrap commits it first'
        : 'bootstrap commits the folder first only if it has no commit yet',
  );
  // What would stop a real run, said now: looked up and read, not run.
  if (!(await onPath('flux', env))) deps.reporter.warn(FLUX_MISSING);
  if (!options.context && !(await kubeconfigCurrentContext(env))) deps.reporter.warn(NO_KUBE_CONTEXT);
  if (variable && !env[variable]) deps.reporter.warn(`${variable} is not set: export it before bootstrapping`);
  for (const secret of secretInventory(answers)) {
    const unset = secret.source.kind === 'external' ? Object.values(secret.source.env).filter((v) => !env[v]) : [];
    if (unset.length > 0)
      deps.reporter.warn(`${unset.join(', ')} not set: bootstrap would ask in a terminal (hidden), or create the other Secrets and print how to create ${secretId(secret)}`);
  }
  return {
    ...summaryBase(target),
    mode: 'dry-run',
    context: options.context,
    pushedAfterBootstrap: false,
    slackSecret: slack.enabled ? 'planned' : 'disabled',
    commands,
  };
}

const summaryBase = ({ dir, answers, cluster }: BootstrapTarget) => ({
  directory: dir,
  cluster: cluster.name,
  path: clusterPath(cluster.name),
  provider: answers.repository.provider,
  branch: answers.repository.branch,
});

/** The Secret step as a dry run shows it: the lookups (before any change), then the applies; names only. */
export function secretCommands(inventory: readonly SecretRequirement[], context: string): string[] {
  const owned = inventory.filter((s) => s.source.kind !== 'chart');
  if (owned.length === 0) return [];
  return [
    `${showCommand({ command: 'kubectl', args: [`--context=${context}`, 'get', 'secret', 'NAME', '--namespace=NAMESPACE', '--ignore-not-found', '--output=name'] })}  # for each of: ${owned.map(secretId).join(', ')}`,
    showCommand({
      command: 'kubectl',
      args: applyArgs(context),
      stdin: `each missing Secret (and its namespace), values generated or from ${[...new Set(owned.flatMap((s) => (s.source.kind === 'external' ? Object.values(s.source.env) : [])))].join(', ')}; never shown`,
    }),
  ];
}

export function rerunCommand(target: BootstrapTarget, options: Pick<BootstrapOptions, 'context'>): string {
  const context = options.context ? ` --context ${shellQuote(options.context)}` : '';
  return `npx create-piksel-gitops bootstrap ${shellQuote(target.shownDir)} --cluster ${target.cluster.name}${context}`;
}

/** What a flux bootstrap failure usually means, and what to do about it. */
const FAILURE_HINTS: ReadonlyArray<readonly [RegExp, (c: { branch: string; context: string; variable?: string }) => string]> = [
  [/protected branch|pre-receive hook declined|hook declined/i, (c) => `the branch ${c.branch} is protected: let the token's user push to it, or bootstrap onto an unprotected branch`],
  [/could not read token|bad credentials|401|403|unauthori[sz]ed|forbidden|doesn't match the identity/i, (c) => `the token was refused: check ${c.variable ?? 'your credentials'} and its scopes (README, "Bootstrap")`],
  [/cluster info unavailable|kubernetes client initialization failed|connection refused|no such host|i\/o timeout/i, (c) => `the cluster of kubectl context '${c.context}' could not be reached: check the context and your network`],
  [/sync path configuration|would overwrite path/i, () => 'this cluster was bootstrapped with another path: bootstrap it from the repository and path it already uses, or uninstall Flux first'],
  [/waiting for|not ready|context deadline exceeded|timeout/i, () => 'Flux is installed but did not become ready: check the deploy key and that the cluster can reach the Git host (`flux get sources git -A`), then re-run'],
];

function bootstrapFailure(
  target: BootstrapTarget,
  options: Pick<BootstrapOptions, 'context'>,
  output: readonly string[],
  push: { outcome: string; output: string[] },
  context: string,
  variable: string | undefined,
): Error {
  const text = output.join('\n');
  const cause = fluxFailure(text) ?? 'no output';
  const hint = FAILURE_HINTS.find(([pattern]) => pattern.test(text))?.[1]({ branch: target.answers.repository.branch, context, variable });
  const pushNote = push.outcome === 'pushed' ? [] : ['the repository was not pushed yet (origin was not reachable before bootstrap):', ...push.output.map((l) => `  ${l}`)];
  return stepError(`flux bootstrap failed: ${cause}`, [
    ...lastLines(text).map((l) => `│ ${l}`),
    ...pushNote,
    `next: ${hint ?? 'fix the cause above'}; the repository is committed and unchanged, and bootstrap is idempotent, so re-run: ${rerunCommand(target, options)}`,
  ]);
}

/**
 * Whether `dir` is a git repository of its own with a commit on HEAD, read from .git (the dry run
 * runs nothing); undefined when it cannot tell (a worktree or submodule, where .git is a file).
 */
async function hasCommit(dir: string): Promise<boolean | undefined> {
  const gitDir = join(dir, '.git');
  const info = await stat(gitDir).catch(() => undefined);
  if (!info) return false;
  if (!info.isDirectory()) return undefined;
  const head = (await readFile(join(gitDir, 'HEAD'), 'utf8').catch(() => '')).trim();
  const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
  if (!ref) return /^[0-9a-f]{40,64}$/.test(head) ? true : undefined;
  if (await stat(join(gitDir, ref)).then(() => true, () => false)) return true;
  const packed = await readFile(join(gitDir, 'packed-refs'), 'utf8').catch(() => '');
  return packed.split('\n').some((line) => line.endsWith(` ${ref}`));
}
