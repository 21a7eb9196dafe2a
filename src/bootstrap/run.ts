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
import { planGroups, rotationTargets } from '../secrets/plan.js';
import { applyArgs, kubectlBackend, kubectlRotationRunner, secretLookups as secretLookupCommands } from '../secrets/kubectl.js';
import { commitMessage } from '../repository/git.js';
import { scopedRunner } from './child-env.js';
import type { Prompts } from '../prompts.js';
import { redactor, shellQuote, showCommand } from './command-line.js';
import { clusterPath, fluxBootstrapArgs, tokenVariable } from './flux-args.js';
import { checkAwsPrerequisites, checkClusterPrerequisites, checkLocal, FLUX_MISSING, kubeconfigCurrentContext, NO_KUBE_CONTEXT, onPath, checkPlaceholders, fluxFailure, lastLines } from './preflight.js';
import { ensureCommitted, ensureOrigin, gitCredentialEnv, probeRemote, pullRebaseAndPush, pushBranch, repositoryRemoteUrl, tokenUsername, type GitSession, type RemoteState } from './remote.js';
import { FLUX_OPERATOR, fluxInstanceApplyArgs, fluxInstanceManifest, fluxInstanceVersion, fluxInstanceWaitArgs, operatorInstallArgs, operatorSyncUrl, PULL_SECRET } from './operator.js';
import { secretManifest } from '../secrets/kubectl.js';
import { checkWebhookUrl, SLACK_WEBHOOK_VARIABLE } from './slack-secret.js';
import { checkContextForBootstrap } from './context-binding.js';
import { DEFAULT_WAIT_TIMEOUT, type PlatformWait, waitForPlatform } from './wait.js';
import { parseDuration, type Clock } from '../status/watch.js';
import { FLUX_AND_WORKLOADS } from '../status/kubectl.js';

/**
 * Bootstrap, step by step: preflight (placeholders, flux, token, kube context, the hosted
 * repository reachable or definitely missing, the context confirmed, flux check --pre, the
 * context not another cluster's nor syncing another path, cloud prerequisites, which Secrets
 * exist and the outside facts for missing ones) → commit → origin → push → flux bootstrap →
 * pull/rebase + push → Secrets (create what is missing, rotate what --rotate names) → wait until
 * the platform is healthy (unless --no-wait). Every process goes through the one runner, each tool with its own
 * environment allow-list; secret values travel only on stdin (or as flux's token, in its env).
 */
export interface BootstrapDeps {
  readonly run: ProcessRunner;
  readonly reporter: Reporter;
  /**
   * A person at a terminal: confirms the kube context, types the Slack webhook hidden, watches
   * flux's live log. Absent means no terminal: only --yes may then touch a cluster.
   */
  readonly prompts?: Prompts;
  /** Where tokens are read from and what children run with (default: process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** The wait's clock (tests step it; real runs sleep). */
  readonly clock?: Clock;
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
  /** How the platform came up while bootstrap waited (absent with --no-wait and --dry-run). */
  readonly platform?: PlatformWait;
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
  /** How Flux is installed: `flux bootstrap` (default), or the Flux Operator and a FluxInstance. */
  readonly method?: 'bootstrap' | 'operator';
  /** Wait for the platform to become healthy after the Secrets (default true), for up to waitTimeout. */
  readonly wait?: boolean;
  readonly waitTimeout?: string;
  /** Bootstrap a context bound to another cluster, or where Flux syncs another path. */
  readonly force?: boolean;
}

/** Outside facts with a shape to check (the value is never repeated in the message). */
const FACT_CHECKS = { [SLACK_WEBHOOK_VARIABLE]: checkWebhookUrl };

const COMMIT_MESSAGE = (name: string) => commitMessage({ kind: 'generate' }, name, packageVersion());

