import { DURATION as DURATION_FORMAT } from '../answers/formats.js';
import { groupOf, isFluxGroup, isMap } from './objects.js';
import type { SchemaIssue } from './schema/issues.js';
import { displayPath } from './schema/issues.js';
import type { KubeObject } from './types.js';

/** Flux's Go-duration pattern: no days, no spaces (`1h30m`, `90s`, `500ms`); the answers' own. */
export const DURATION = DURATION_FORMAT.pattern;
const DURATION_FIELDS = new Set(['interval', 'timeout', 'retryInterval']);

/** Parts of a Flux object that are not Flux's own fields: chart values, substitution variables, patches. */
const FREE_FORM = new Set(['spec.values', 'spec.postBuild.substitute', 'spec.patches', 'spec.postRenderers', 'metadata', 'status']);

/** Every `interval`, `timeout` and `retryInterval` of a Flux object must parse as a duration. */
export function checkDurations(object: KubeObject): SchemaIssue[] {
  if (!isFluxGroup(groupOf(object))) return [];
  const issues: SchemaIssue[] = [];
  const walk = (node: unknown, path: (string | number)[]) => {
    if (FREE_FORM.has(displayPath(path))) return;
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...path, i]));
    if (!isMap(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (DURATION_FIELDS.has(key) && (typeof value === 'string' || typeof value === 'number') && !DURATION.test(String(value)) && !String(value).includes('${'))
        issues.push({
          path: [...path, key],
          message: `${displayPath([...path, key])} ${JSON.stringify(value)} is not a duration`,
          hint: `write a Go duration such as 5m, 1h or 1h30m (units ms, s, m, h; no days: 24h, not 1d)`,
        });
      else walk(value, [...path, key]);
    }
  };
  walk(object, []);
  return issues;
}
