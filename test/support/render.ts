import { parseAnswers } from '../../src/answers/load.js';
import { renderRepository, type RenderResult } from '../../src/render/index.js';
import { bundledTemplatesDir, loadTemplates, type TemplateSet } from '../../src/render/templates.js';
import { writeTree } from '../../src/repository/write.js';

let templates: Promise<TemplateSet> | undefined;
export const bundledTemplates = () => (templates ??= loadTemplates(bundledTemplatesDir()));

/** Renders raw answers (defaults fill the rest) with the shipped templates. */
export async function render(raw: Record<string, unknown> = {}): Promise<RenderResult> {
  return renderRepository({ answers: parseAnswers(raw), templates: await bundledTemplates(), toolVersion: '0.0.0-test' });
}

export async function renderTo(dir: string, raw: Record<string, unknown> = {}): Promise<RenderResult> {
  const result = await render(raw);
  await writeTree(dir, result.files);
  return result;
}
