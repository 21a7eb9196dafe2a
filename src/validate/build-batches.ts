import { isMap, str } from './objects.js';
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
  /**
   * kustomize's built-in Kubernetes schema plays no part in the build (patchesSkipSchema): such
   * builds share runs only with each other, which use an empty schema, and finish while the run
   * parsing the schema still works (on another core).
   */
  readonly schemaFree: boolean;
}

export interface BatchMember<T> extends BatchInputs {
  readonly item: T;
}

/**
 * Builds in groups (first fit, in the order given) that list no manifest in common and declare no
 * object of the same kind and name: two clusters' root folders both hold a Kustomization
 * `apps`, which kustomize refuses to put in one run. Builds that need kustomize's schema and
 * builds that do not are kept apart unless `mixed` (a group with one that needs it runs with it).
 */
export function disjointGroups<T>(members: readonly BatchMember<T>[], mixed = false): BatchMember<T>[][] {
  const groups: { members: BatchMember<T>[]; files: Set<RepoPath>; names: Set<string>; schemaFree: boolean }[] = [];
  const overlaps = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].some((x) => b.has(x));
  for (const member of members) {
    let group = groups.find((g) => (mixed || g.schemaFree === member.schemaFree) && !overlaps(member.files, g.files) && !overlaps(member.names, g.names));
    if (!group) groups.push((group = { members: [], files: new Set(), names: new Set(), schemaFree: member.schemaFree }));
    group.members.push(member);
    member.files.forEach((f) => group.files.add(f));
    member.names.forEach((n) => group.names.add(n));
  }
  return groups.map((g) => g.members);
}

/**
 * The objects of a batch, back to the build each came from (its origin file is one of that
 * build's manifests), in the order kustomize gave them; undefined when an object names no build.
 * With `nameOf`, an object must also be one its build declares (`Kind/name`, as declaredNames
 * reads them): an origin annotation written by hand, in any spelling YAML allows, cannot move an
 * object to another build (no two builds of a batch declare the same object).
 */
export function splitBatch<O extends { readonly file?: RepoPath }, T>(objects: readonly O[], members: readonly BatchMember<T>[], nameOf?: (object: O) => string): O[][] | undefined {
  const owner = new Map<RepoPath, number>();
  members.forEach((m, i) => m.files.forEach((f) => owner.set(f, i)));
  const parts = members.map((): O[] => []);
  for (const built of objects) {
    const index = built.file === undefined ? undefined : owner.get(built.file);
    if (index === undefined || (nameOf && !members[index]!.names.has(nameOf(built)))) return undefined;
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

/**
 * The first strategic-merge patch of a kustomize run makes it parse its built-in Kubernetes
 * schema: about 90 ms, more than the rest of a generated repository's builds together. The schema
 * only says how to merge the kinds it holds (Kubernetes' own API groups); a patch of any other
 * kind (a HelmRelease) merges the same without it, and kustomize answers scope questions for
 * built-in kinds from a table of its own (since 4.4; every build here asks for origin annotations,
 * which need 4.5). So when every strategic-merge patch of a build names
 * its own kind, of a group outside Kubernetes (`*.k8s.io` and the unqualified groups), the build
 * may run with an empty schema in place of the built-in one and gives the same objects. A patch
 * with a `target` takes the kinds of what it selects, so it counts as needing the schema, as do
 * a patch that cannot be read and a kustomization declaring a schema of its own (`openapi`).
 * JSON 6902 patches never use it.
 */
export function patchesSkipSchema(kustomization: Record<string, unknown>, readFile: (path: string) => string | undefined): boolean {
  if ('openapi' in kustomization || 'crds' in kustomization) return false;
  const list = (field: string) => (Array.isArray(kustomization[field]) ? (kustomization[field] as unknown[]) : []);
  const strategic = list('patchesStrategicMerge').every((entry) => {
    const text = str(entry);
    return text !== undefined && strategicSkipsSchema(patchDocuments(text.includes('\n') ? text : readFile(text)));
  });
  return strategic && list('patches').every((entry) => isMap(entry) && patchSkipsSchema(entry, readFile));
}

function patchSkipsSchema(patch: Record<string, unknown>, readFile: (path: string) => string | undefined): boolean {
  const path = str(patch.path);
  const docs = patchDocuments(str(patch.patch) ?? (path === undefined ? undefined : readFile(path)));
  if (docs.length > 0 && docs.every((doc) => doc === OPERATIONS)) return true; // JSON 6902
  return patch.target === undefined && strategicSkipsSchema(docs);
}

const strategicSkipsSchema = (docs: readonly (string | undefined)[]) => docs.length > 0 && docs.every((doc) => doc !== OPERATIONS && isForeignApiVersion(doc));

/** An apiVersion whose group is not one kustomize's built-in schema could hold. */
function isForeignApiVersion(apiVersion: string | undefined): boolean {
  const slash = apiVersion?.lastIndexOf('/') ?? -1;
  const group = apiVersion === undefined || slash < 0 ? '' : apiVersion.slice(0, slash);
  return group.includes('.') && !group.endsWith('k8s.io');
}

const OPERATIONS = '(operations)';

/**
 * Each document of a patch, read from its text (this runs before kubectl starts, ahead of the
 * YAML parse): OPERATIONS for a JSON 6902 list, the apiVersion a block mapping names on a
 * top-level line of its own, or undefined when the text does not say so plainly (flow or quoted
 * keys, tags, anchors, the key twice): such a patch counts as needing the schema. No text: none.
 */
function patchDocuments(text: string | undefined): (string | undefined)[] {
  if (text === undefined) return [undefined];
  return text.split(/^---(?:[ \t].*)?$/m).flatMap((doc) => {
    const lines = doc.split('\n').filter((line) => line.trim() !== '' && !/^\s*#/.test(line) && line.trim() !== '...');
    if (lines.length === 0) return [];
    if (/^\s*[-[]/.test(lines[0]!)) return [OPERATIONS];
    if (lines.some((line) => line.startsWith('?'))) return [undefined]; // a complex key could be apiVersion too
    const keyed = lines.filter((line) => /^["']?apiVersion["']?\s*:/.test(line));
    const plain = keyed.length === 1 ? /^apiVersion:[ \t]*(["']?)([\w.-]+\/[\w.-]+|[\w.-]+)\1[ \t]*(?:#.*)?$/.exec(keyed[0]!) : null;
    return [plain?.[2]];
  });
}
