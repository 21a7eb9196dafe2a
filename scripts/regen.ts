// Re-renders what the repository ships as generated text: examples/*/output from
// examples/*/answers.yaml, and the README's answers reference. Tests fail when either drifts.
// Usage: npm run regen
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { answersReference } from '../src/answers/reference.js';
import { versionsTable } from '../src/catalog/versions.js';
import { renderExample } from '../src/examples.js';
import { writeTree } from '../src/repository/write.js';

const root = new URL('..', import.meta.url).pathname;
const examplesDir = join(root, 'examples');
for (const name of (await readdir(examplesDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name)) {
  const { files } = await renderExample(join(examplesDir, name, 'answers.yaml'));
  await rm(join(examplesDir, name, 'output'), { recursive: true, force: true });
  await writeTree(join(examplesDir, name, 'output'), files);
  console.log(`examples/${name}/output: ${files.size} files`);
}

const readmePath = join(root, 'README.md');
const readme = await readFile(readmePath, 'utf8');
const updated = readme
  .replace(/(<!-- answers-reference:start -->\n)[\s\S]*?(\n<!-- answers-reference:end -->)/, `$1${answersReference()}$2`)
  .replace(/(<!-- versions:start -->\n)[\s\S]*?(\n<!-- versions:end -->)/, `$1${versionsTable()}$2`);
await writeFile(readmePath, updated);
console.log(updated === readme ? 'README.md: generated sections unchanged' : 'README.md: generated sections updated');
