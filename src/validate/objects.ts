import type { KubeObject } from './types.js';

/** Small readers over parsed YAML: objects from users' files may have any shape. */
export const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export const apiVersionOf = (o: KubeObject) => str(o.apiVersion) ?? '';
export const kindOf = (o: KubeObject) => str(o.kind) ?? '';
export const metadataOf = (o: KubeObject): Record<string, unknown> => (isMap(o.metadata) ? o.metadata : {});
export const nameOf = (o: KubeObject) => str(metadataOf(o).name) ?? '';
export const namespaceOf = (o: KubeObject) => str(metadataOf(o).namespace);
export const specOf = (o: KubeObject): Record<string, unknown> => (isMap(o.spec) ? o.spec : {});

/** `source.toolkit.fluxcd.io/v1` → group and version; core `v1` has the empty group. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

export const groupOf = (o: KubeObject) => splitApiVersion(apiVersionOf(o)).group;

/** `Kind/name` or `Kind/namespace/name`, as findings name objects. */
export function objectLabel(o: KubeObject): string {
  const ns = namespaceOf(o);
  return `${kindOf(o) || '(no kind)'}/${ns ? `${ns}/` : ''}${nameOf(o) || '(no name)'}`;
}

export const isFluxGroup = (group: string) => group.endsWith('.fluxcd.io');

/** A value at a path, or undefined. */
export function getPath(value: unknown, path: readonly (string | number)[]): unknown {
  let node = value;
  for (const key of path) {
    if (Array.isArray(node) && typeof key === 'number') node = node[key];
    else if (isMap(node) && typeof key === 'string') node = node[key];
    else return undefined;
  }
  return node;
}

/** `kind: List`, `SecretList`, …: kustomize (kyaml) unwraps any kind ending in List into its `items`. */
export const isListObject = (value: unknown): value is Record<string, unknown> & { items: unknown[] } =>
  isMap(value) && typeof value.kind === 'string' && value.kind.endsWith('List') && Array.isArray(value.items);

/** A Kubernetes Secret, or a List holding one: its values are never remembered outside the repository (parse and build caches). */
export const holdsSecret = (value: unknown): boolean => isMap(value) && (value.kind === 'Secret' || (isListObject(value) && value.items.some(holdsSecret)));
