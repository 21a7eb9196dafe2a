import { execa } from 'execa';
import { parseAllDocuments } from 'yaml';
import type { FileTree } from '../../src/project/files.js';

export const hasKubectl = await execa('kubectl', ['version', '--client'], { reject: false }).then((r) => r.exitCode === 0, () => false);
export const hasYamllint = await execa('yamllint', ['--version'], { reject: false }).then((r) => r.exitCode === 0, () => false);

const isYaml = (path: string) => /\.ya?ml$/.test(path);

/** Every YAML document parses (duplicate keys are errors, as in Flux). */
export function yamlProblems(files: FileTree): string[] {
  const problems: string[] = [];
  for (const [path, text] of files) {
    if (!isYaml(path)) continue;
    for (const doc of parseAllDocuments(text, { uniqueKeys: true }) as ReturnType<typeof parseAllDocuments> & unknown[])
      for (const error of doc.errors) problems.push(`${path}: ${error.message.split('\n')[0]}`);
  }
  return problems;
}

export function whitespaceProblems(files: FileTree): string[] {
  const problems: string[] = [];
  for (const [path, text] of files) {
    if (!text.endsWith('\n')) problems.push(`${path}: no final newline`);
    if (text.endsWith('\n\n')) problems.push(`${path}: blank lines at the end`);
    text.split('\n').forEach((line, i) => {
      if (/[ \t]+$/.test(line)) problems.push(`${path}:${i + 1}: trailing whitespace`);
    });
  }
  return problems;
}

/** Values that must never be generated: webhook URLs, tokens, keys. */
const SECRET_PATTERNS: readonly [string, RegExp][] = [
  ['Slack webhook', /hooks\.slack\.com\/(services|workflows)\/[A-Za-z0-9/]+/],
  ['Slack token', /xox[abpors]-[A-Za-z0-9-]{10,}/],
  ['GitHub token', /\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}/],
  ['GitLab token', /glpat-[A-Za-z0-9_-]{20,}/],
  ['AWS access key', /\bAKIA[0-9A-Z]{16}\b/],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
  ['password value', /^\s*(password|adminPassword|token|apiToken|secretToken|cookieSecret)\s*:\s*["']?[^\s"'{}$][^\s"']{3,}/m],
];

export function secretLeaks(files: FileTree): string[] {
  const leaks: string[] = [];
  for (const [path, text] of files)
    for (const [what, pattern] of SECRET_PATTERNS) if (pattern.test(text)) leaks.push(`${path}: ${what}`);
  for (const [path, text] of files) {
    if (!isYaml(path)) continue;
    for (const doc of parseAllDocuments(text) as ReturnType<typeof parseAllDocuments> & unknown[]) {
      const obj = doc.toJS() as { kind?: string; data?: unknown; stringData?: unknown } | null;
      if (obj?.kind === 'Secret' && (obj.data || obj.stringData)) leaks.push(`${path}: a Secret with values`);
    }
  }
  return leaks;
}

/** Folders holding a kustomization.yaml: each must build as kustomize-controller builds it. */
export const kustomizationDirs = (files: FileTree) =>
  [...files.keys()].filter((p) => p.endsWith('/kustomization.yaml')).map((p) => p.slice(0, -'/kustomization.yaml'.length));

export async function kustomizeFailures(root: string, dirs: readonly string[]): Promise<string[]> {
  const failures: string[] = [];
  const queue = [...dirs];
  const worker = async () => {
    for (let dir = queue.shift(); dir !== undefined; dir = queue.shift()) {
      const r = await execa('kubectl', ['kustomize', '--load-restrictor=LoadRestrictionsNone', `${root}/${dir}`], { reject: false });
      if (r.exitCode !== 0) failures.push(`${dir}: ${String(r.stderr).trim().split('\n')[0]}`);
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
  return failures;
}

export async function yamllintFailures(root: string): Promise<string[]> {
  const r = await execa('yamllint', ['--strict', '-f', 'parsable', '-c', `${root}/.yamllint.yaml`, root], { reject: false });
  return r.exitCode === 0 ? [] : String(r.stdout).trim().split('\n');
}
