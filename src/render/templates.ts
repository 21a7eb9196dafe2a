import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { packageRoot } from '../package-root.js';

/** Template sources keyed by their path under `templates/` (always '/'-separated). */
export type TemplateSet = ReadonlyMap<string, string>;

/** The templates shipped with the package: `templates/` beside `dist/` or `src/`. */
export const bundledTemplatesDir = (): string => join(packageRoot(), 'templates');

export async function loadTemplates(dir: string): Promise<TemplateSet> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  const sources = await Promise.all(files.map((file) => readFile(file, 'utf8')));
  return new Map(files.map((file, i) => [relative(dir, file).split(sep).join('/'), sources[i]!] as const).sort(([a], [b]) => a.localeCompare(b)));
}
