import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Global setup: the CLI processes tests start keep their kustomize build cache in a temporary
 * folder (XDG_CACHE_HOME), never in the developer's ~/.cache; removed after the run.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'piksel-test-cache-'));
  process.env.XDG_CACHE_HOME = dir;
  return () => rm(dir, { recursive: true, force: true });
}
