import { CLOUDS, PROVIDERS } from '../answers/choices.js';
import { parseSetValue } from '../answers/text-values.js';
import { newAnswers } from '../answers/required.js';
import { ANSWER_SECTIONS, CLUSTER_OVERRIDE_SECTIONS } from '../answers/sections/index.js';
import { choices, type ClusterQuestions, type ListQuestion, type SectionQuestions, type TextQuestion } from '../answers/sections/section.js';
import { CATALOG } from '../catalog/index.js';
import { EDGE_NAMES } from '../catalog/names.js';
import { selectComponents } from '../catalog/selection.js';
import { answerError, completed, getAt, setAt, type Raw } from './answer-paths.js';
import type { Choice, Prompts } from '../prompts.js';

export interface FlowOptions {
  /** A re-run: the stored answers stand; only what they lack is asked. */
  readonly rerun: boolean;
  /** Ask "bootstrap now?" at the end (the command line did not decide it). */
  readonly askBootstrap: boolean;
  /** `given` with defaults of the run's own (the folder's name as the repository's): offered, still asked. */
  readonly defaults?: Raw;
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
  const flow = new Flow(given, lazySections(prompts), options.defaults);
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

/** The answers so far, and one method per kind of question. Each asks only what was not given. */
class Flow implements SectionQuestions {
  raw: Raw;
  constructor(
    private readonly given: Raw,
    readonly prompts: Prompts,
    defaults: Raw = given,
  ) {
    this.raw = structuredClone(defaults);
  }

  isOpen = (path: string) => getAt(this.given, path) === undefined;
  /**
   * The value with defaults applied (defaults may follow earlier answers, e.g. the domain). While
   * an answer the last one made required is still open (a git host's URL), the answers do not
   * complete: then what was answered so far.
   */
  current = (path: string) => getAt(completed(this.raw) ?? this.raw, path);
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

  async multiselect<T extends string>(path: string, message: string, options: readonly Choice<T>[], q: ListQuestion<T>): Promise<void> {
    if (!this.isOpen(path)) return;
    const picked = await this.prompts.multiselect({ message, options, initialValues: q.picked(this.current(path)), required: true });
    this.set(path, q.read(picked));
  }

  async confirm(path: string, message: string): Promise<void> {
    if (!this.isOpen(path)) return;
    this.set(path, await this.prompts.confirm({ message, initialValue: this.current(path) as boolean }));
  }

