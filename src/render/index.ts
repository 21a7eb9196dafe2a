import { stringify } from 'yaml';
import { clusterSettings, slackChannelName } from '../answers/cluster-settings.js';
import type { Answers, ClusterAnswers } from '../answers/schema.js';
import { CATALOG } from '../catalog/index.js';
import type { ComponentSpec, SecretRequirement } from '../catalog/component.js';
import { SLACK_PROVIDER } from '../catalog/components/notifications.js';
import { selectComponents, type Selection } from '../catalog/selection.js';
import { clusterKustomizations, deploymentFlowMermaid, deploymentSteps } from './flux-graph.js';
import { PARTIALS_DIR, renderTemplate } from './handlebars.js';
import type { TemplateSet } from './templates.js';

export const ANSWERS_FILE = 'piksel-answers.yaml';

/** What a render produces: file contents keyed by repository path, sorted. */
export type FileTree = ReadonlyMap<string, string>;

export interface RenderResult {
  readonly files: FileTree;
  readonly selection: Selection;
  readonly secrets: readonly SecretRequirement[];
}

export interface RenderInput {
  readonly answers: Answers;
  readonly templates: TemplateSet;
  readonly toolVersion: string;
}

/**
 * Answers in, file tree out. Pure: no disk, clock or network; the template sources come in
 * as data. Each template path says what it is rendered for:
 * - `apps/base/<app>/…`, `infrastructure/<layer>/<component>.yaml.hbs`: once, if the component is selected;
 * - `apps/[environment]/<app>/…`: once per cluster, if the app is selected;
 * - any other path with `[cluster]` or `[environment]`: once per cluster;
 * - everything else: once for the repository.
 * A template that renders to nothing but whitespace produces no file.
 */
export function renderRepository({ answers, templates, toolVersion }: RenderInput): RenderResult {
  const selection = selectComponents(answers);
  const secrets = dedupeSecrets(selection.components.flatMap((c) => c.secrets(componentContext(answers, selection))));
  const repoView = repositoryView(answers, selection, secrets, toolVersion);
  const files = new Map<string, string>();
  // Computed once per cluster, not once per template of the cluster (the Flux graph is the costly part).
  const clusterViews = new Map<ClusterAnswers, View>();
  const clusterViewOf = (cluster: ClusterAnswers) => {
    let view = clusterViews.get(cluster);
    if (!view) clusterViews.set(cluster, (view = clusterView(repoView, answers, cluster, selection)));
    return view;
  };
  const emit = (templatePath: string, cluster: ClusterAnswers | undefined, view: object) => {
    const text = renderTemplate(templates, templatePath, view);
    if (text.trim() === '') return;
    files.set(outputPath(templatePath, cluster), text.endsWith('\n') ? text : `${text}\n`);
  };

  for (const path of templates.keys()) {
    if (path.startsWith(PARTIALS_DIR)) continue;
    const owner = componentOfTemplate(path);
    const perCluster = /\[(cluster|environment)\]/.test(path);
    if (owner && !selection.names.has(owner.name)) continue;
    if (!perCluster) {
      emit(path, undefined, owner ? componentSharedView(owner, repoView, answers, selection) : repoView);
      continue;
    }
    for (const cluster of answers.clusters) {
      const cView = clusterViewOf(cluster);
      emit(path, cluster, owner ? componentClusterView(owner, cView, answers, selection, cluster) : cView);
    }
  }
  files.set(ANSWERS_FILE, answersFileText(answers, toolVersion));
  return { files: new Map([...files].sort(([a], [b]) => a.localeCompare(b))), selection, secrets };
}

const outputPath = (templatePath: string, cluster?: ClusterAnswers) =>
  templatePath
    .replace(/\.hbs$/, '')
    .replaceAll('[cluster]', cluster?.name ?? '')
    .replaceAll('[environment]', cluster?.environment ?? '');

/** The component a template belongs to, by where it sits in the tree. */
export function componentOfTemplate(path: string): ComponentSpec | undefined {
  if (path.startsWith('infrastructure/database/')) return CATALOG.find((c) => c.layer === 'database');
  const match =
    /^apps\/(?:base|\[environment\])\/([^/]+)\//.exec(path) ??
    /^infrastructure\/schemas\/([^/]+)\//.exec(path) ??
    /^infrastructure\/(?:controllers|configs)\/([^/]+)\.yaml\.hbs$/.exec(path);
  return match ? CATALOG.find((c) => c.name === match[1]) : undefined;
}