/** Usage problems found before anything runs (exit 2): callers may check them before writing. */
export function checkBootstrapUsage(options: BootstrapOptions, interactive: boolean): void {
  if (!options.git) throw inputError('bootstrap pushes the repository with git: drop --no-git');
  if (options.waitTimeout !== undefined) parseDuration('--wait-timeout', options.waitTimeout);
  if (!options.dryRun && !options.yes && !interactive)
    throw inputError(
      'bootstrap changes a Kubernetes cluster and needs its kubectl context confirmed, but there is no terminal to ask in: ' +
        'pass --yes to use the current context (or --context NAME), or --dry-run to see the commands',
    );
}

export async function runBootstrap(target: BootstrapTarget, options: BootstrapOptions, deps: BootstrapDeps): Promise<BootstrapSummary> {
  checkBootstrapUsage(options, deps.prompts !== undefined);
  checkPlaceholders(target.answers, target.cluster, target.shownDir);
  if (options.method === 'operator') operatorSyncUrl(repositoryRemoteUrl(target.answers.repository));
  // --rotate names are checked before anything runs, in a dry run too (exit 2, as the real run's lookups would).
  planGroups(secretInventory(target.answers), () => false, rotationTargets(secretInventory(target.answers), options.rotate ?? []));
  // The cluster's own context (clusters[].context) unless --context says otherwise.
  options = { ...options, context: options.context ?? target.cluster.context };
  return options.dryRun ? planBootstrap(target, options, deps) : executeBootstrap(target, options, deps);
}

/** What every step reads: the target, the options, and what the steps before it found out. */
interface BootstrapRun {
  readonly target: BootstrapTarget;
  readonly options: BootstrapOptions;
  readonly deps: BootstrapDeps;
  readonly env: NodeJS.ProcessEnv;
  readonly run: ProcessRunner;
  readonly inventory: readonly SecretRequirement[];
  readonly variable: string | undefined;
  readonly remoteUrl: string;
  /** Filled in by the steps, in order. */
  fluxVersion?: string;
  token?: string;
  context?: string;
  backend?: ReturnType<typeof kubectlBackend>;
  secretPlans?: Awaited<ReturnType<typeof inspectSecrets>>;
  facts?: Awaited<ReturnType<typeof collectOutsideFacts>>;
  redact: (text: string) => string;
  session?: GitSession;
  remote?: RemoteState;
  origin?: Awaited<ReturnType<typeof ensureOrigin>>;
  push?: Awaited<ReturnType<typeof pushBranch>>;
  secrets?: SecretsReport;
  platform?: PlatformWait;
}

/** What a dry run knows without running anything, for the steps to describe themselves. */
interface BootstrapView {
  readonly target: BootstrapTarget;
  readonly options: BootstrapOptions;
  readonly context: string;
  readonly remoteUrl: string;
  readonly variable: string | undefined;
  readonly inventory: readonly SecretRequirement[];
  /** Whether the folder has a commit already (undefined: cannot tell without running git). */
  readonly committed: boolean | undefined;
}

/**
 * One step of bootstrap: what it runs, and how --dry-run shows it. The dry run is the list of
 * descriptions of the same steps the real run executes, so the two cannot drift apart.
 */
interface BootstrapStep {
  readonly describe: (view: BootstrapView) => string[];
  readonly run: (b: BootstrapRun) => Promise<void>;
}

const git = (args: string[], note?: string) => `${showCommand({ command: 'git', args })}${note ? `  # ${note}` : ''}`;

/** Preflight, local: flux present and recent, the token set, the kube context chosen. Nothing changes. */
const localChecks: BootstrapStep = {
  describe: ({ options }) => [
    showCommand({ command: 'flux', args: ['--version'] }),
    options.context
      ? showCommand({ command: 'kubectl', args: ['config', 'get-contexts', '--output=name'] })
      : showCommand({ command: 'kubectl', args: ['config', 'current-context'] }),
  ],
  run: async (b) => {
    const repo = b.target.answers.repository;
    const { fluxVersion, token, context } = await checkLocal(b.run, b.env, { variable: b.variable, provider: repo.provider }, b.options.context);
    Object.assign(b, { fluxVersion, token, context });
    b.deps.reporter.success(`flux ${fluxVersion}`);
    if (b.variable) b.deps.reporter.success(`${b.variable} is set`);
  },
};

