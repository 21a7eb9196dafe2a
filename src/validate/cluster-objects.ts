import type { BuildOutcome, BuildRequest, BuiltObject, KustomizeBuilder } from './builds.js';
import { clusterRootRequest } from './builds.js';
import { isKustomizationFile } from './files.js';
import { applySubstitutions, isFluxKustomization, planFluxPath, substituteVariables } from './flux-paths.js';
import type { KustomizationModel } from './kustomization-files.js';
import { isMap, kindOf, nameOf, namespaceOf, objectLabel } from './objects.js';
import type { RepoIndex, RepoPath } from './repo-paths.js';
import type { Finding, KubeObject, LocatedObject } from './types.js';
import { isObjectDoc, lineOfPath } from './yaml.js';
import type { SourceDoc } from './types.js';

/** A built object pointed back at the document it was written in (kind and name, else kind). */
export function locator(docsByFile: ReadonlyMap<string, readonly SourceDoc[]>) {
  return (built: BuiltObject, fallbackFile: RepoPath): LocatedObject => {
    const file = built.file ?? fallbackFile;
    const candidates = (docsByFile.get(file) ?? []).filter(isObjectDoc);
    const source =
      candidates.find((d) => kindOf(d.value) === kindOf(built.object) && nameOf(d.value) === nameOf(built.object)) ??
      candidates.find((d) => kindOf(d.value) === kindOf(built.object));
    return { object: built.object, file, line: source?.line, source };
  };
}

/**
 * Without a build (no kubectl, or the build failed), what a build would contain, read from the
 * files: the kustomization resources followed, `namespace:` applied, patches not.
 */
export function staticExpander(
  modelByDir: ReadonlyMap<RepoPath, KustomizationModel>,
  docsByFile: ReadonlyMap<string, readonly SourceDoc[]>,
  isNamespaced: (apiVersion: string, kind: string) => boolean | undefined,
) {
  const withNamespace = (object: KubeObject, namespace: string | undefined): KubeObject => {
    if (!namespace || !isNamespaced(String(object.apiVersion), kindOf(object))) return object;
    return { ...object, metadata: { ...(isMap(object.metadata) ? object.metadata : {}), namespace } };
  };
  return (request: BuildRequest): BuiltObject[] => {
    const out: BuiltObject[] = [];
    const visited = new Set<RepoPath>();
    const fromFile = (file: RepoPath, namespace?: string) => {
      if (isKustomizationFile(file)) return;
      for (const d of (docsByFile.get(file) ?? []).filter(isObjectDoc)) out.push({ object: withNamespace(d.value, namespace), file });
    };
    const fromDir = (dir: RepoPath, namespace?: string) => {
      const model = modelByDir.get(dir);
      if (!model || visited.has(dir)) return;
      visited.add(dir);
      const ns = namespace ?? model.namespace;
      model.resourceFiles.forEach((f) => fromFile(f, ns));
      model.dirs.forEach((d) => fromDir(d, ns));
    };
    for (const resource of [...request.resources, ...(request.components ?? [])]) {
      if (modelByDir.has(resource)) fromDir(resource, request.namespace);
      else fromFile(resource, request.namespace);
    }
    return out;
  };
}

/** A build made for a cluster: the cluster root, or a Flux Kustomization's path. */
export interface ClusterBuild {
  readonly request: BuildRequest;
  readonly outcome: BuildOutcome;
  readonly objects: readonly LocatedObject[];
  /** The Flux Kustomization whose path this is; undefined for the cluster root. */
  readonly owner?: LocatedObject;
  readonly clusterDir: RepoPath;
  /** The folder of the owner's path; null for the cluster root. */
  readonly dir: RepoPath | null;
}

export interface ClusterResult {
  readonly name: string;
  readonly objects: readonly LocatedObject[];
  readonly builds: readonly ClusterBuild[];
  readonly findings: readonly Finding[];
  /** A Flux Kustomization's path could not be followed. */
  readonly incomplete: boolean;
}

export interface ClusterContext {
  readonly repo: RepoIndex;
  readonly builder: KustomizeBuilder;
  readonly locate: (built: BuiltObject, fallbackFile: RepoPath) => LocatedObject;
  readonly expandStatically: (request: BuildRequest) => BuiltObject[];
}

/**
 * Everything a cluster reconciles: its folder (as bootstrap's flux-system Kustomization builds it),
 * then the path of every Flux Kustomization found there, and so on down.
 */
export async function collectCluster(name: string, ctx: ClusterContext): Promise<ClusterResult> {
  const clusterDir = `clusters/${name}`;
  const objects: LocatedObject[] = [];
  const builds: ClusterBuild[] = [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  let incomplete = false;

  // Level by level: each level's builds run together, and their results are taken in the order
  // the Kustomizations are listed, so what the cluster holds never depends on which build ended first.
  type Pending = { readonly request: BuildRequest; readonly owner?: LocatedObject; readonly dir: RepoPath | null };
  let level: Pending[] = [{ request: clusterRootRequest(ctx.repo, clusterDir), dir: null }];
  while (level.length > 0) {
    const outcomes = await Promise.all(level.map((p) => ctx.builder.build(p.request)));
    const next: Pending[] = [];
    level.forEach(({ request, owner, dir }, i) => {
      const outcome = outcomes[i]!;
      const variables = owner && substituteVariables(owner.object);
      // A failed build (often a YAML error, reported on its own) may hide objects: the graph is partial.
      if (outcome.status === 'failed') incomplete = true;
      const raw = outcome.status === 'ok' ? outcome.objects : ctx.expandStatically(request);
      const located = raw.map((b) =>
        ctx.locate(variables ? { ...b, object: applySubstitutions(b.object, variables) as KubeObject } : b, b.file ?? owner?.file ?? clusterDir),
      );
      builds.push({ request, outcome, objects: located, owner, clusterDir, dir });
      objects.push(...located);
      for (const ks of located) {
        const id = `${namespaceOf(ks.object)}/${nameOf(ks.object)}`;
        if (!isFluxKustomization(ks.object) || seen.has(id)) continue;
        seen.add(id);
        const plan = planFluxPath(ks.object, ctx.repo);
        // Only a finding needs the line (finding it may parse the file again: see yaml.ts).
        const at = () => ({ file: ks.file, line: ks.source ? lineOfPath(ks.source, ['spec', 'path']) : ks.line, object: objectLabel(ks.object) });
        if (plan.kind !== 'build') incomplete = true;
        if (plan.kind === 'missing') findings.push({ severity: 'error', check: 'graph', ...at(), message: plan.message, hint: plan.hint });
        else if (plan.kind === 'external')
          findings.push({
            severity: 'warning',
            check: 'graph',
            ...at(),
            message: `reads ${plan.source}, not this repository: its path is not built or checked`,
            hint: 'validate that source repository separately',
          });
        else if (plan.dir !== clusterDir) next.push({ request: plan.request, owner: ks, dir: plan.dir });
      }
    });
    level = next;
  }
  return { name, objects, builds, findings, incomplete };
}
