import type { ErrorObject } from 'ajv';
import { isMap } from '../objects.js';

/** A schema violation in words a person can act on, with the path to point at in the source. */
export interface SchemaIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
  readonly hint: string;
}

/** `spec.dependsOn[0].name` */
export const displayPath = (path: readonly (string | number)[]) =>
  path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '') || '(top level)';

/** ajv's JSON pointer, with array indices as numbers (looked up in the object itself). */
function pointerToPath(pointer: string, object: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  let node = object;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const index = Array.isArray(node) ? Number(key) : undefined;
    path.push(index ?? key);
    node = index !== undefined ? (node as unknown[])[index] : isMap(node) ? node[key] : undefined;
  }
  return path;
}

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : `${typeof value} ${JSON.stringify(value)}`);
const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);
const typeWord = (t: string) => (t === 'object' ? 'mapping' : t === 'array' ? 'list' : t);

/** The closest known field name, for "did you mean" (edit distance at most 2, or a case change). */
export function closestName(name: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name, candidate);
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/**
 * ajv errors → issues. `anyOf` branches (int-or-string) collapse into one "a string or an
 * integer"; errors inside a failed branch are not repeated.
 */
export function schemaIssues(errors: readonly ErrorObject[], object: unknown): SchemaIssue[] {
  const branchRoots = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => `${e.schemaPath}/`);
  const issues: SchemaIssue[] = [];
  for (const error of errors) {
    if (branchRoots.some((root) => error.schemaPath.startsWith(root))) continue;
    // `${VAR}` is replaced by Flux's postBuild substitution before the API server sees the value.
    if (typeof error.data === 'string' && error.data.includes('${') && error.keyword !== 'additionalProperties' && error.keyword !== 'required') continue;
    const path = pointerToPath(error.instancePath, object);
    const where = displayPath(path);
    const params = error.params as Record<string, unknown>;
    switch (error.keyword) {
      case 'additionalProperties': {
        const field = String(params.additionalProperty);
        const known = Object.keys((error.parentSchema as { properties?: object } | undefined)?.properties ?? {});
        const suggestion = closestName(field, known);
        issues.push({
          path: [...path, field],
          message: `unknown field '${field}' in ${where}`,
          hint: suggestion
            ? `did you mean '${suggestion}'? The API server would drop or reject '${field}'`
            : `remove it; ${where} accepts: ${known.length > 12 ? `${known.slice(0, 12).join(', ')}, …` : known.join(', ')}`,
        });
        break;
      }
      case 'required':
        issues.push({ path, message: `${where} is missing the required field '${String(params.missingProperty)}'`, hint: `add ${String(params.missingProperty)} to ${where}` });
        break;
      case 'type': {
        const types = (Array.isArray(params.type) ? params.type : String(params.type).split(',')).map(String).filter((t) => t !== 'null').map(typeWord);
        issues.push({ path, message: `${where} must be ${types.map(article).join(' or ')}, not ${describe(error.data)}`, hint: `write ${where} as ${types.map(article).join(' or ')}` });
        break;
      }
      case 'enum': {
        const allowed = (params.allowedValues as unknown[]).map(String);
        issues.push({ path, message: `${where} must be one of ${allowed.join(', ')}, not ${JSON.stringify(error.data)}`, hint: `use one of: ${allowed.join(', ')}` });
        break;
      }
      case 'anyOf':
      case 'oneOf': {
        const branches = ((error.schema as unknown[] | undefined) ?? []).map((b) => (isMap(b) && typeof b.type === 'string' ? b.type : undefined));
        const types = branches.every(Boolean) ? branches.map((t) => article(typeWord(t!))) : undefined;
        issues.push({
          path,
          message: types ? `${where} must be ${types.join(' or ')}, not ${describe(error.data)}` : `${where} ${error.message ?? 'is not valid'}`,
          hint: types ? `write ${where} as ${types.join(' or ')}` : 'compare the field with the CRD schema',
        });
        break;
      }
      case 'pattern':
        issues.push({ path, message: `${where} ${JSON.stringify(error.data)} does not match ${String(params.pattern)}`, hint: 'fix the value to match the pattern' });
        break;
      default:
        issues.push({ path, message: `${where} ${error.message ?? 'is not valid'}`, hint: 'compare the field with the CRD schema' });
    }
  }
  return issues;
}
