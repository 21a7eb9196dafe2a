import { folderRequest, type BuildRequest } from './builds.js';
import { getPath, isMap, namespaceOf, specOf, str } from './objects.js';
import { resolveRepoPath, type RepoIndex, type RepoPath } from './repo-paths.js';
import type { KubeObject } from './types.js';

/** How a Flux Kustomization's `spec.path` is built, or why it cannot be. */
export type FluxPathPlan =
  | { readonly kind: 'build'; readonly dir: RepoPath; readonly request: BuildRequest }
  | { readonly kind: 'missing'; readonly path: string; readonly message: string; readonly hint: string }
  | { readonly kind: 'external'; readonly source: string };

export const isFluxKustomization = (o: KubeObject) => o.kind === 'Kustomization' && typeof o.apiVersion === 'string' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');

/** The GitRepository that `flux bootstrap` creates for this very repository. */
export function readsThisRepository(ks: KubeObject): boolean {
  const ref = specOf(ks).sourceRef;
  if (!isMap(ref)) return false;
  return ref.kind === 'GitRepository' && ref.name === 'flux-system' && (str(ref.namespace) ?? namespaceOf(ks) ?? 'flux-system') === 'flux-system';
}

/** Flux paths are relative to the source root, with or without './'. */
export const fluxPathToRepoPath = (path: string) => resolveRepoPath('', path.replace(/^\/+/, ''));

export function planFluxPath(ks: KubeObject, repo: RepoIndex): FluxPathPlan {
  const spec = specOf(ks);
  if (!readsThisRepository(ks)) {
    const ref = isMap(spec.sourceRef) ? spec.sourceRef : {};
    return { kind: 'external', source: `${String(ref.kind ?? '?')}/${String(ref.name ?? '?')}` };
  }
  const path = str(spec.path) ?? './';
  const dir = fluxPathToRepoPath(path);
  if (dir === undefined)
    return { kind: 'missing', path, message: `spec.path ${path} points outside the repository`, hint: 'write the path relative to the repository root, e.g. ./apps/production' };
  const found = repo.kind(dir);
  if (found !== 'dir')
    return {
      kind: 'missing',
      path,
      message: found === 'file' ? `spec.path ${path} is a file, not a folder` : `spec.path ${path} does not exist in the repository`,
      hint: found === 'file' ? 'point spec.path at the folder that holds the manifests' : `create ${dir} (with a kustomization.yaml) or fix spec.path`,
    };
  const base = folderRequest(repo, dir);
  const components = (Array.isArray(spec.components) ? spec.components : [])
    .filter((c): c is string => typeof c === 'string')
    .map((c) => resolveRepoPath(dir, c))
    .filter((c): c is RepoPath => c !== undefined);
  const request: BuildRequest = {
    ...base,
    ...(components.length ? { components } : {}),
    ...(str(spec.targetNamespace) ? { namespace: str(spec.targetNamespace) } : {}),
    ...(str(spec.namePrefix) ? { namePrefix: str(spec.namePrefix) } : {}),
    ...(str(spec.nameSuffix) ? { nameSuffix: str(spec.nameSuffix) } : {}),
    ...(Array.isArray(spec.patches) && spec.patches.length ? { patches: spec.patches.map((p) => only(p, ['patch', 'target'])) } : {}),
    ...(Array.isArray(spec.images) && spec.images.length ? { images: spec.images.map((i) => only(i, ['name', 'newName', 'newTag', 'digest'])) } : {}),
  };
  return { kind: 'build', dir, request };
}

/**
 * The fields of a patch or image Flux's CRD has. The API server drops any other (a `path:` of a
 * patch, which kustomize would read from the disk of whoever runs validate), and so does this.
 */
const only = (value: unknown, fields: readonly string[]) => (isMap(value) ? Object.fromEntries(fields.filter((f) => f in value).map((f) => [f, value[f]])) : value);

/**
 * postBuild.substitute applied to built objects, as kustomize-controller does after the build:
 * `${VAR}`, `${VAR:=default}` and `${VAR:-default}`. Variables that only substituteFrom knows (a
 * ConfigMap or Secret in the cluster) stay as written.
 */
export function applySubstitutions(value: unknown, variables: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === 'string')
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?[=-]([^}]*))?\}/g, (whole, name: string, fallback: string | undefined) =>
      variables[name] !== undefined ? String(variables[name]) : fallback ?? whole,
    );
  if (Array.isArray(value)) return value.map((v) => applySubstitutions(v, variables));
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, applySubstitutions(v, variables)]));
  return value;
}

export const substituteVariables = (ks: KubeObject): Record<string, unknown> | undefined => {
  const postBuild = getPath(ks, ['spec', 'postBuild']);
  if (!isMap(postBuild)) return undefined;
  return isMap(postBuild.substitute) ? postBuild.substitute : {};
};