/**
 * Preflight, read-only: the hosted repository answers (or says it does not exist, and flux
 * bootstrap will create it). A name that does not resolve, a refused connection or refused
 * credentials stop here, before anything changes.
 */
const remoteCheck: BootstrapStep = {
  describe: ({ remoteUrl }) => [git(['ls-remote', '--heads', remoteUrl], "origin's URL instead, when origin is set")],
  run: async (b) => {
    const repo = b.target.answers.repository;
    b.session = {
      run: b.run,
      dir: b.target.dir,
      redact: (text) => b.redact(text),
      remoteEnv: { ...gitCredentialEnv(repo, b.variable, b.env), ...(b.deps.prompts ? {} : { GIT_TERMINAL_PROMPT: '0' }) },
    };
    b.redact = redactor([b.token]);
    b.remote = await probeRemote(b.session, b.remoteUrl);
    if (b.remote === 'missing' && repo.provider === 'git')
      throw stepError(`the repository ${b.remoteUrl} does not exist (or these credentials cannot see it): create the (empty) repository on your Git server and check your credentials, then re-run`);
  },
};

/** The context is this cluster's: not bound to another, and Flux there (if any) syncs this path and repository. */
const contextBinding: BootstrapStep = {
  describe: ({ context }) => [
    showCommand({
      command: 'kubectl',
      args: [`--context=${context}`, 'get', 'gitrepositories.source.toolkit.fluxcd.io/flux-system', 'kustomizations.kustomize.toolkit.fluxcd.io/flux-system', '--namespace=flux-system', '--ignore-not-found', '--output=json'],
    }) + '  # refuse a context where Flux syncs another path or repository (unless --force)',
  ],
  run: async (b) => {
    const { answers, cluster } = b.target;
    await checkContextForBootstrap(b.run, answers, cluster, b.context!, { url: b.remoteUrl, branch: answers.repository.branch, path: clusterPath(cluster.name) }, b.options.force ?? false);
  },
};

/** The person confirms the context (or --yes takes it), then the cluster is checked. */
const clusterChecks: BootstrapStep = {
  describe: ({ context }) => [showCommand({ command: 'flux', args: ['check', '--pre', `--context=${context}`] })],
  run: async (b) => {
    const { cluster, answers } = b.target;
    const context = b.context!;
    if (!b.options.yes) {
      const ok = await b.deps.prompts!.confirm({
        message: `Bootstrap Flux on kubectl context '${context}' (cluster ${cluster.name}, ${b.remoteUrl} branch ${answers.repository.branch})?`,
        initialValue: false,
      });
      if (!ok) throw cancelled();
    } else b.deps.reporter.info(`kubectl context: ${context}`);
    await checkClusterPrerequisites(b.run, context, b.redact);
    b.deps.reporter.success(`flux check --pre passed for context ${context}`);
    if (cluster.cloud !== 'aws') return;
    const missing = await checkAwsPrerequisites(b.run, context);
    if (missing.length > 0)
      b.deps.reporter.warn(
        `cluster ${cluster.name} is cloud: aws, but ${missing.length} prerequisite${missing.length === 1 ? ' is' : 's are'} missing ` +
          `(Flux installs everything else; these apps stay not ready until they exist):\n${missing.map((m) => `  - ${m}`).join('\n')}`,
      );
    else b.deps.reporter.success('EBS CSI driver, AWS Load Balancer Controller and external-dns are installed');
  },
};

/** Secrets, read-only: which exist, and the outside facts for the missing ones (asked now, not after flux). */
const secretLookups: BootstrapStep = {
  describe: ({ inventory, context }) => secretCommands(inventory, context).lookups,
  run: async (b) => {
    b.backend = kubectlBackend(b.run, b.context!);
    b.secretPlans = await inspectSecrets(b.inventory, b.backend, b.options.rotate ?? []);
    b.facts = await collectOutsideFacts(b.secretPlans, { env: b.env, prompts: b.deps.prompts }, FACT_CHECKS);
    const factValues = [...b.facts.values()].flatMap((v) => Object.values(v));
    const backend = b.backend;
    b.redact = (text: string) => backend.redact(redactor([b.token, ...factValues])(text));
  },
};

