import type { RepoPath } from './repo-paths.js';

/**
 * Several builds in one `kubectl kustomize` run. Starting kubectl costs more than most builds of
 * a generated repository (about 80 ms against a few), so a new repository's fifteen builds run
 * as one: a kustomization that lists each build's own wrapper as a resource.
 *
 * kustomize builds each listed wrapper on its own and only then puts the results together, so
 * each build's objects come out as its own run would give them, provided nothing at the top
 * level reaches across builds. What could (renames fixed up across every object, hash suffixes,
 * vars, namespaces moved under a RoleBinding's subjects) is kept out: only builds whose
 * kustomization files use the fields in BATCHABLE_FIELDS, and whose request moves nothing, join
 * a batch (build-cache.ts, BuildInputs.batchInputs). Builds that list a manifest in common never
 * share a batch, so each object's origin file names exactly one build. Anything else (a failure,
 * an object whose origin names no build) and the builds run one by one, as before.
 */

/** Fields of a kustomization file whose effect stays inside that kustomization's own build. */
export const BATCHABLE_FIELDS: ReadonlySet<string> = new Set([
  'apiVersion',
  'kind',
  'metadata',
  'resources',
  'bases',
  'components',
  'patches',
  'patchesStrategicMerge',
  'patchesJson6902',
  'images',
  'labels',
  'commonLabels',
  'commonAnnotations',
  'replicas',
  'buildMetadata',
]);

/** What a build may share a run with others on: the manifests its objects come from, and the objects they declare. */
export interface BatchInputs {
  readonly files: ReadonlySet<RepoPath>;
  /** `Kind/name` of each object those files declare (namespaces ignored: stricter than kustomize). */
  readonly names: ReadonlySet<string>;
}

export interface BatchMember<T> extends BatchInputs {
  readonly item: T;
}

/**
 * Builds in groups (first fit, in the order given) that list no manifest in common and declare no
 * object of the same kind and name: two clusters' root folders both hold a Kustomization
 * `apps`, which kustomize refuses to put in one run.
 */
export function disjointGroups<T>(members: readonly BatchMember<T>[]): BatchMember<T>[][] {
  const groups: { members: BatchMember<T>[]; files: Set<RepoPath>; names: Set<string> }[] = [];
  const overlaps = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].some((x) => b.has(x));
  for (const member of members) {
    let group = groups.find((g) => !overlaps(member.files, g.files) && !overlaps(member.names, g.names));
    if (!group) groups.push((group = { members: [], files: new Set(), names: new Set() }));
    group.members.push(member);
    member.files.forEach((f) => group.files.add(f));
    member.names.forEach((n) => group.names.add(n));
  }
  return groups.map((g) => g.members);
}

/**
 * The objects of a batch, back to the build each came from (its origin file is one of that
 * build's manifests), in the order kustomize gave them; undefined when an object names no build.
 */
export function splitBatch<O extends { readonly file?: RepoPath }, T>(objects: readonly O[], members: readonly BatchMember<T>[]): O[][] | undefined {
  const owner = new Map<RepoPath, number>();
  members.forEach((m, i) => m.files.forEach((f) => owner.set(f, i)));
  const parts = members.map((): O[] => []);
  for (const built of objects) {
    const index = built.file === undefined ? undefined : owner.get(built.file);
    if (index === undefined) return undefined;
    parts[index]!.push(built);
  }
  return parts;
}

/**
 * `Kind/name` of each document of a manifest, read from the text without parsing it (batches are
 * planned before the manifests are parsed). Only how builds are grouped depends on it: a name
 * missed here at worst puts two same-named objects in one run, which kustomize refuses, and the
 * builds then run one by one.
 */
export function declaredNames(text: string): string[] {
  return text.split(/^---.*$/m).flatMap((doc) => {
    const kind = /^kind:[ \t]*["']?([\w.-]+)/m.exec(doc)?.[1];
    const name = /^metadata:[ \t]*\n(?:[ \t]+.*\n)*?[ \t]+name:[ \t]*["']?([^"'\s#]+)/m.exec(doc)?.[1];
    return kind ? [`${kind}/${name ?? ''}`] : [];
  });
}
