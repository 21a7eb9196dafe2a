import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { editDistance, nearestName } from '../answers/suggest.js';
import type { CliOptions, Command } from '../commands/options.js';
import { inputError } from '../errors.js';

export type { CliOptions, Command } from '../commands/options.js';

const OPTIONS = {
  yes: { type: 'boolean', short: 'y' },
  answers: { type: 'string' },
  set: { type: 'string', multiple: true },
  cluster: { type: 'string' },
  'dry-run': { type: 'boolean' },
  'no-git': { type: 'boolean' },
  bootstrap: { type: 'boolean' },
  'no-bootstrap': { type: 'boolean' },
  json: { type: 'boolean' },
  force: { type: 'boolean' },
  'allow-dirty': { type: 'boolean' },
  'allow-detached': { type: 'boolean' },
  'restore-deleted': { type: 'boolean' },
  strict: { type: 'boolean' },
  context: { type: 'string' },
  method: { type: 'string' },
  rotate: { type: 'string', multiple: true },
  check: { type: 'boolean' },
  watch: { type: 'boolean' },
  timeout: { type: 'string' },
  'no-wait': { type: 'boolean' },
  'wait-timeout': { type: 'string' },
  templates: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

const COMMANDS: readonly Command[] = ['validate', 'bootstrap', 'secrets', 'status'];

export function parseCliArgs(argv: readonly string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.split('\n')[0]!;
    const unknown = /^Unknown option '(-{1,2}[^']+)'/.exec(message)?.[1];
    if (unknown) {
      const near = nearestName(unknown.replace(/^-+/, ''), Object.keys(OPTIONS));
      throw inputError(`unknown option ${unknown}: ${near ? `did you mean --${near}? ` : ''}see --help`);
    }
    throw inputError(`${message}: see --help`);
  }
  const { values: v, positionals } = parsed;
  // `help [command]` is a subcommand (as in git and npm), never a folder named "help".
  const helpAsked = positionals[0] === 'help';
  if (helpAsked) {
    positionals.shift();
    const topic = positionals[0];
    if (topic !== undefined && !COMMANDS.includes(topic as Command) && topic !== 'create')
      throw inputError(`no help for '${topic}': commands are create, ${COMMANDS.join(', ')} (see --help)`);
  }
  const command = COMMANDS.includes(positionals[0] as Command) ? (positionals.shift() as Command) : 'create';
  if (command === 'create' && !helpAsked && positionals[0] !== undefined) refuseMistypedCommand(positionals[0]);
  if (helpAsked && positionals[0] === 'create') positionals.shift();
  if (positionals.length > 1) throw inputError(`unexpected argument '${positionals[1]}': give at most one folder (see --help)`);
  if (v.bootstrap && v['no-bootstrap']) throw inputError('--bootstrap and --no-bootstrap contradict each other: pass one');
  if (v.method !== undefined && v.method !== 'bootstrap' && v.method !== 'operator')
    throw inputError(`--method ${v.method}: use bootstrap (flux bootstrap, the default) or operator (the Flux Operator and a FluxInstance)`);
  return {
    command,
    dir: positionals[0] ?? (command === 'create' ? 'piksel-gitops' : '.'),
    dirGiven: positionals[0] !== undefined,
    yes: v.yes ?? false,
    answersFile: v.answers,
    sets: v.set ?? [],
    cluster: v.cluster,
    dryRun: v['dry-run'] ?? false,
    git: !v['no-git'],
    bootstrap: v.bootstrap ? true : v['no-bootstrap'] ? false : undefined,
    json: v.json ?? false,
    force: v.force ?? false,
    allowDirty: v['allow-dirty'] ?? false,
    allowDetached: v['allow-detached'] ?? false,
    restoreDeleted: v['restore-deleted'] ?? false,
    strict: v.strict ?? false,
    context: v.context,
    method: v.method as CliOptions['method'],
    rotate: v.rotate ?? [],
    check: v.check ?? false,
    watch: v.watch ?? false,
    timeout: v.timeout,
    wait: !v['no-wait'],
    waitTimeout: v['wait-timeout'],
    templatesDir: v.templates,
    help: helpAsked || (v.help ?? false),
    version: v.version ?? false,
  };
}