/** The repository committed (only when it has no commit yet), origin set, and pushed when it can be. */
const publish: BootstrapStep = {
  describe: ({ target, committed, remoteUrl }) => {
    const repo = target.answers.repository;
    return [
      ...(committed === true
        ? []
        : [
            `${git(['init', '--quiet', `--initial-branch=${repo.branch}`], 'unless the folder is a repository already')} && ${git(['add', '--all'])} && ${git(['commit', '--quiet', '--no-verify', '-m', COMMIT_MESSAGE(repo.name)])}`,
          ]),
      git(['remote', 'add', 'origin', remoteUrl], 'unless origin is already set'),
      git(['push', '--set-upstream', 'origin', repo.branch]),
    ];
  },
  run: async (b) => {
    const repo = b.target.answers.repository;
    const { reporter } = b.deps;
    const session = b.session!;
    const local = await ensureCommitted(session, repo.branch, COMMIT_MESSAGE(repo.name));
    if (local.committed) reporter.success(`committed the repository on branch ${repo.branch}`);
    if (local.dirty) reporter.warn('uncommitted changes in the repository are not pushed and will not reach the cluster: commit them and re-run');
    const origin = await ensureOrigin(session, b.remoteUrl);
    b.origin = origin;
    if (origin.added) reporter.success(`origin set to ${origin.url}`);
    if (origin.differs) reporter.warn(`origin is ${origin.url}, but flux bootstrap will use ${b.remoteUrl} (from the answers): make sure they are the same repository`);
    b.push = await pushBranch(session, repo.branch, b.remote!);
    if (b.push.outcome === 'pushed') reporter.success(`pushed ${repo.branch} to origin`);
    else reporter.info(`the hosted repository does not exist yet: flux bootstrap will create ${b.remoteUrl}, then the repository is pushed on top`);
  },
};

/** flux bootstrap: argv from the answers, the token in its environment only, stdin closed. */
const fluxBootstrap: BootstrapStep = {
  describe: ({ target, context, variable }) => [
    showCommand({ command: 'flux', args: fluxBootstrapArgs(target.answers, target.cluster, { context }), secretEnv: variable ? [variable] : [] }),
  ],
  run: async (b) => {
    const { answers, cluster } = b.target;
    const repo = answers.repository;
    const { reporter } = b.deps;
    const args = fluxBootstrapArgs(answers, cluster, { context: b.context! });
    reporter.info(`running ${showCommand({ command: 'flux', args, secretEnv: b.variable ? [b.variable] : [] })}`);
    if (repo.provider === 'git' && !b.variable)
      reporter.info('flux prints a deploy key ("public key: …"): give it read access to the repository (flux then waits, 5 minutes by default, until the cluster can sync)');
    const output: string[] = [];
    const log = b.deps.prompts?.taskLog(`flux bootstrap ${repo.provider}`);
    const result = await b.run('flux', args, {
      env: b.variable && b.token ? { [b.variable]: b.token } : {},
      timeoutMs: 20 * 60_000,
      onLine: (line) => {
        const clean = b.redact(line);
        output.push(clean);
        if (log) log.message(clean);
        else reporter.detail(`  │ ${clean}`);
      },
    });
    if (result.exitCode !== 0) {
      log?.error(`flux bootstrap ${repo.provider} failed`);
      throw bootstrapFailure(b.target, b.options, result.notFound ? ['flux was not found on PATH'] : output, b.push!, b.context!, b.variable);
    }
    if (log) log.success(`flux bootstrap ${repo.provider} finished`);
    else reporter.success(`flux bootstrap ${repo.provider} finished`);
  },
};