  selected = (name: string) => selectComponents(completed(this.raw)!).names.has(name);
  section = (title: string) => this.prompts.section(title);
  note = (message: string, title: string) => this.prompts.note(message, title);
}

async function repository(flow: Flow): Promise<void> {
  flow.section('Repository');
  await flow.select('repository.provider', 'Where is the Git repository hosted?', choices(PROVIDERS, {
    'bitbucket-server': 'self-hosted Bitbucket',
    git: 'any Git server, by URL',
  }));
  // Chosen or given, it is in the raw answers now; git and bitbucket-server leave an answer open
  // (URL, server name) until asked next, so the answers do not complete before then.
  const provider = getAt(flow.raw, 'repository.provider');
  if (provider === 'git') await flow.text('repository.url', 'Clone URL (ssh://… or https://…)');
  if (provider === 'bitbucket-server') await flow.text('repository.hostname', 'Bitbucket server name');
  if (provider === 'gitlab' || provider === 'gitea')
    await flow.text('repository.hostname', `Self-hosted ${provider} server name (empty for ${provider}.com)`, { optional: true });
  // A plain git server is reached by its URL alone: it has no owner or account kind to ask about.
  if (provider !== 'git') await flow.text('repository.owner', provider === 'bitbucket-server' ? 'Project key' : 'Owner (user, organisation or group)');
  await flow.text('repository.name', 'Repository name');
  await flow.text('repository.branch', 'Branch Flux follows');
  if (provider !== 'git') {
    await flow.confirm('repository.personal', `Is ${String(flow.current('repository.owner'))} a personal account (not an organisation)?`);
    await flow.confirm('repository.private', 'Create the repository as private (if it does not exist)?');
  }
}

async function cluster(flow: Flow): Promise<void> {
  flow.section('Cluster');
  await flow.text('clusters.0.name', 'Cluster name (becomes clusters/<name>/)');
  await flow.text('clusters.0.environment', 'Environment overlay (apps/<environment>/)');
  await flow.text('clusters.0.domain', 'DNS domain the apps are served under');
  await flow.select('clusters.0.cloud', 'Cloud profile', choices(CLOUDS, { generic: 'any Kubernetes cluster', aws: 'EKS: node groups, IRSA, gp3' }));
  if (flow.current('clusters.0.cloud') === 'aws') {
    await flow.text('clusters.0.aws.region', 'AWS region');
    await flow.text('clusters.0.aws.storageClass', 'StorageClass for persistent volumes');
  }
  await askContext(flow, 0, String(flow.current('clusters.0.name')));
}

/**
 * The kube context a cluster is bound to, so that `secrets`, `bootstrap` and `status` for it never
 * use whatever context happens to be current (that may be another cluster's). Optional: empty
 * leaves the choice to --context or the current context at bootstrap.
 */
async function askContext(flow: Flow, index: number, name: string): Promise<void> {
  await flow.text(`clusters.${index}.context`, `kubectl context of ${name} (empty: decide at bootstrap with --context)`, { optional: true });
}

/** Controllers that follow other answers (GPU, Slack; the edge: its own question) are not offered here. */
const OFFERED = CATALOG.filter((c) => c.layer !== 'configs' && !c.toggle && !(EDGE_NAMES as readonly string[]).includes(c.name));
const FOLLOWING = CATALOG.filter((c) => c.layer === 'controllers' && c.toggle).map((c) => c.name);

async function components(flow: Flow): Promise<void> {
  flow.section('Components');
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
  if (added.length > 0) flow.note(added.join('\n'), 'Added what they need');
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

const INTERVALS = ['controllers', 'configs', 'apps'] as const;

async function intervals(flow: Flow): Promise<void> {
  const paths = INTERVALS.map((layer) => `clusters.0.intervals.${layer}`);
  if (!paths.some(flow.isOpen)) return;
  flow.section('Reconciliation');
  const [controllers, configs, apps] = paths.map((p) => String(flow.current(p)));
  const keep = await flow.prompts.confirm({
    message: `Keep the default reconcile intervals (controllers ${controllers}, configs ${configs}, apps ${apps})?`,
    initialValue: true,
  });
  if (keep) return;
  for (const [i, layer] of INTERVALS.entries()) await flow.text(paths[i]!, `${layer} interval (Go duration, e.g. 30m)`);
}

/** The groups of questions, in order; the components' own settings come from their answer sections. */
const GROUPS: ReadonlyArray<(flow: Flow) => Promise<void>> = [repository, cluster, components, ...ANSWER_SECTIONS.map((s) => s.ask), intervals];

/**
 * A re-run asks only what the stored answers lack: usually nothing, or an added cluster's domain
 * and then its own settings.
 */
async function askStillNeeded(flow: Flow, paths: readonly string[]): Promise<void> {
  for (const path of paths) {
    const cluster = /^clusters\.(\d+)\.domain$/.exec(path);
    const name = cluster && String(getAt(flow.raw, `clusters.${cluster[1]}.name`));
    await flow.text(path, name ? `DNS domain for cluster ${name}` : `New in this version: ${path}`, name ? {} : { read: parseSetValue });
    if (cluster && name) {
      await askContext(flow, Number(cluster[1]), name);
      await addedClusterSettings(flow, Number(cluster[1]), name);
    }
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
  const current = (path: string) => getAt(repo, path);
  const override = (key: string, value: unknown) => {
    if (value !== current(key)) flow.set(at(key), value);
  };
  const questions: ClusterQuestions = {
    name,
    current,
    selected: flow.selected,
    text: async (key, message, read = (t) => t.trim()) => {
      if (!flow.isOpen(at(key))) return;
      const text = await flow.prompts.text({
        message,
        initialValue: String(current(key)),
        validate: (value) => answerError(flow.raw, at(key), read(value)),
      });
      override(key, read(text));
    },
    select: async (key, message, options) => {
      if (flow.isOpen(at(key))) override(key, await flow.prompts.select({ message, options, initialValue: current(key) as never }));
    },
    confirm: async (key, message) => {
      if (flow.isOpen(at(key))) override(key, await flow.prompts.confirm({ message, initialValue: current(key) as boolean }));
    },
  };
  for (const section of CLUSTER_OVERRIDE_SECTIONS) await section.askForCluster(questions);
}
