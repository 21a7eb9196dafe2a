import { kustomizationBuild, type BuildOutcome, type KustomizeBuilder } from './builds.js';
import type { ClusterBuild } from './cluster-objects.js';
import type { KustomizationModel } from './kustomization-files.js';
import { objectLabel, str } from './objects.js';
import type { RepoPath } from './repo-paths.js';
import type { Finding } from './types.js';
import { lineOfPath } from './yaml.js';

/**
 * Builds every kustomization folder, outermost first. A folder's build contains the full build
 * of each folder it includes, so those are built on their own only when the outer build fails (to
 * find the folder at fault). Objects are then checked as the overlays deploy them.
 */
export async function buildFolders(
  models: readonly KustomizationModel[],
  builder: KustomizeBuilder,
  /** Outermost folders not to build (their checks are reused: see check-reuse.ts). */
  skip: ReadonlySet<RepoPath> = new Set(),
): Promise<{ model: KustomizationModel; outcome: BuildOutcome }[]> {
  const buildable = models.filter((m) => !m.isComponent);
  const byDir = new Map(buildable.map((m) => [m.dir, m]));
  const included = new Set(buildable.flatMap((m) => m.dirs));
  const results = new Map<RepoPath, Promise<{ model: KustomizationModel; outcome: BuildOutcome }>>();
  const build = (model: KustomizationModel): Promise<unknown> => {
    let result = results.get(model.dir);
    if (!result) {
      result = builder.build(kustomizationBuild(model.dir)).then(async (outcome) => {
        // Not the folders that include this one back (a cycle): each would wait for the other forever.
        const inner = model.dirs.filter((d) => byDir.has(d) && !reaches(byDir, d, model.dir));
        if (outcome.status === 'failed') await Promise.all(inner.map((d) => build(byDir.get(d)!)));
        return { model, outcome };
      });
      results.set(model.dir, result);
    }
    return result;
  };
  await Promise.all(buildable.filter((m) => !included.has(m.dir) && !skip.has(m.dir)).map(build));
  // Folders only reachable through an include cycle have no outermost folder: build them too.
  const reached = reachableFrom(byDir, [...results.keys(), ...skip]);
  await Promise.all(buildable.filter((m) => !reached.has(m.dir)).map(build));
  return Promise.all(results.values());
}

/** The folders no other folder includes: each is one build (and one unit of check-reuse.ts). */
export function outermostFolders(models: readonly KustomizationModel[]): RepoPath[] {
  const buildable = models.filter((m) => !m.isComponent);
  const included = new Set(buildable.flatMap((m) => m.dirs));
  return buildable.filter((m) => !included.has(m.dir)).map((m) => m.dir);
}

/** Every folder the given ones include, transitively (themselves too): one walk, however many folders a fleet has. */
function reachableFrom(byDir: ReadonlyMap<RepoPath, KustomizationModel>, from: readonly RepoPath[]): Set<RepoPath> {
  const seen = new Set<RepoPath>();
  const pending = [...from];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    pending.push(...(byDir.get(dir)?.dirs ?? []));
  }
  return seen;
}

const reaches = (byDir: ReadonlyMap<RepoPath, KustomizationModel>, from: RepoPath, to: RepoPath, seen = new Set<RepoPath>()): boolean => {
  if (from === to) return true;
  if (seen.has(from)) return false;
  seen.add(from);
  return (byDir.get(from)?.dirs ?? []).some((d) => reaches(byDir, d, to, seen));
};

/**
 * Which build failures to report. A folder that fails because a folder it includes fails (or
 * one of its files is not valid YAML, or an entry is missing) is not reported again: the deepest
 * failure is the one to fix.
 */
export class BuildFailures {
  private readonly failedDirs: Set<RepoPath>;
  private readonly brokenDirs: Set<RepoPath>;

  constructor(
    models: readonly KustomizationModel[],
    private readonly modelByDir: ReadonlyMap<RepoPath, KustomizationModel>,
    private readonly brokenYaml: ReadonlySet<string>,
    private readonly dirResults: readonly { model: KustomizationModel; outcome: BuildOutcome }[],
  ) {
    this.failedDirs = new Set(dirResults.filter((r) => r.outcome.status === 'failed').map((r) => r.model.dir));
    this.brokenDirs = new Set(models.filter((m) => m.findings.length > 0 || this.brokenYaml.has(m.file)).map((m) => m.dir));
  }

  /** The folders a build reads (transitively) and the files in them. */
  private reach(resources: readonly RepoPath[]): { dirs: Set<RepoPath>; files: Set<RepoPath> } {
    const dirs = new Set<RepoPath>();
    const files = new Set<RepoPath>();
    const visit = (path: RepoPath) => {
      const model = this.modelByDir.get(path);
      if (!model) return void files.add(path);
      if (dirs.has(path)) return;
      dirs.add(path);
      files.add(model.file);
      [...model.resourceFiles, ...model.inputFiles].forEach((f) => files.add(f));
      model.dirs.forEach(visit);
    };
    resources.forEach(visit);
    return { dirs, files };
  }

  private causedElsewhere(resources: readonly RepoPath[], self?: RepoPath): boolean {
    const { dirs, files } = this.reach(resources);
    if ([...files].some((f) => this.brokenYaml.has(f))) return true;
    return [...dirs].some((d) => this.brokenDirs.has(d) || (d !== self && this.failedDirs.has(d)));
  }

  dirFindings(): Finding[] {
    return this.dirResults.flatMap(({ model, outcome }): Finding[] =>
      outcome.status !== 'failed' || this.causedElsewhere([model.dir], model.dir)
        ? []
        : [
            {
              severity: 'error',
              check: 'kustomize',
              file: model.file,
              message: `kustomize build of ${model.dir || '.'} fails: ${outcome.message}`,
              hint: `reproduce with \`kubectl kustomize --load-restrictor=LoadRestrictionsNone ${model.dir || '.'}\` and fix what it names`,
            },
          ],
    );
  }

  fluxFinding(build: ClusterBuild): Finding[] {
    if (build.outcome.status !== 'failed' || this.causedElsewhere([...build.request.resources, ...(build.request.components ?? [])])) return [];
    const owner = build.owner;
    if (!owner)
      return [
        {
          severity: 'error',
          check: 'kustomize',
          file: build.request.resources[0] ?? build.clusterDir,
          message: `the cluster folder ${build.clusterDir} does not build as bootstrap's flux-system Kustomization would: ${build.outcome.message}`,
          hint: 'every YAML file under the cluster folder must be a Kubernetes manifest; move other YAML out or list files in a kustomization.yaml',
        },
      ];
    const path = str((owner.object.spec as Record<string, unknown> | undefined)?.path) ?? './';
    const transformed = build.request.patches || build.request.namespace || build.request.images || build.request.components || build.request.namePrefix || build.request.nameSuffix;
    return [
      {
        severity: 'error',
        check: 'kustomize',
        file: owner.file,
        line: owner.source ? lineOfPath(owner.source, ['spec', transformed ? 'patches' : 'path']) : owner.line,
        object: objectLabel(owner.object),
        message: `path ${path} does not build as kustomize-controller would${transformed ? ' (with this Kustomization\'s patches and settings)' : ''}: ${build.outcome.message}`,
        hint: transformed ? 'check that every patch target exists in the build output and the patches apply' : 'make every YAML file under the path a Kubernetes manifest, or add a kustomization.yaml',
      },
    ];
  }
}