/**
 * `valdiate` would otherwise ask where to host a new repository in ./valdiate. A bare word a
 * couple of edits from a command, naming nothing that exists, is taken for that command mistyped;
 * `./valdiate` (a path) or an existing folder is still a folder.
 */
function refuseMistypedCommand(word: string): void {
  if (!/^[a-z][a-z-]*$/i.test(word) || existsSync(word)) return;
  const near = [...COMMANDS, 'help']
    .map((command) => ({ command, distance: editDistance(word.toLowerCase(), command) }))
    .filter((c) => c.distance <= Math.min(2, word.length - 2))
    .sort((a, b) => a.distance - b.distance);
  const meant = near[0]?.command;
  if (meant) throw inputError(`'${word}' is not a command: did you mean ${meant}? (to create a repository in a folder of that name, write ./${word})`);
}

/** Each command lists the codes it can return: only create (an upgrade) leaves conflicts (3). */
const EXIT_CODES_TEXT = `Exit codes: 0 done, 1 a step failed, 2 bad input (nothing written), 3 upgrade left conflicts,
130 cancelled.`;

/** `--help`, and `help` / `help create`: the tool's usage and the create options. */
export const HELP = `create-piksel-gitops: a Flux CD GitOps repository for the Piksel platform

Usage
  npx create-piksel-gitops [dir]            create a repository, or upgrade / extend one (re-run)
  create-piksel-gitops validate [dir]       check a repository offline (YAML, schemas, kustomize, graph, deploy)
  create-piksel-gitops bootstrap [dir]      run flux bootstrap for a cluster of an existing repository
  create-piksel-gitops secrets [dir]        create the cluster's missing Secrets (--check, --rotate)
  create-piksel-gitops status [dir]         what Flux reports for each Kustomization, and why one fails (--watch)

Options
  -y, --yes              take defaults for unanswered questions (never touches a cluster)
      --answers FILE     answers file (YAML or JSON)
      --set KEY=VALUE    one answer, e.g. --set gpu.enabled=false (repeatable)
      --cluster NAME     the cluster to add, bootstrap or validate
      --dry-run          show what would be written or run, change nothing
      --no-git           do not init or commit
      --bootstrap        run flux bootstrap after generating (also under --yes)
      --no-bootstrap     do not offer to bootstrap
      --force            write into a non-empty folder this tool did not generate; bootstrap,
                         secrets, status: use a context bound to another cluster
      --allow-dirty      upgrade even with uncommitted changes
      --allow-detached   upgrade even on a detached HEAD (the commit is on no branch)
      --restore-deleted  upgrade: bring back generated files you deleted
      --strict           validate: missing tools are errors, not warnings
      --context NAME     kubectl context for bootstrap, secrets and status
      --method operator  bootstrap: the Flux Operator and a FluxInstance instead of flux bootstrap
      --check            secrets: list present/missing Secrets (exit 1 if any is missing)
      --rotate NAME|all  bootstrap, secrets: new values for a Secret and its partners (repeatable)
      --no-wait          bootstrap: end after the Secrets, without waiting for a healthy platform
      --wait-timeout D   bootstrap: how long to wait for it (default 45m)
      --watch            status: look again until every Kustomization is Ready
      --timeout D        status --watch: how long (default 30m)
      --json             machine-readable summary on stdout
  -h, --help             this help (help COMMAND: a command's own)
  -v, --version          the version

Help on a command: create-piksel-gitops help validate|bootstrap|secrets|status (or COMMAND --help).

${EXIT_CODES_TEXT}`;

