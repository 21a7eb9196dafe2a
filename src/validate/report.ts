import type { Finding, ValidationReport } from './types.js';

const CHECK_ORDER = ['yaml', 'api-version', 'kustomize', 'schema', 'graph', 'secrets', 'deploy'];

/** Same defect reached through several builds: reported once. Sorted by file, line, check. */
export function normalizeFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const unique = findings.filter((f) => {
    const key = [f.severity, f.check, f.file, f.line, f.object, f.message].join('\0');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      a.file.localeCompare(b.file) ||
      (a.line ?? 0) - (b.line ?? 0) ||
      CHECK_ORDER.indexOf(a.check) - CHECK_ORDER.indexOf(b.check) ||
      a.message.localeCompare(b.message),
  );
}

/** `file:line: error [check] Kind/name: message — hint`, one line per finding, then a summary. */
export function formatReport(report: ValidationReport): string {
  const lines = report.findings.map((f) => {
    const where = f.line !== undefined ? `${f.file}:${f.line}` : f.file;
    return `${where}: ${f.severity} [${f.check}] ${f.object ? `${f.object}: ` : ''}${f.message} — ${f.hint}`;
  });
  const errors = report.findings.filter((f) => f.severity === 'error').length;
  const warnings = report.findings.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  const { files, objects, builds, cachedBuilds, reusedClusters } = report.stats;
  const cached = `${cachedBuilds ? `, ${cachedBuilds} cached` : ''}${reusedClusters ? `; ${plural(reusedClusters, 'unchanged cluster')} not checked again` : ''}`;
  lines.push(
    `${report.ok ? 'valid' : 'invalid'}: ${plural(errors, 'error')}, ${plural(warnings, 'warning')} (${plural(files, 'YAML file')}, ${plural(objects, 'object')}, ${plural(builds, 'kustomize build')}${cached})`,
  );
  return lines.join('\n');
}
