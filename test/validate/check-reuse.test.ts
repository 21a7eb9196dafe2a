import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { renderRepository } from '../../src/render/index.js';
import { bundledTemplatesDir, loadTemplates } from '../../src/render/templates.js';
import { validateRepository, type ValidationReport } from '../../src/validate/index.js';
import { editDoc, findDoc, isKind, removeRepositories, writeRepository, type Files } from './support.js';
import { cacheFolders, countingRunner } from '../support/kubectl.js';

// Reusing the checks of unchanged clusters (src/validate/check-reuse.ts): what is skipped, what is
// checked again, and that an error in a changed file is reported whatever the cache holds.

const newCacheDir = cacheFolders('piksel-check-reuse-test-');
afterAll(removeRepositories);

/** Two clusters, `east` and `west`, sharing apps/base/* and infrastructure/*. */
async function twoClusters(): Promise<Files> {
  const templates = await loadTemplates(bundledTemplatesDir());
  const answers = parseAnswers({ clusters: [{ name: 'east' }, { name: 'west' }] });
  return new Map(renderRepository({ answers, templates, toolVersion: '0.0.0-test' }).files);
}


async function change(dir: string, files: Files, path: string, edit: (files: Files) => void): Promise<void> {
  edit(files);
  await writeFile(join(dir, path), files.get(path)!);
}

const reported = (r: ValidationReport) => ({ ok: r.ok, findings: r.findings, files: r.stats.files });
/** The same repository checked in full, without any cache. */
const fullCheck = (dir: string) => validateRepository(dir, { runner: countingRunner() });

describe.concurrent('reusing the checks of unchanged clusters', () => {
  it('skips an unchanged cluster, checks a changed one again and reports the error in its changed file', async () => {
    const files = await twoClusters();
    const dir = await writeRepository(files);
    const cacheDir = newCacheDir();
    const first = await validateRepository(dir, { runner: countingRunner(), cacheDir });
    expect(first.ok).toBe(true);
    expect(first.stats).toMatchObject({ reusedClusters: 0, reusedFolders: 0 });

    const unchangedRunner = countingRunner();
    const unchanged = await validateRepository(dir, { runner: unchangedRunner, cacheDir });
    expect(unchanged.stats).toMatchObject({ reusedClusters: 2, builds: 0, cachedBuilds: 0 });
    expect(unchangedRunner.kustomizeRuns).toBe(0);
    expect(reported(unchanged)).toEqual(reported(first));

    // An error only the cluster's graph check finds, in a file of cluster east only.
    const path = 'clusters/east/apps.yaml';
    const apps = findDoc(files, 'the apps Kustomization of east', (v, file) => file === path && isKind('Kustomization', 'kustomize.toolkit.fluxcd.io')(v));
    await change(dir, files, path, () => editDoc(files, apps, (doc) => doc.addIn(['spec', 'dependsOn'], { name: 'no-such-kustomization' })));
    const runner = countingRunner();
    const changed = await validateRepository(dir, { runner, cacheDir });
    // west is skipped (its files and every folder it reaches are unchanged); east is checked again.
    expect(changed.stats).toMatchObject({ reusedClusters: 1 });
    expect(changed.ok).toBe(false);
    expect(changed.findings).toContainEqual(
      expect.objectContaining({ severity: 'error', check: 'graph', file: path, message: expect.stringMatching(/dependsOn 'flux-system\/no-such-kustomization' names no Kustomization in cluster east/) }),
    );
    expect(reported(changed)).toEqual(reported(await fullCheck(dir)));
    // A cluster with an error is never recorded: the next run checks it again and reports it again.
    const again = await validateRepository(dir, { runner: countingRunner(), cacheDir });
    expect(again.stats).toMatchObject({ reusedClusters: 1 });
    expect(reported(again)).toEqual(reported(changed));
  });

  it('checks every cluster again when a shared folder they reach changes, and reports what the change broke', async () => {
    const files = await twoClusters();
    const dir = await writeRepository(files);
    const cacheDir = newCacheDir();
    expect((await validateRepository(dir, { runner: countingRunner(), cacheDir })).ok).toBe(true);

    // A harmless change in apps/base/argo: both clusters reach it, both are checked again.
    const release = findDoc(files, 'a HelmRelease in apps/base/argo', (v, file) => file.startsWith('apps/base/argo/') && isKind('HelmRelease', 'helm.toolkit.fluxcd.io')(v));
    await change(dir, files, release.file, () => editDoc(files, release, (doc) => doc.setIn(['metadata', 'labels', 'team'], 'data')));
    const harmless = await validateRepository(dir, { runner: countingRunner(), cacheDir });
    expect(harmless.ok).toBe(true);
    expect(harmless.stats).toMatchObject({ reusedClusters: 0 });
    // The folders that do not include apps/base/argo (infrastructure/*) are reused.
    expect(harmless.stats.reusedFolders).toBeGreaterThan(0);

    // Now a schema error in the same shared file: reported, as a full check reports it.
    await change(dir, files, release.file, () => editDoc(files, release, (doc) => doc.setIn(['spec', 'interval'], 'soon')));
    const broken = await validateRepository(dir, { runner: countingRunner(), cacheDir });
    expect(broken.stats).toMatchObject({ reusedClusters: 0 });
    expect(broken.ok).toBe(false);
    expect(broken.findings).toContainEqual(expect.objectContaining({ severity: 'error', file: release.file, message: expect.stringMatching(/interval/) }));
    expect(reported(broken)).toEqual(reported(await fullCheck(dir)));
  });

  it('checks the clusters again when what the stored answers expect in them changes, not for any edit of the answers', async () => {
    const files = await twoClusters();
    const dir = await writeRepository(files);
    const cacheDir = newCacheDir();
    await validateRepository(dir, { runner: countingRunner(), cacheDir });
    const answers = 'piksel-answers.yaml';
    // A comment (or another cluster) changes nothing the deploy check of east or west reads.
    await change(dir, files, answers, () => files.set(answers, `${files.get(answers)}# edited\n`));
    const comment = await validateRepository(dir, { runner: countingRunner(), cacheDir });
    expect(comment.stats).toMatchObject({ reusedClusters: 2 });
    expect(reported(comment)).toEqual(reported(await fullCheck(dir)));
    // Without odc in the answers (nor indexing, which would add it back), its Secrets are no longer
    // expected: both clusters are checked again.
    expect(files.get(answers)).toContain('    - odc\n');
    expect(files.get(answers)).toContain('    - indexing\n');
    await change(dir, files, answers, () => files.set(answers, files.get(answers)!.replace('    - odc\n', '').replace('    - indexing\n', '')));
    const fewer = await validateRepository(dir, { runner: countingRunner(), cacheDir });
    expect(fewer.stats).toMatchObject({ reusedClusters: 0 });
    expect(reported(fewer)).toEqual(reported(await fullCheck(dir)));
  });
});
