import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answersReference } from '../src/answers/reference.js';
import { versionsTable } from '../src/catalog/versions.js';
import { renderExample } from '../src/examples.js';
import { REPO_ROOT } from './support/cli.js';

const EXAMPLES = ['minimal', 'full', 'aws', 'fleet'];

async function readTree(dir: string): Promise<Map<string, string>> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
  return new Map(await Promise.all(files.map(async (f) => [f.slice(dir.length + 1), await readFile(f, 'utf8')] as const)));
}

describe('examples/*/output is what the answers render to (update: npm run regen)', () => {
  it.each(EXAMPLES)('%s', async (name) => {
    const dir = join(REPO_ROOT, 'examples', name);
    const { files } = await renderExample(join(dir, 'answers.yaml'));
    const committed = await readTree(join(dir, 'output'));
    expect([...committed.keys()].sort()).toEqual([...files.keys()].sort());
    for (const [path, text] of files) expect(committed.get(path), path).toBe(text);
  });
});

describe('README answers reference (update: npm run regen)', () => {
  it('matches the schema', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = /<!-- answers-reference:start -->\n([\s\S]*?)\n<!-- answers-reference:end -->/.exec(readme)?.[1];
    expect(section).toBe(answersReference());
  });

  it('lists every pinned chart and image with its provenance', async () => {
    const readme = await readFile(join(REPO_ROOT, 'README.md'), 'utf8');
    const section = /<!-- versions:start -->\n([\s\S]*?)\n<!-- versions:end -->/.exec(readme)?.[1];
    expect(section).toBe(versionsTable());
  });
});
