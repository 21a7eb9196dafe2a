// Development aid: render answers (a file, or the defaults) and print or write the tree.
// Usage: npx tsx scripts/render.ts [answers.yaml] [--out DIR]
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { parseAnswers } from '../src/answers/load.js';
import { renderRepository } from '../src/render/index.js';
import { bundledTemplatesDir, loadTemplates } from '../src/render/templates.js';

const args = process.argv.slice(2);
const outIndex = args.indexOf('--out');
const out = outIndex >= 0 ? args.splice(outIndex, 2)[1] : undefined;
const raw = args[0] ? parse(await readFile(args[0], 'utf8')) : {};
const answers = parseAnswers(raw ?? {});
const { files, selection } = renderRepository({ answers, templates: await loadTemplates(bundledTemplatesDir()), toolVersion: '0.0.0-dev' });
for (const note of selection.notes) console.error(`note: ${note}`);
for (const [path, text] of files) {
  if (!out) {
    console.log(`=== ${path}\n${text}`);
    continue;
  }
  await mkdir(dirname(join(out, path)), { recursive: true });
  await writeFile(join(out, path), text);
}
