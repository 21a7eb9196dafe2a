// The module itself (templates.generated.js) is written by scripts/build.ts and not committed.
import type { PrecompiledTemplate } from './handlebars.js';

/** Every file under `templates/`, precompiled, keyed by its path there. */
export declare const TEMPLATE_SPECS: ReadonlyMap<string, PrecompiledTemplate>;