/** Bootstrap committed clusters/<name>/flux-system/ upstream: take it, and push what was not pushed yet. */
const takeFluxCommits: BootstrapStep = {
  describe: ({ target }) => {
    const { branch } = target.answers.repository;
    return [git(['pull', '--rebase', '--autostash', '--quiet', 'origin', branch]), git(['push', '--set-upstream', 'origin', branch])];
  },
  run: async (b) => {
    const { branch } = b.target.answers.repository;
    await pullRebaseAndPush(b.session!, branch);
    b.deps.reporter.success(b.push!.outcome === 'pushed' ? `pulled flux's commits into ${branch}` : `pushed ${branch} on top of flux's commits`);
  },
};

/** The cluster's Secrets: create what is missing, rotate what --rotate names; names only in every report. */
const secretApplies: BootstrapStep = {
  describe: ({ inventory, context }) => secretCommands(inventory, context).applies,
  run: async (b) => {
    const context = b.context!;
    b.secrets = await applySecrets(
      b.secretPlans!,
      b.facts!,
      { backend: b.backend!, rotation: kubectlRotationRunner(b.run, context), reporter: b.deps.reporter, env: b.env, prompts: b.deps.prompts },
      context,
    );
    reportSecrets(b.secrets, b.deps.reporter, rerunCommand(b.target, b.options));
  },
};

/** Until the platform is healthy (or --wait-timeout): the `status` view, live; read-only. */
const platformWait: BootstrapStep = {
  describe: ({ context, options }) =>
    options.wait === false
      ? []
      : [`${showCommand({ command: 'kubectl', args: [`--context=${context}`, 'get', FLUX_AND_WORKLOADS.join(','), '--all-namespaces', '--output=json'] })}  # and cert-manager's kinds, Warning events, failing pods' logs: every 10s until every Kustomization is Ready (up to ${options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT})`],
  run: async (b) => {
    if (b.options.wait === false) return;
    const { target } = b;
    const cluster = ` --cluster ${target.cluster.name}${b.options.context ? ` --context ${shellQuote(b.options.context)}` : ''}`;
    b.platform = await waitForPlatform({
      run: b.run,
      context: b.context!,
      answers: target.answers,
      cluster: target.cluster,
      secretsCommand: `npx create-piksel-gitops secrets ${shellQuote(target.shownDir)}${cluster}`,
      statusCommand: `npx create-piksel-gitops status ${shellQuote(target.shownDir)}${cluster}`,
      timeout: b.options.waitTimeout,
      reporter: b.deps.reporter,
      prompts: b.deps.prompts,
      clock: b.deps.clock,
    });
  },
};

/** Bootstrap, in order. Nothing changes before `publish`: every check and question comes first. */
const INSTALL_STEPS: readonly BootstrapStep[] = [localChecks, remoteCheck, clusterChecks, contextBinding, secretLookups, publish, fluxBootstrap, takeFluxCommits, secretApplies];

/** --method operator: the repository must exist, for the operator creates none (checked before the cluster is touched). */
const operatorRemote: BootstrapStep = {
  describe: () => [],
  run: async (b) => {
    if (b.remote === 'missing')
      throw stepError(`${b.remoteUrl} does not exist (or these credentials cannot see it), and the Flux Operator does not create repositories: create it (empty), check the token, then re-run`);
  },
};

/** --method operator: the Flux Operator from its release manifest, waited for until it runs. */
const operatorInstall: BootstrapStep = {
  describe: ({ context }) => operatorInstallArgs(context).map((args) => showCommand({ command: 'kubectl', args })),
  run: async (b) => {
    // Unlike flux bootstrap, the operator creates no repository: the branch must be there to sync.
    if (b.push!.outcome !== 'pushed')
      throw stepError(`${b.remoteUrl} was not pushed to, and the Flux Operator does not create repositories: create it (empty), check the token, then re-run`);
    for (const args of operatorInstallArgs(b.context!)) {
      const result = await b.run('kubectl', args, { timeoutMs: 6 * 60_000 });
      if (result.exitCode !== 0)
        throw stepError(`installing the Flux Operator ${FLUX_OPERATOR.version} failed: check the cluster's access to GitHub releases and ghcr.io, then re-run`, lastLines(b.redact(result.stderr)));
    }
    b.deps.reporter.success(`Flux Operator ${FLUX_OPERATOR.version} is running in flux-system`);
  },
};

