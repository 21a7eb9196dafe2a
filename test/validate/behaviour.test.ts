import { afterAll, describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { isPikselError } from '../../src/errors.js';
import type { ProcessRunner, RunResult } from '../../src/process.js';
import { renderRepository } from '../../src/render/index.js';
import { bundledTemplatesDir, loadTemplates } from '../../src/render/templates.js';
import { formatReport, validateRepository, type ValidationReport } from '../../src/validate/index.js';
import { defaultFiles, editDoc, findDoc, isKind, removeRepositories, validate, writeRepository, type Files } from './support.js';

const noKubectl: ProcessRunner = async (): Promise<RunResult> => ({ exitCode: 127, stdout: '', stderr: '', notFound: true });

const withBadPrune = async (): Promise<Files> => {
  const files = await defaultFiles();
  const ks = findDoc(files, 'Flux Kustomization', isKind('Kustomization', 'kustomize.toolkit.fluxcd.io'));
  editDoc(files, ks, (doc) => doc.setIn(['spec', 'prune'], 'yes'));
  return files;
};

// Temporary repositories go when the whole file is done (tests of a file run concurrently).
afterAll(removeRepositories);

describe.concurrent('validate without kubectl', () => {
  it('warns once, skips the builds, and still checks the objects as written', async () => {
    const report = await validateRepository(await writeRepository(await withBadPrune()), { runner: noKubectl });
    expect(report.stats.builds).toBe(0);
    expect(report.findings.filter((f) => f.check === 'kustomize')).toEqual([
      expect.objectContaining({ severity: 'warning', message: expect.stringMatching(/kubectl was not found/) }),
    ]);
    expect(report.findings).toContainEqual(expect.objectContaining({ severity: 'error', check: 'schema', message: 'spec.prune must be a boolean, not string "yes"' }));
  });

  it('makes the missing kubectl an error with strict', async () => {
    const report = await validateRepository(await writeRepository(await defaultFiles()), { runner: noKubectl, strict: true });
    expect(report.ok).toBe(false);
    expect(report.findings).toEqual([expect.objectContaining({ severity: 'error', check: 'kustomize', message: expect.stringMatching(/kubectl was not found/) })]);
  });

  it('keeps the graph checks, from the files as written', async () => {
    const files = await defaultFiles();
    const apps = findDoc(files, 'Kustomization apps', (v) => isKind('Kustomization', 'kustomize.toolkit.fluxcd.io')(v) && (v.metadata as { name: string }).name === 'apps');
    editDoc(files, apps, (doc) => doc.setIn(['spec', 'dependsOn'], [{ name: 'nothing' }]));
    const report = await validateRepository(await writeRepository(files), { runner: noKubectl });
    expect(report.findings).toContainEqual(expect.objectContaining({ check: 'graph', file: apps.file, message: expect.stringMatching(/dependsOn 'flux-system\/nothing'/) }));
  });
});

describe.concurrent('validate runs kubectl through the process runner', () => {
  it('with the controller options, concurrently at most 4 at a time', async () => {
    const { runProcess } = await import('../../src/process.js');
    const calls: string[][] = [];
    let running = 0;
    let most = 0;
    const recording: ProcessRunner = async (command, args, options) => {
      calls.push([command, ...args]);
      most = Math.max(most, ++running);
      try {
        return await runProcess(command, args, options);
      } finally {
        running--;
      }
    };
    const report = await validateRepository(await writeRepository(await defaultFiles()), { runner: recording });
    expect(report.ok).toBe(true);
    expect(calls.length).toBe(report.stats.kubectlRuns);
    expect(calls.length).toBeLessThan(report.stats.builds); // builds made together share kubectl runs
    expect(calls.every(([command, sub, flag]) => command === 'kubectl' && sub === 'kustomize' && flag === '--load-restrictor=LoadRestrictionsNone')).toBe(true);
    expect(most).toBeLessThanOrEqual(4);
  });
});

describe.concurrent('validate options and output', () => {
  it('rejects a folder that does not exist, and an unknown cluster, as input errors', async () => {
    await expect(validate('/nonexistent/piksel')).rejects.toSatisfy((e: unknown) => isPikselError(e) && e.exitCode === 2);
    const dir = await writeRepository(await defaultFiles());
    await expect(validate(dir, { cluster: 'production' })).rejects.toSatisfy(
      (e: unknown) => isPikselError(e) && /--cluster production/.test(e.message) && e.details.join().includes('development'),
    );
  });

  it('--cluster limits the graph checks to that cluster', async () => {
    const templates = await loadTemplates(bundledTemplatesDir());
    const answers = parseAnswers({ clusters: [{ name: 'development' }, { name: 'staging' }] });
    const files: Files = new Map(renderRepository({ answers, templates, toolVersion: '0.0.0-test' }).files);
    const ks = findDoc(files, 'staging apps', (v, file) => file.startsWith('clusters/staging/') && isKind('Kustomization', 'kustomize.toolkit.fluxcd.io')(v) && (v.metadata as { name: string }).name === 'apps');
    editDoc(files, ks, (doc) => doc.setIn(['spec', 'path'], './apps/nowhere'));
    const dir = await writeRepository(files);
    const [all, development, staging] = await Promise.all([
      validate(dir),
      validate(dir, { cluster: 'development' }),
      validate(dir, { cluster: 'staging' }),
    ]);
    const pathErrors = (r: ValidationReport) => r.findings.filter((f) => f.check === 'graph' && f.message.includes('./apps/nowhere'));
    expect(pathErrors(all)).toHaveLength(1);
    expect(pathErrors(staging)).toEqual([expect.objectContaining({ file: ks.file, severity: 'error' })]);
    expect(pathErrors(development)).toEqual([]);
    expect(development.ok).toBe(true);
  });

  it('formats one line per finding, then a summary', () => {
    const report: ValidationReport = {
      ok: false,
      findings: [
        { severity: 'error', check: 'graph', file: 'clusters/dev/apps.yaml', line: 12, object: 'Kustomization/flux-system/apps', message: "dependsOn 'flux-system/x' names no Kustomization", hint: 'define it' },
        { severity: 'warning', check: 'kustomize', file: '.', message: 'kubectl was not found', hint: 'install kubectl' },
      ],
      stats: { files: 3, objects: 7, builds: 1 },
    };
    expect(formatReport(report).split('\n')).toEqual([
      "clusters/dev/apps.yaml:12: error [graph] Kustomization/flux-system/apps: dependsOn 'flux-system/x' names no Kustomization — define it",
      '.: warning [kustomize] kubectl was not found — install kubectl',
      'invalid: 1 error, 1 warning (3 YAML files, 7 objects, 1 kustomize build)',
    ]);
  });

  it('returns a report that is its own --json output (plain data, documented shape)', async () => {
    // Uncached, as `validate --json` without a cache folder: stats has exactly these keys.
    const report = await validateRepository(await writeRepository(await withBadPrune()));
    const json = JSON.parse(JSON.stringify(report)) as ValidationReport;
    expect(json).toEqual(report);
    expect(Object.keys(json).sort()).toEqual(['findings', 'ok', 'stats']);
    expect(Object.keys(json.stats).sort()).toEqual(['builds', 'files', 'kubectlRuns', 'objects']);
    for (const f of json.findings) {
      expect(['error', 'warning']).toContain(f.severity);
      expect(['yaml', 'api-version', 'kustomize', 'schema', 'graph', 'secrets']).toContain(f.check);
      expect(typeof f.file).toBe('string');
      expect(typeof f.message).toBe('string');
      expect(typeof f.hint).toBe('string');
    }
    expect(json.ok).toBe(false);
  });
});
