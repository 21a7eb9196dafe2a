import { isMap } from '../objects.js';

/** A CRD-style OpenAPI v3 schema (structural, with the x-kubernetes-* extensions). */
export type OpenApiSchema = Record<string, unknown>;

const PRESERVE = 'x-kubernetes-preserve-unknown-fields';
const INT_OR_STRING = 'x-kubernetes-int-or-string';
const EMBEDDED = 'x-kubernetes-embedded-resource';

/**
 * Turns a CRD schema into a JSON Schema that rejects what the API server would prune or refuse,
 * as flux-schema does:
 * - every object with `properties` is closed (`additionalProperties: false`) unless it preserves
 *   unknown fields, so a misspelt field is an error instead of being silently dropped;
 * - `x-kubernetes-int-or-string` becomes "a string or an integer";
 * - `nullable` becomes a null type;
 * - CEL rules (`x-kubernetes-validations`) are dropped: they are not evaluated offline.
 * Pure: the input is not modified.
 */
export function strictify(schema: OpenApiSchema): OpenApiSchema {
  const out: OpenApiSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'x-kubernetes-validations') continue;
    if (key === 'properties' && isMap(value)) out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isMap(v) ? strictify(v) : v]));
    else if ((key === 'items' || key === 'additionalProperties' || key === 'not') && isMap(value)) out[key] = strictify(value);
    else if ((key === 'allOf' || key === 'anyOf' || key === 'oneOf') && Array.isArray(value)) out[key] = value.map((v) => (isMap(v) ? strictify(v) : v));
    else out[key] = value;
  }
  if (schema[INT_OR_STRING] === true) {
    delete out.type;
    if (!Array.isArray(out.anyOf)) out.anyOf = [{ type: 'string' }, { type: 'integer' }];
  }
  if (schema.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  if (isMap(out.properties) && schema[PRESERVE] !== true && out.additionalProperties === undefined) {
    if (schema[EMBEDDED] === true) out.properties = { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { type: 'object' }, ...out.properties };
    out.additionalProperties = false;
  }
  return out;
}
