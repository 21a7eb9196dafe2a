import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { bundledTemplatesDir } from '../../src/render/templates.js';
import { tempDir } from './cli.js';

/**
 * A second template version for upgrade tests: a copy of the shipped templates with edits,
 * as a later release of the tool would bring. Each edit replaces one exact text.
 */
export async function patchedTemplates(edits: Record<string, [from: string, to: string][]>): Promise<string> {
  const dir = join(await tempDir('piksel-templates-'), 'templates');
  await cp(bundledTemplatesDir(), dir, { recursive: true });
  for (const [path, replacements] of Object.entries(edits)) {
    let text = await readFile(join(dir, path), 'utf8');
    for (const [from, to] of replacements) {
      if (!text.includes(from)) throw new Error(`template ${path} has no '${from}'`);
      text = text.replace(from, to);
    }
    await writeFile(join(dir, path), text);
  }
  return dir;
}

/** Template v2 used across upgrade tests: changes in cert-manager and envoy-gateway. */
export const V2_EDITS: Record<string, [string, string][]> = {
  'infrastructure/controllers/cert-manager.yaml.hbs': [
    ['  interval: 30m\n', '  interval: 20m\n'],
    ['    crds:\n      enabled: true\n', '    crds:\n      enabled: true\n    prometheus:\n      enabled: true\n'],
  ],
  'infrastructure/controllers/envoy-gateway.yaml.hbs': [['  chartRef:\n', '  timeout: 10m\n  chartRef:\n']],
};
