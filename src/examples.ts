import { readAnswersFile, parseAnswers } from './answers/load.js';
import { renderRepository, type RenderResult } from './render/index.js';
import { bundledTemplatesDir, loadTemplates } from './render/templates.js';

/**
 * Example outputs are rendered with a fixed tool version so they change only when templates,
 * catalog or answers change, not on every release.
 */
export const EXAMPLE_TOOL_VERSION = '0.0.0-example';

export async function renderExample(answersPath: string): Promise<RenderResult> {
  const answers = parseAnswers(await readAnswersFile(answersPath));
  return renderRepository({ answers, templates: await loadTemplates(bundledTemplatesDir()), toolVersion: EXAMPLE_TOOL_VERSION });
}
