import { stringify } from 'yaml';
import { inputError } from '../errors.js';
import { clusterSettings, slackChannelName } from '../answers/cluster-settings.js';
import type { Answers, ClusterAnswers } from '../answers/schema.js';
import { CATALOG } from '../catalog/index.js';
import { isUnder, templateRoots, type ComponentSpec, type SecretRequirement } from '../catalog/component.js';
import { SLACK_PROVIDER } from '../catalog/components/notifications.js';
import { secretInventory, selectComponents, type Selection } from '../catalog/selection.js';
import { clusterKustomizations, deploymentFlowMermaid, deploymentSteps } from './flux-graph.js';
import { PARTIALS_DIR, renderTemplate } from './handlebars.js';
import type { TemplateSet } from './templates.js';
import { ANSWERS_FILE, type FileTree } from '../project/files.js';

export interface RenderResult {
  /** File contents keyed by repository path, sorted. */
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
  const unowned = unownedTemplates(templates.keys());
  if (unowned.length > 0)
    throw inputError(`templates that no component owns: ${unowned.join(', ')}: name each in a component's \`templates\` (src/catalog/components/) or move it`);
  const selection = selectComponents(answers);
  const secrets = secretInventory(answers, selection);
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

/** The component a template belongs to: the one whose template roots hold it. */
export function componentOfTemplate(path: string): ComponentSpec | undefined {
  return CATALOG.find((c) => isUnder(path, templateRoots(c)));
}

/** Templates the repository itself owns: a layer's list of what it applies, and everything outside apps/ and infrastructure/. */
const LAYER_TEMPLATES = /^(apps\/\[environment\]\/kustomizations?\.yaml\.hbs|infrastructure\/[^/]+\/kustomization\.yaml\.hbs)$/;

/**
 * Templates under apps/ or infrastructure/ that no component owns. Rendering refuses them: such a
 * file would otherwise be rendered for every repository, with no component's view behind it.
 */
export function unownedTemplates(paths: Iterable<string>): string[] {
  return [...paths].filter(
    (p) => /^(apps|infrastructure)\//.test(p) && !LAYER_TEMPLATES.test(p) && componentOfTemplate(p) === undefined,
  );
}

/**
 * The kubectl command that creates a Secret without its values touching argv or shell history:
 * file-like keys (userlist.txt) come from files, the rest from KEY=value lines typed on stdin.
 */
export function createSecretCommand(secret: SecretRequirement): string {
  const files = secret.keys.filter((k) => k.includes('.'));
  const fromFiles = files.map((k) => ` --from-file=${k}=./${k}`).join('');
  const typed = secret.keys.filter((k) => !k.includes('.'));
  const fromStdin = typed.length > 0 ? ' --from-env-file=/dev/stdin' : '';
  return `kubectl -n ${secret.namespace} create secret generic ${secret.name}${fromFiles}${fromStdin}`;
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
    // Named apart from a component view's own `charts`, which would otherwise shadow it.
    pinned: selection.components.flatMap((c) => [
      ...Object.values(c.charts).map((chart) => ({ component: c.name, what: `chart \`${chart.chart}\` from ${chart.repositoryUrl}`, version: chart.version, source: chart.source })),
      ...Object.values(c.images ?? {}).map((image) => ({ component: c.name, what: `image \`${image.name}\``, version: image.tag, source: image.source })),
    ]),
    secrets,
    // The keys typed on stdin are listed one a line in the README (one KEY=value line each).
    operatorSecrets: secrets.filter((s) => s.createdBy === 'operator').map((s) => ({ ...s, command: createSecretCommand(s), typedKeys: s.keys.filter((k) => !k.includes('.')) })),
    operatorNamespaces: [...new Set(secrets.filter((s) => s.createdBy === 'operator').map((s) => s.namespace))],
    clusters: answers.clusters,
    notes: selection.notes,
  };
}

/** Namespaces with HelmReleases: Alert wildcards match names, not namespaces, so each is listed. */
const helmReleaseNamespaces = (components: readonly ComponentSpec[]) =>
  [...new Set(components.filter((c) => Object.keys(c.charts).length > 0).map((c) => c.namespace))].sort();

function clusterView(repoView: View, answers: Answers, cluster: ClusterAnswers, selection: Selection): View {
  const kustomizations = clusterKustomizations(answers, cluster, selection);
  const ctx = { ...componentContext(answers, selection), cluster };
  // What runs on this cluster: the selection, less what this cluster turns off.
  const running = selection.components.filter((c) => c.runsOn?.(ctx) ?? true);
  const byLayer = (layer: string) => running.filter((c) => c.layer === layer);
  return {
    ...repoView,
    cluster,
    kustomizations,
    settings: clusterSettings(answers, cluster),
    mermaid: deploymentFlowMermaid(kustomizations, answers, cluster),
    deploymentSteps: deploymentSteps(kustomizations, answers, cluster),
    helmReleaseNamespaces: helmReleaseNamespaces(running),
    controllers: byLayer('controllers'),
    components: running,
    endpoints: running.flatMap((c) => c.hosts.map((h) => ({ component: c.name, url: `https://${h}.${cluster.domain}` }))),
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
