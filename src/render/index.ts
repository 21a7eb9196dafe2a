import { stringify } from 'yaml';
import { inputError } from '../errors.js';
import type { Answers, ClusterAnswers } from '../answers/schema.js';
import { CATALOG } from '../catalog/index.js';
import { isUnder, templateRoots, type ComponentSpec, type SecretRequirement } from '../catalog/component.js';
import { secretInventory, selectComponents, type Selection } from '../catalog/selection.js';
import { PARTIALS_DIR, renderTemplate } from './handlebars.js';
import type { TemplateSet } from './templates.js';
import { ANSWERS_FILE, type FileTree } from '../project/files.js';
import { clusterView, componentClusterView, componentView, renderContext, repositoryView } from './views.js';

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
  const ctx = renderContext(answers, selection);
  const files = new Map<string, string>();
  // Each view once per cluster, not once per template (the Flux graph is the costly part).
  const views = new Map<string, object>();
  const viewOnce = (key: string, make: () => object) => {
    let view = views.get(key);
    if (!view) views.set(key, (view = make()));
    return view;
  };
  const clusterViewOf = (cluster: ClusterAnswers) => viewOnce(`\0${cluster.name}`, () => clusterView(repoView, answers, cluster, selection));
  const componentClusterViewOf = (owner: ComponentSpec, cluster: ClusterAnswers) =>
    viewOnce(`${owner.name}\0${cluster.name}`, () => componentClusterView(owner, { ...ctx, cluster }));
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
      emit(path, undefined, owner ? componentView(owner, ctx) : repoView);
      continue;
    }
    for (const cluster of answers.clusters) {
      emit(path, cluster, owner ? componentClusterViewOf(owner, cluster) : clusterViewOf(cluster));
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

function answersFileText(answers: Answers, toolVersion: string): string {
  return [
    `# Answers used by create-piksel-gitops ${toolVersion}. No secrets are stored here.`,
    '# Re-run `npx create-piksel-gitops .` in this repository to upgrade or add clusters;',
    '# edit these answers (or pass --set) to change what is generated.',
    '---',
    stringify(answers, { lineWidth: 0 }),
  ].join('\n');
}