const COMMAND_HELP: Record<Exclude<Command, 'create'>, string> = {
  validate: `create-piksel-gitops validate: check a generated repository offline

Usage
  create-piksel-gitops validate [dir]     dir defaults to the current folder

Checks YAML, Flux and Kubernetes schemas, kustomize builds (kubectl), the Flux dependency graph
and that no plaintext secret is committed. Touches no cluster and no network.

Options
      --cluster NAME     check one cluster's tree only
      --strict           missing tools (kubectl) are errors, not warnings
      --json             the report as JSON on stdout
  -h, --help             this help

Exit codes: 0 valid, 1 errors found, 2 bad input.`,
  bootstrap: `create-piksel-gitops bootstrap: install Flux on a cluster from an existing repository

Usage
  create-piksel-gitops bootstrap [dir] --cluster NAME

In order: checks flux, the git token and the kube context (all at once); asks you to confirm the
context and runs flux check --pre; checks that Flux on that context syncs no other repository or
path; looks up which Secrets exist (asking now for the values only you have); commits and pushes
the repository; runs flux bootstrap with --path=clusters/NAME; pulls the commit flux made; creates
the missing Secrets; then waits until every Kustomization is Ready (unless --no-wait).

Options
      --cluster NAME     the cluster to bootstrap (needed when the repository has several)
      --context NAME     kubectl context (default: the current one, confirmed at a terminal)
      --method operator  install the Flux Operator and a FluxInstance (Flux upgraded by the
                         operator) instead of running flux bootstrap (--method bootstrap, the default)
      --dry-run          list the checks and the steps, run nothing
      --rotate NAME|all  new values for a Secret and its partners (repeatable)
      --no-wait          end after flux bootstrap and the Secrets (default: wait until healthy)
      --wait-timeout D   how long to wait for the platform (default 45m)
      --force            bootstrap a context bound to another cluster or syncing another path
  -y, --yes              do not ask (the current kube context is used)
      --no-git           do not commit or push first
      --json             machine-readable summary on stdout
  -h, --help             this help

Exit codes: 0 done (and Ready, when it waited), 1 a step failed or the platform did, 2 bad input,
4 not every Kustomization Ready when the wait ran out, 130 cancelled.`,
  secrets: `create-piksel-gitops secrets: create a cluster's missing Secrets

Usage
  create-piksel-gitops secrets [dir] --cluster NAME [--check]

Creates every Secret marked "bootstrap" in the cluster README that is missing; never replaces
an existing one unless --rotate names it. Values come from the environment or a hidden prompt.

Options
      --cluster NAME     the cluster (needed when the repository has several)
      --context NAME     kubectl context
      --check            only list present/missing Secrets (exit 1 if any is missing)
      --rotate NAME|all  new values for a Secret and its partners (repeatable)
      --dry-run          say what would be created, create nothing
  -y, --yes              do not ask
      --json             machine-readable summary on stdout
  -h, --help             this help

Exit codes: 0 done, 1 a step failed (or --check found a Secret missing), 2 bad input, 130 cancelled.`,
  status: `create-piksel-gitops status: what the cluster reports, layer by layer, app by app

Usage
  create-piksel-gitops status [dir] --cluster NAME [--watch] [--timeout D] [--json]

Reads the cluster's Flux graph from the repository and the live objects through kubectl (read-only):
Ready, progressing, failed or waiting, in the order Flux reconciles, and for each failure the
reason from the object that failed (a pod's log, the scheduler, an ACME challenge, a Secret).

Options
      --cluster NAME     the cluster (needed when the repository has several)
      --context NAME     kubectl context (default: the cluster's clusters[].context, else the current one)
      --watch            look again every 10s until everything is Ready or --timeout passes
      --timeout D        with --watch: how long (a Go duration, default 30m)
      --force            read a context bound to another cluster
      --json             the report as JSON on stdout
  -h, --help             this help

Exit codes: 0 every Kustomization Ready, 1 something failed or is suspended, 2 bad input,
4 still progressing (or --watch ran out of time).`,
};

/** The help of one command: its own usage and options. */
export const helpFor = (command: Command): string => (command === 'create' ? HELP : COMMAND_HELP[command]);
