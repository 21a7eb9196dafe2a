import { CATALOG } from './index.js';

/**
 * Every chart and image the catalog pins, with where each version was checked, as one Markdown
 * table: the README shows it and a test keeps it in step with the catalog.
 */
export function versionsTable(): string {
  const rows = CATALOG.flatMap((c) => [
    ...Object.values(c.charts).map((chart) => `| ${c.name} | chart | \`${chart.chart}\` | \`${chart.version}\` | ${chart.source} |`),
    ...Object.values(c.images ?? {}).map((image) => `| ${c.name} | image | \`${image.name}\` | \`${image.tag}\` | ${image.source} |`),
  ]);
  const unique = [...new Set(rows)];
  return ['| Component | Kind | Chart or image | Version | Checked against |', '|---|---|---|---|---|', ...unique].join('\n');
}