/** --method operator: the pull Secret (the token, on stdin only), the FluxInstance, and its first sync. */
const fluxInstance: BootstrapStep = {
  describe: ({ target, context, remoteUrl, variable }) => [
    ...(variable
      ? [showCommand({ command: 'kubectl', args: fluxInstanceApplyArgs(context), stdin: `Secret ${PULL_SECRET.namespace}/${PULL_SECRET.name} (username and ${variable}; never shown)` })]
      : []),
    showCommand({ command: 'kubectl', args: fluxInstanceApplyArgs(context), stdin: `FluxInstance flux-system/flux: Flux ${fluxInstanceVersion()}, syncing ${clusterPath(target.cluster.name)} of ${remoteUrl} (${target.answers.repository.branch})` }),
    showCommand({ command: 'kubectl', args: fluxInstanceWaitArgs(context) }),
  ],
  run: async (b) => {
    const { answers, cluster } = b.target;
    const context = b.context!;
    const apply = async (input: string, what: string) => {
      const result = await b.run('kubectl', fluxInstanceApplyArgs(context), { input, timeoutMs: 60_000 });
      if (result.exitCode !== 0) throw stepError(`applying ${what} failed`, lastLines(b.redact(result.stderr)));
    };
    if (b.token) await apply(secretManifest(PULL_SECRET, { username: tokenUsername(answers.repository), password: b.token }), `Secret ${PULL_SECRET.namespace}/${PULL_SECRET.name}`);
    await apply(fluxInstanceManifest(answers, cluster, b.remoteUrl, b.token !== undefined), 'the FluxInstance');
    const ready = await b.run('kubectl', fluxInstanceWaitArgs(context), { timeoutMs: 11 * 60_000 });
    if (ready.exitCode !== 0)
      throw stepError(
        `the FluxInstance did not become Ready: see \`kubectl --context=${context} -n flux-system describe fluxinstance flux\`; a re-run resumes`,
        lastLines(b.redact(ready.stderr)),
      );
    b.deps.reporter.success(`FluxInstance flux syncs ${clusterPath(cluster.name)} from ${b.remoteUrl}`);
  },
};

/** The operator method, in order: the same checks and publishing, then the operator instead of flux bootstrap. */
const OPERATOR_INSTALL_STEPS: readonly BootstrapStep[] = [localChecks, remoteCheck, operatorRemote, clusterChecks, contextBinding, secretLookups, publish, operatorInstall, fluxInstance, secretApplies];

const installStepsFor = (options: BootstrapOptions) => (options.method === 'operator' ? OPERATOR_INSTALL_STEPS : INSTALL_STEPS);

async function executeBootstrap(target: BootstrapTarget, options: BootstrapOptions, deps: BootstrapDeps): Promise<BootstrapSummary> {
  const env = deps.env ?? process.env;
  const { cluster, answers } = target;
  const variable = tokenVariable(answers.repository);
  const b: BootstrapRun = {
    target,
    options,
    deps,
    env,
    run: scopedRunner(deps.run, env),
    // This cluster's values: on a shared PostgreSQL server its role names carry its prefix.
    inventory: secretInventory(answers, undefined, cluster),
    variable,
    remoteUrl: repositoryRemoteUrl(answers.repository),
    redact: (text) => redactor([])(text),
  };
  deps.reporter.info(`Bootstrapping Flux for cluster ${cluster.name} (${clusterPath(cluster.name)}) from ${target.shownDir}`);
  for (const step of installStepsFor(options)) await step.run(b);
  const slackId = b.inventory.find((s) => s.source.kind === 'external' && Object.values(s.source.env).includes(SLACK_WEBHOOK_VARIABLE));
  const secrets = b.secrets!;
  const slackSecret: SlackSecretOutcome = !slackId
    ? 'disabled'
    : secrets.created.includes(secretId(slackId)) || secrets.rotated.includes(secretId(slackId))
      ? 'applied'
      : secrets.kept.includes(secretId(slackId))
        ? 'kept'
        : 'not-given';
  deps.reporter.success(`Flux on context ${b.context} now reconciles ${clusterPath(cluster.name)} from ${b.remoteUrl} (${answers.repository.branch})`);
  await platformWait.run(b);
  return {
    ...summaryBase(target),
    mode: 'bootstrap',
    context: b.context,
    fluxVersion: b.fluxVersion,
    remote: b.origin!.url,
    pushedAfterBootstrap: b.push!.outcome !== 'pushed',
    slackSecret,
    secrets,
    commands: [],
    ...(b.platform ? { platform: b.platform } : {}),
  };
}

