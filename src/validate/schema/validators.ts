import { createHash } from 'node:crypto';
import { Ajv, type CodeOptions } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { OpenApiSchema } from './openapi.js';

// ajv-formats is CommonJS: under Node's ESM loader the default import is module.exports itself.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/**
 * The one ajv configuration, shared by the run-time compiler (CRDs read from a repository) and
 * the build-time one (`scripts/build.ts` turns the bundled schemas into standalone code), so both
 * report the same errors. `verbose` puts `data`, `schema` and `parentSchema` on each error: the
 * messages in issues.ts are written from them.
 */
export function createAjv(code?: CodeOptions): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, logger: false, ...(code ? { code } : {}) });
  addFormats(ajv);
  // Kubernetes formats: a Go duration (checked by the duration check), sized integers.
  for (const format of ['duration', 'int32', 'int64', 'byte', 'quantity', 'int-or-string']) ajv.addFormat(format, true);
  return ajv;
}

/** The key that matches a schema (as written, before strictify) to the validator compiled from it. */
export const schemaHash = (schema: OpenApiSchema): string => createHash('sha1').update(JSON.stringify(schema)).digest('hex');