/**
 * The kubectl command that creates a Secret without its values touching argv or shell history:
 * file-like keys (userlist.txt) come from files, the rest from KEY=value lines typed on stdin.
 */
export function createSecretCommand(secret: SecretRequirement): string {
  const files = secret.keys.filter((k) => k.includes('.'));
  const fromFiles = files.map((k) => ` --from-file=${k}=./${k}`).join('');
  const typed = secret.keys.filter((k) => !k.includes('.'));
  const fromStdin = typed.length > 0 ? ` --from-env-file=/dev/stdin  # type: ${typed.map((k) => `${k}=…`).join(' ')}` : '';
  return `kubectl -n ${secret.namespace} create secret generic ${secret.name}${fromFiles}${fromStdin}`;
}

function dedupeSecrets(list: SecretRequirement[]): SecretRequirement[] {
  const seen = new Map<string, SecretRequirement>();
  for (const s of list) seen.set(`${s.namespace}/${s.name}`, s);
  return [...seen.values()];
}

type View = Record<string, unknown>;

function repositoryView(answers: Answers, selection: Selection, secrets: readonly SecretRequirement[], toolVersion: string): View {
  const byLayer = (layer: string) => selection.components.filter((c) => c.layer === layer);
  return {
    answers,
    toolVersion,
    repository: answers.repository,
    certManager: answers.certManager,
    database: answers.database,
    gpu: answers.gpu,
    slack: { ...answers.slack, channel: slackChannelName(answers.slack.channel), provider: SLACK_PROVIDER },
    issuer: answers.certManager.issuer,
    has: Object.fromEntries([...selection.names].map((n) => [n, true])),
    controllers: byLayer('controllers'),
    configs: byLayer('configs'),
    apps: byLayer('apps'),
    components: selection.components,
    charts: selection.components.flatMap((c) => Object.values(c.charts).map((chart) => ({ component: c.name, ...chart }))),
    secrets,
    operatorSecrets: secrets.filter((s) => s.createdBy === 'operator').map((s) => ({ ...s, command: createSecretCommand(s) })),
    clusters: answers.clusters,
    notes: selection.notes,
  };
}

/** Namespaces with HelmReleases: Alert wildcards match names, not namespaces, so each is listed. */
const helmReleaseNamespaces = (selection: Selection) =>
  [...new Set(selection.components.filter((c) => Object.keys(c.charts).length > 0).map((c) => c.namespace))].sort();

function clusterView(repoView: View, answers: Answers, cluster: ClusterAnswers, selection: Selection): View {
  const kustomizations = clusterKustomizations(answers, cluster, selection);
  return {
    ...repoView,
    cluster,
    kustomizations,
    settings: clusterSettings(answers, cluster),
    mermaid: deploymentFlowMermaid(kustomizations, answers, cluster),
    deploymentSteps: deploymentSteps(kustomizations, answers, cluster),
    helmReleaseNamespaces: helmReleaseNamespaces(selection),
    endpoints: selection.components.flatMap((c) => c.hosts.map((h) => ({ component: c.name, url: `https://${h}.${cluster.domain}` }))),
  };
}

const componentContext = (answers: Answers, selection: Selection) => ({ answers, selected: selection.names, components: selection.components });

function componentSharedView(spec: ComponentSpec, repoView: View, answers: Answers, selection: Selection): View {
  return { ...repoView, component: spec, namespace: spec.namespace, charts: spec.charts, ...spec.sharedView?.(componentContext(answers, selection)) };
}

function componentClusterView(spec: ComponentSpec, cView: View, answers: Answers, selection: Selection, cluster: ClusterAnswers): View {
  const ctx = { ...componentContext(answers, selection), cluster };
  return {
    ...cView,
    component: spec,
    namespace: spec.namespace,
    charts: spec.charts,
    hosts: Object.fromEntries(spec.hosts.map((h) => [h, `${h}.${cluster.domain}`])),
    ...spec.sharedView?.(ctx),
    ...spec.clusterView?.(ctx),
  };
}

function answersFileText(answers: Answers, toolVersion: string): string {
  return [
    `# Answers used by create-piksel-gitops ${toolVersion}. No secrets are stored here.`,
    '# Re-run `npx create-piksel-gitops .` in this repository to upgrade or add clusters;',
    '# edit these answers (or pass --set) to change what is generated.',
    '---',
    stringify(answers, { lineWidth: 0 }),
  ].join('\n');
}