/**
 * --dry-run: the steps' own descriptions, in order, secrets as ***. Nothing changes and neither flux
 * nor kubectl runs: flux is looked up on PATH and the kube context read from the kubeconfig, so the
 * plan can say what would stop a real run; .git tells whether a commit would be made.
 */
export async function planBootstrap(target: BootstrapTarget, options: BootstrapOptions, deps: BootstrapDeps): Promise<BootstrapSummary> {
  const env = deps.env ?? process.env;
  const { answers, cluster } = target;
  const variable = tokenVariable(answers.repository);
  const inventory = secretInventory(answers, undefined, cluster);
  const committed = await hasCommit(target.dir);
  const view: BootstrapView = {
    target,
    options,
    context: options.context ?? '<current context>',
    remoteUrl: repositoryRemoteUrl(answers.repository),
    variable,
    inventory,
    committed,
  };
  // Then the wait, after Flux is said to reconcile, so that the run ends with the apps' URLs.
  const commands = [...installStepsFor(options), platformWait].flatMap((step) => step.describe(view));
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
  for (const secret of inventory) {
    const unset = secret.source.kind === 'external' ? Object.values(secret.source.env).filter((v) => !env[v]) : [];
    if (unset.length > 0)
      deps.reporter.warn(`${unset.join(', ')} not set: bootstrap would ask in a terminal (hidden), or create the other Secrets and print how to create ${secretId(secret)}`);
  }
  return {
    ...summaryBase(target),
    mode: 'dry-run',
    context: options.context,
    pushedAfterBootstrap: false,
    slackSecret: answers.slack.enabled ? 'planned' : 'disabled',
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

/** The Secret steps as a dry run shows them: the lookups (before any change), then the applies; names only. */
export function secretCommands(inventory: readonly SecretRequirement[], context: string): { lookups: string[]; applies: string[] } {
  const owned = inventory.filter((s) => s.source.kind !== 'chart');
  if (owned.length === 0) return { lookups: [], applies: [] };
  const outside = [...new Set(owned.flatMap((s) => (s.source.kind === 'external' ? Object.values(s.source.env) : [])))];
  return {
    lookups: secretLookupCommands(context, owned).map(({ args }) => showCommand({ command: 'kubectl', args })),
    applies: [
      `${showCommand({ command: 'kubectl', args: [`--context=${context}`, 'get', 'namespace', 'NAME', '--ignore-not-found', '--output=name'] })}  # each namespace a missing Secret goes to`,
      showCommand({
        command: 'kubectl',
        args: applyArgs(context),
        stdin: `each missing Secret (and its namespace), values generated or from ${outside.join(', ')}; never shown`,
      }),
    ],
  };
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
  push: { outcome: 'pushed' | 'deferred' },
  context: string,
  variable: string | undefined,
): Error {
  const text = output.join('\n');
  const cause = fluxFailure(text) ?? 'no output';
  const hint = FAILURE_HINTS.find(([pattern]) => pattern.test(text))?.[1]({ branch: target.answers.repository.branch, context, variable });
  const pushNote = push.outcome === 'pushed' ? [] : ['the repository was not pushed yet (the hosted repository did not exist before bootstrap)'];
  // flux's lines were shown as they came (its live log, or a line each): not again here.
  return stepError(`flux bootstrap failed: ${cause}`, [
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
