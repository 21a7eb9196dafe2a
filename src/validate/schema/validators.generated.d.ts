// The module itself (validators.generated.js) is written by scripts/build.ts and not committed.
import type { ValidateFunction } from 'ajv';

/** The bundled Flux and built-in schemas as standalone ajv validators, keyed by `schemaHash`. */
export declare const VALIDATORS: ReadonlyMap<string, ValidateFunction>;
