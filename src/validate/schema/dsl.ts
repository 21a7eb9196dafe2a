import type { OpenApiSchema } from './openapi.js';

/**
 * A few words for writing CRD-style schemas by hand. `object` is closed once strictified
 * (unknown fields are errors); `openObject` keeps unknown fields (for parts we do not model).
 */
export const string = (extra: OpenApiSchema = {}): OpenApiSchema => ({ type: 'string', ...extra });
export const boolean: OpenApiSchema = { type: 'boolean' };
export const integer: OpenApiSchema = { type: 'integer' };
export const intOrString: OpenApiSchema = { 'x-kubernetes-int-or-string': true };
export const oneOf = (...values: string[]): OpenApiSchema => ({ type: 'string', enum: values });
export const list = (items: OpenApiSchema): OpenApiSchema => ({ type: 'array', items });
export const mapOf = (values: OpenApiSchema): OpenApiSchema => ({ type: 'object', additionalProperties: values });
export const object = (properties: Record<string, OpenApiSchema>, required: string[] = []): OpenApiSchema => ({
  type: 'object',
  properties,
  ...(required.length > 0 ? { required } : {}),
});
export const openObject = (properties: Record<string, OpenApiSchema> = {}, required: string[] = []): OpenApiSchema => ({
  ...object(properties, required),
  'x-kubernetes-preserve-unknown-fields': true,
});
export const anything: OpenApiSchema = { 'x-kubernetes-preserve-unknown-fields': true };

/** `{ name }`, the reference to a Secret or ConfigMap in the same namespace. */
export const localRef = object({ name: string() }, ['name']);

/** The root of an object: apiVersion, kind, metadata and the given top-level fields. */
export const resource = (fields: Record<string, OpenApiSchema>, required: string[] = []): OpenApiSchema =>
  object({ apiVersion: string(), kind: string(), metadata: { type: 'object' }, ...fields }, required);
