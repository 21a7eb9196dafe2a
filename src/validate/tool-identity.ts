import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageVersion } from '../package-root.js';

let identity: Promise<string> | undefined;

/**
 * Which build of the tool is running: the package version plus the name, size and modification
 * time of every file beside this module (dist/cli.cjs when bundled, the validator's sources when
 * run from src/). Remembered check results and parses are keyed by it, so a rebuilt tool (a
 * development build keeps its version number) never reuses what an older build decided.
 */
export function toolIdentity(): Promise<string> {
  identity ??= (async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const hash = createHash('sha256').update(packageVersion());
    const entries = await readdir(here, { recursive: true, withFileTypes: true }).catch(() => []);
    // Not the compiled-code cache bin/ keeps beside the bundle (dist/.compiled/): it changes, the tool does not.
    const files = entries.filter((e) => e.isFile() && !e.parentPath.split(sep).includes('.compiled')).map((e) => join(e.parentPath, e.name)).sort();
    const stats = await Promise.all(files.map((f) => stat(f).catch(() => undefined)));
    files.forEach((f, i) => hash.update(`\0${f.slice(here.length)}\0${stats[i]?.size}\0${stats[i]?.mtimeMs}`));
    return `${packageVersion()}+${hash.digest('hex').slice(0, 16)}`;
  })();
  return identity;
}
