import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { apiVersionOf, kindOf } from '../objects.js';
import type { KubeObject } from '../types.js';
import { BUNDLED_BUILTIN_SCHEMAS } from './builtin-bundled.js';
import type { CrdSchema } from './crd-schemas.js';
import { BUNDLED_FLUX_SCHEMAS } from './flux-bundled.js';
import { strictify, type OpenApiSchema } from './openapi.js';

// ajv-formats is CommonJS: under Node's ESM loader the default import is module.exports itself.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export type SchemaSource = 'crd' | 'bundled';

interface Entry {
  readonly source: SchemaSource;
  readonly schema: OpenApiSchema;
}

/**
 * One ajv for the process: compiled validators are kept by schema text, so validating many
 * repositories (tests, examples) compiles each schema once.
 */
let sharedAjv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function compile(schema: OpenApiSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let validate = compiled.get(key);
  if (!validate) {
    if (!sharedAjv) {
      sharedAjv = new Ajv({ strict: false, allErrors: true, verbose: true, logger: false });
      addFormats(sharedAjv);
      // Kubernetes formats: a Go duration (checked by the duration check), sized integers.
      for (const format of ['duration', 'int32', 'int64', 'byte', 'quantity', 'int-or-string']) sharedAjv.addFormat(format, true);
    }
    validate = sharedAjv.compile(strictify(schema));
    compiled.set(key, validate);
  }
  return validate;
}

/**
 * The schemas objects are checked against, keyed by `apiVersion/Kind`: the repository's own CRDs
 * first (the Flux version it runs), then the bundled ones. Each schema is strictified and compiled
 * on first use (the HelmRelease CRD alone takes a few hundred milliseconds).
 */
export class SchemaRegistry {
  private readonly entries = new Map<string, Entry>();

  constructor(crds: readonly CrdSchema[] = []) {
    for (const [key, schema] of [...BUNDLED_FLUX_SCHEMAS, ...BUNDLED_BUILTIN_SCHEMAS]) this.entries.set(key, { source: 'bundled', schema });
    for (const crd of crds) this.entries.set(crd.key, { source: 'crd', schema: crd.schema });
  }

  /** Where the schema for this object comes from, or undefined when there is none. */
  sourceOf(object: KubeObject): SchemaSource | undefined {
    return this.entries.get(`${apiVersionOf(object)}/${kindOf(object)}`)?.source;
  }

  /** The schema errors of an object (empty when valid or when no schema is known). */
  validate(object: KubeObject): ErrorObject[] {
    const entry = this.entries.get(`${apiVersionOf(object)}/${kindOf(object)}`);
    if (!entry) return [];
    const validate = compile(entry.schema);
    return validate(object) ? [] : [...(validate.errors ?? [])];
  }
}
