import { getPath, isMap, str } from '../objects.js';
import type { OpenApiSchema } from './openapi.js';

/** The schema of one served version of a CustomResourceDefinition. */
export interface CrdSchema {
  readonly key: string;
  readonly schema: OpenApiSchema;
  readonly namespaced: boolean;
}

/**
 * Every served version's openAPIV3Schema of the CRDs among these objects (e.g. the documents of
 * `clusters/<name>/flux-system/gotk-components.yaml`), keyed by `group/version/Kind`.
 */
export function schemasFromCrds(objects: readonly unknown[]): CrdSchema[] {
  return objects.flatMap((object): CrdSchema[] => {
    if (!isMap(object) || object.kind !== 'CustomResourceDefinition') return [];
    const group = str(getPath(object, ['spec', 'group']));
    const kind = str(getPath(object, ['spec', 'names', 'kind']));
    const versions = getPath(object, ['spec', 'versions']);
    if (!group || !kind || !Array.isArray(versions)) return [];
    const namespaced = getPath(object, ['spec', 'scope']) !== 'Cluster';
    return versions.flatMap((version): CrdSchema[] => {
      const schema = getPath(version, ['schema', 'openAPIV3Schema']);
      if (!isMap(version) || version.served === false || !isMap(schema) || typeof version.name !== 'string') return [];
      return [{ key: `${group}/${version.name}/${kind}`, schema, namespaced }];
    });
  });
}
