import { CLOUDS, ISSUERS, PROVIDERS, SEVERITIES } from '../answers/choices.js';
import { parseSetValue } from '../answers/load.js';
import { newAnswers } from '../answers/required.js';
import { CATALOG } from '../catalog/index.js';
import { selectComponents } from '../catalog/selection.js';
import { answerError, completed, getAt, setAt, type Raw } from './answer-paths.js';
import type { Choice, Prompts } from '../prompts.js';
import { formatLabels, formatTolerations, readLabels, readTolerations } from './text-values.js';

export interface FlowOptions {
  /** A re-run: the stored answers stand; only what they lack is asked. */
  readonly rerun: boolean;
  /** Ask "bootstrap now?" at the end (the command line did not decide it). */
  readonly askBootstrap: boolean;
}

export interface FlowResult {
  readonly raw: Raw;
  readonly bootstrap?: boolean;
}

/**
 * The questions, in groups, for every answer the command line and files left open. Defaults and
 * validation come from the answers schema, so a question accepts exactly what `--set` accepts.
 */
export async function askAnswers(given: Raw, prompts: Prompts, options: FlowOptions): Promise<FlowResult> {
  const flow = new Flow(given, lazySections(prompts));
  if (options.rerun) await askStillNeeded(flow, newAnswers(given));
  else for (const group of GROUPS) await group(flow);
  const bootstrap = options.askBootstrap
    ? await prompts.confirm({ message: 'Bootstrap Flux on the cluster now? (needs flux, kubectl and the git token)', initialValue: false })
    : undefined;
  return { raw: flow.raw, bootstrap };
}

/**
 * A section heading is drawn only when a question (or note) of its section is shown: with an
 * answers file most sections ask nothing, and a heading over nothing is noise.
 */
function lazySections(prompts: Prompts): Prompts {
  let pending: string | undefined;
  const flush = () => {
    if (pending !== undefined) prompts.section(pending);
    pending = undefined;
  };
  return {
    ...prompts,
    text: (q) => (flush(), prompts.text(q)),
    select: (q) => (flush(), prompts.select(q)),
    multiselect: (q) => (flush(), prompts.multiselect(q)),
    confirm: (q) => (flush(), prompts.confirm(q)),
    note: (message, title) => (flush(), prompts.note(message, title)),
    section: (title) => void (pending = title),
  };
}

interface TextQuestion {
  /** Text → answer value (default: the text itself). */
  readonly read?: (text: string) => unknown;
  /** Answer value → text shown as the default. */
  readonly show?: (value: unknown) => string;
  /** An empty answer leaves the key out. */
  readonly optional?: boolean;
}

/** The answers so far, and one method per kind of question. Each asks only what was not given. */
class Flow {
  raw: Raw;
  constructor(
    private readonly given: Raw,
    readonly prompts: Prompts,
  ) {
    this.raw = structuredClone(given);
  }

  isOpen = (path: string) => getAt(this.given, path) === undefined;
  /** The value with defaults applied (defaults may follow earlier answers, e.g. the domain). */
  current = (path: string) => getAt(completed(this.raw), path);
  set = (path: string, value: unknown) => (this.raw = setAt(this.raw, path, value));

