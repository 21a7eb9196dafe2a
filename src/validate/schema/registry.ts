import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { apiVersionOf, kindOf } from '../objects.js';
import type { KubeObject } from '../types.js';
import { BUNDLED_BUILTIN_SCHEMAS } from './builtin-bundled.js';
import type { CrdSchema } from './crd-schemas.js';
import { BUNDLED_FLUX_SCHEMAS } from './flux-bundled.js';
import { strictify, type OpenApiSchema } from './openapi.js';
import { createAjv, schemaHash } from './validators.js';

export type SchemaSource = 'crd' | 'bundled';

interface Entry {
  readonly source: SchemaSource;
  readonly schema: OpenApiSchema;
}

/**
 * The bundled schemas compiled at build time (scripts/build.ts): compiling them here took ~0.4 s
 * of every run. Absent before the first build (running from `src/` on a fresh clone); a schema
 * edited since the build no longer matches its hash. Either way it is compiled here instead.
 * Loaded (half a megabyte of code) only by a run that checks an object: see loadPrecompiledValidators.
 */
let precompiled: Promise<void> | undefined;

/** Call before validating objects: without it each bundled schema used is compiled at run time (same errors, slower). */
export function loadPrecompiledValidators(): Promise<void> {
  precompiled ??= import('./validators.generated.js').then(
    (m) => {
      for (const [hash, validate] of m.VALIDATORS as ReadonlyMap<string, ValidateFunction>) if (!byHash.has(hash)) byHash.set(hash, validate);
    },
    () => undefined,
  );
  return precompiled;
}

/**
 * One ajv for the process: validators are kept by schema, so validating many repositories (tests,
 * examples) compiles each CRD schema once, and each object's schema is looked up without
 * re-serialising it.
 */
let sharedAjv: Ajv | undefined;
const byHash = new Map<string, ValidateFunction>();
const bySchema = new WeakMap<OpenApiSchema, ValidateFunction>();

function validatorFor(schema: OpenApiSchema): ValidateFunction {
  let validate = bySchema.get(schema);
  if (validate) return validate;
  const hash = schemaHash(schema);
  validate = byHash.get(hash);
  if (!validate) {
    validate = (sharedAjv ??= createAjv()).compile(strictify(schema));
    byHash.set(hash, validate);
  }
  bySchema.set(schema, validate);
  return validate;
}

/**
 * The schemas objects are checked against, keyed by `apiVersion/Kind`: the repository's own CRDs
 * first (the Flux version it runs), then the bundled ones. A CRD schema is strictified and
 * compiled on first use (the HelmRelease CRD alone takes a few hundred milliseconds).
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
    const validate = validatorFor(entry.schema);
    return validate(object) ? [] : [...(validate.errors ?? [])];
  }
}
