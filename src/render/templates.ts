import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { inputError } from '../errors.js';
import { packageRoot } from '../package-root.js';
import { prepareTemplates, type PrecompiledTemplate, type TemplateSet } from './handlebars.js';
import { createLimiter } from '../limiter.js';

export type { TemplateSet } from './handlebars.js';

/** Template sources keyed by their path under `templates/` (always '/'-separated). */

/** The templates shipped with the package: `templates/` beside `dist/` or `src/`. */
export const bundledTemplatesDir = (): string => join(packageRoot(), 'templates');

/**
 * The shipped templates as precompiled by `scripts/build.ts` (a generated module, not committed).
 * Absent before the first build, e.g. running from `src/` on a fresh clone: everything is then
 * compiled at run time, as it is for `--templates DIR`.
 */
let precompiled: Promise<ReadonlyMap<string, PrecompiledTemplate>> | undefined;
const precompiledTemplates = () =>
  (precompiled ??= import('./templates.generated.js').then(
    (m) => m.TEMPLATE_SPECS,
    () => new Map(),
  ));

const TEMPLATE_FILES_OPEN = 32;

/** Reads a template folder and readies it for rendering (see `prepareTemplates`). */
export async function loadTemplates(dir: string): Promise<TemplateSet> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') throw inputError(`--templates ${dir}: there is no such folder: give the folder that holds the templates`);
    throw e;
  });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  // A bounded number open at once: the template folder grows with the catalog, and a run may be
  // under a small limit of open files (macOS: 256) with its other files open too.
  const limit = createLimiter(TEMPLATE_FILES_OPEN);
  const sources = await Promise.all(files.map((file) => limit(() => readFile(file, 'utf8'))));
  const templates = new Map(files.map((file, i) => [relative(dir, file).split(sep).join('/'), sources[i]!] as const).sort(([a], [b]) => a.localeCompare(b)));
  await prepareTemplates(templates, await precompiledTemplates());
  return templates;
}