  async text(path: string, message: string, q: TextQuestion = {}): Promise<void> {
    if (!this.isOpen(path)) return;
    const read = q.read ?? ((t: string) => t.trim());
    const shown = this.current(path);
    const text = await this.prompts.text({
      message,
      initialValue: shown === undefined ? '' : (q.show ?? String)(shown),
      validate: (value) => {
        if (q.optional && value.trim() === '') return undefined;
        try {
          return answerError(this.raw, path, read(value));
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    if (!(q.optional && text.trim() === '')) this.set(path, read(text));
  }

  async select<T extends string>(path: string, message: string, options: readonly Choice<T>[]): Promise<void> {
    if (!this.isOpen(path)) return;
    this.set(path, await this.prompts.select({ message, options, initialValue: this.current(path) as T }));
  }

  async confirm(path: string, message: string): Promise<void> {
    if (!this.isOpen(path)) return;
    this.set(path, await this.prompts.confirm({ message, initialValue: this.current(path) as boolean }));
  }

  selected = (name: string) => selectComponents(completed(this.raw)!).names.has(name);
}

const choices = <T extends string>(values: readonly T[], hints: Partial<Record<T, string>> = {}): Choice<T>[] =>
  values.map((value) => ({ value, hint: hints[value] }));

const number = (text: string) => parseSetValue(text.trim());

async function repository(flow: Flow): Promise<void> {
  flow.prompts.section('Repository');
  await flow.select('repository.provider', 'Where is the Git repository hosted?', choices(PROVIDERS, {
    'bitbucket-server': 'self-hosted Bitbucket',
    git: 'any Git server, by URL',
  }));
  const provider = flow.current('repository.provider');
  if (provider === 'git') await flow.text('repository.url', 'Clone URL (ssh://… or https://…)');
  if (provider === 'bitbucket-server') await flow.text('repository.hostname', 'Bitbucket server name');
  if (provider === 'gitlab' || provider === 'gitea')
    await flow.text('repository.hostname', `Self-hosted ${provider} server name (empty for ${provider}.com)`, { optional: true });
  await flow.text('repository.owner', provider === 'bitbucket-server' ? 'Project key' : 'Owner (user, organisation or group)');
  await flow.text('repository.name', 'Repository name');
  await flow.text('repository.branch', 'Branch Flux follows');
  if (provider !== 'git') {
    await flow.confirm('repository.personal', `Is ${String(flow.current('repository.owner'))} a personal account (not an organisation)?`);
    await flow.confirm('repository.private', 'Create the repository as private (if it does not exist)?');
  }
}

async function cluster(flow: Flow): Promise<void> {
  flow.prompts.section('Cluster');
  await flow.text('clusters.0.name', 'Cluster name (becomes clusters/<name>/)');
  await flow.text('clusters.0.environment', 'Environment overlay (apps/<environment>/)');
  await flow.text('clusters.0.domain', 'DNS domain the apps are served under');
  await flow.select('clusters.0.cloud', 'Cloud profile', choices(CLOUDS, { generic: 'any Kubernetes cluster', aws: 'EKS: node groups, IRSA, gp3' }));
  if (flow.current('clusters.0.cloud') === 'aws') {
    await flow.text('clusters.0.aws.region', 'AWS region');
    await flow.text('clusters.0.aws.storageClass', 'StorageClass for persistent volumes');
  }
}

/** Controllers that follow other answers (GPU, Slack) are not offered here. */
const OFFERED = CATALOG.filter((c) => c.layer !== 'configs' && !c.toggle);
const FOLLOWING = CATALOG.filter((c) => c.layer === 'controllers' && c.toggle).map((c) => c.name);

async function components(flow: Flow): Promise<void> {
  flow.prompts.section('Components');
  if (!flow.isOpen('components.controllers') || !flow.isOpen('components.apps')) return;
  const defaults = completed(flow.raw)!.components;
  const picked = await flow.prompts.multiselect({
    message: 'Components to deploy (space toggles, enter accepts)',
    options: OFFERED.map((c) => ({ value: c.name, label: c.name, hint: c.title === c.name ? undefined : c.title })),
    initialValues: [...defaults.controllers, ...defaults.apps].filter((n) => OFFERED.some((c) => c.name === n)),
    required: true,
  });
  const of = (...layers: string[]) => OFFERED.filter((c) => layers.includes(c.layer) && picked.includes(c.name)).map((c) => c.name);
  // Answers list the database layer (db-proxy) among the controllers.
  flow.set('components.controllers', [...of('controllers', 'database'), ...FOLLOWING]);
  flow.set('components.apps', of('apps'));
  const { notes } = selectComponents(completed(flow.raw)!);
  const added = notes.filter((n) => !FOLLOWING.some((f) => n.endsWith(`added ${f}`))).map((n) => viaPicked(n, picked));
  if (added.length > 0) flow.prompts.note(added.join('\n'), 'Added what they need');
}

/**
 * "cluster-issuers needs ingress-nginx" names a component the person never saw in the list (a
 * config): say which of their picks brought it in, "argo needs cluster-issuers, which needs ingress-nginx".
 */
function viaPicked(note: string, picked: readonly string[]): string {
  const needer = /^(\S+) needs /.exec(note)?.[1];
  if (!needer || picked.includes(needer)) return note;
  const seen = new Set<string>();
  const chain = (name: string): string[] | undefined => {
    if (seen.has(name)) return undefined;
    seen.add(name);
    for (const c of CATALOG.filter((c) => (c.needs as readonly string[]).includes(name))) {
      if (picked.includes(c.name)) return [c.name];
      const up = chain(c.name);
      if (up) return [...up, c.name];
    }
    return undefined;
  };
  const via = chain(needer);
  if (!via) return note;
  const [first, ...rest] = [...via, needer];
  return `${first} needs ${rest.join(', which needs ')}, which${note.slice(needer.length)}`;
}

async function tls(flow: Flow): Promise<void> {
  if (!flow.selected('cert-manager')) return;
  flow.prompts.section('TLS certificates (cert-manager, Let’s Encrypt)');
  await flow.text('certManager.email', 'ACME account e-mail');
  await flow.select('certManager.issuer', 'Issuer for the ingresses', choices(ISSUERS, {
    'letsencrypt-staging': 'untrusted test certificates, generous limits',
    'letsencrypt-production': 'trusted certificates, strict rate limits',
  }));
}

async function database(flow: Flow): Promise<void> {
  if (!flow.selected('db-proxy')) return;
  flow.prompts.section('Database (PostgreSQL behind db-proxy)');
  await flow.text('database.host', 'PostgreSQL host');
  await flow.text('database.port', 'PostgreSQL port', { read: number });
}

async function gpu(flow: Flow): Promise<void> {
  flow.prompts.section('GPU');
  await flow.confirm('gpu.enabled', 'Do the clusters have NVIDIA GPU nodes? (deploys nvidia-device-plugin)');
  if (flow.current('gpu.enabled') !== true) return;
  await flow.text('gpu.nodeSelector', 'GPU node labels (key=value, comma-separated)', { read: readLabels, show: formatLabels });
  await flow.text('gpu.tolerations', 'Taints GPU pods tolerate (key[=value][:Effect], comma-separated)', { read: readTolerations, show: formatTolerations });
  await flow.text('gpu.timeSlicing', 'Pods sharing one GPU (1 = no time slicing)', { read: number });
  if (flow.selected('jupyterhub')) await flow.confirm('gpu.jupyterProfile', 'Offer a GPU server profile in JupyterHub?');
}

async function slack(flow: Flow): Promise<void> {
  flow.prompts.section('Slack notifications');
  if (flow.isOpen('slack.enabled'))
    flow.prompts.note(
      ['The webhook URL is asked only at bootstrap (or read from', 'SLACK_WEBHOOK_URL) and goes straight into a cluster Secret:', 'it is never stored in the repository.'].join('\n'),
      'Slack webhook',
    );
  await flow.confirm('slack.enabled', 'Send Flux events to Slack?');
  if (flow.current('slack.enabled') !== true) return;
  await flow.text('slack.channel', 'Slack channel (without #)');
  await flow.select('slack.severity', 'Which events', choices(SEVERITIES, { info: 'every reconciliation event', error: 'failures only' }));
  await flow.text('slack.secretName', 'Secret in flux-system holding the webhook');
}

const INTERVALS = ['controllers', 'configs', 'apps'] as const;

async function intervals(flow: Flow): Promise<void> {
  const paths = INTERVALS.map((layer) => `clusters.0.intervals.${layer}`);
  if (!paths.some(flow.isOpen)) return;
  flow.prompts.section('Reconciliation');
  const [controllers, configs, apps] = paths.map((p) => String(flow.current(p)));
  const keep = await flow.prompts.confirm({
    message: `Keep the default reconcile intervals (controllers ${controllers}, configs ${configs}, apps ${apps})?`,
    initialValue: true,
  });
  if (keep) return;
  for (const [i, layer] of INTERVALS.entries()) await flow.text(paths[i]!, `${layer} interval (Go duration, e.g. 30m)`);
}

const GROUPS = [repository, cluster, components, tls, database, gpu, slack, intervals];

/**
 * A re-run asks only what the stored answers lack: usually nothing, or an added cluster's domain
 * and then its own settings.
 */
async function askStillNeeded(flow: Flow, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const cluster = /^clusters\.(\d+)\.domain$/.exec(path);
    const name = cluster && String(getAt(flow.raw, `clusters.${cluster[1]}.name`));
    await flow.text(path, name ? `DNS domain for cluster ${name}` : `New in this version: ${path}`, name ? {} : { read: parseSetValue });
    if (cluster && name) await addedClusterSettings(flow, Number(cluster[1]), name);
  }
}

/**
 * An added cluster's database, issuer, Slack and GPU settings, the repository's values offered as
 * defaults. Only a value that differs is stored, as the cluster's override; a setting the command
 * line or answers file already gave for this cluster is not asked.
 */
async function addedClusterSettings(flow: Flow, index: number, name: string): Promise<void> {
  const at = (key: string) => `clusters.${index}.${key}`;
  const repo = completed(flow.raw)!;
  const override = (path: string, value: unknown, repoValue: unknown) => {
    if (value !== repoValue) flow.set(path, value);
  };
  const ask = async (key: string, message: string, repoValue: unknown, read: (t: string) => unknown = (t) => t.trim()) => {
    if (!flow.isOpen(at(key))) return;
    const text = await flow.prompts.text({
      message,
      initialValue: String(repoValue),
      validate: (value) => answerError(flow.raw, at(key), read(value)),
    });
    override(at(key), read(text), repoValue);
  };
  if (flow.selected('db-proxy')) {
    await ask('database.host', `PostgreSQL host for ${name}`, repo.database.host);
    await ask('database.port', `PostgreSQL port for ${name}`, repo.database.port, number);
  }
  if (flow.selected('cert-manager') && flow.isOpen(at('certManager.issuer'))) {
    const issuer = await flow.prompts.select({ message: `Issuer for ${name}'s ingresses`, options: choices(ISSUERS), initialValue: repo.certManager.issuer });
    override(at('certManager.issuer'), issuer, repo.certManager.issuer);
  }
  if (repo.slack.enabled) {
    await ask('slack.channel', `Slack channel for ${name}'s events (without #)`, repo.slack.channel);
    if (flow.isOpen(at('slack.severity'))) {
      const severity = await flow.prompts.select({ message: `Which of ${name}'s events`, options: choices(SEVERITIES), initialValue: repo.slack.severity });
      override(at('slack.severity'), severity, repo.slack.severity);
    }
  }
  if (flow.isOpen(at('gpu.enabled'))) {
    const enabled = await flow.prompts.confirm({ message: `Does ${name} have NVIDIA GPU nodes?`, initialValue: repo.gpu.enabled });
    override(at('gpu.enabled'), enabled, repo.gpu.enabled);
  }
}
