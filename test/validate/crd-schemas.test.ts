import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/validate/index.js';
import { addListedFile, defaultFiles, editDoc, findDoc, isKind, removeRepositories, validate, writeRepository, type Files } from './support.js';

// Upstream's CRDs are test data kept outside the project (../shared from the repository root).
const FLUX_CRDS_DIR = fileURLToPath(new URL('../../../shared/fixtures/flux-crds-v2.9/', import.meta.url));
const OWN_CRDS = fileURLToPath(new URL('../fixtures/own-crds.yaml', import.meta.url));
const haveFluxCrds = existsSync(FLUX_CRDS_DIR);
if (!haveFluxCrds) console.warn(`SKIPPED: the real Flux 2.9 CRD tests: ${FLUX_CRDS_DIR} does not exist on this machine`);

const GOTK = 'clusters/development/flux-system';

/** What `flux bootstrap` commits: the CRDs (here only those), the sync objects, and a kustomization. */
function bootstrap(files: Files, crds: string): void {
  files.set(`${GOTK}/gotk-components.yaml`, crds);
  files.set(
    `${GOTK}/gotk-sync.yaml`,
    `---
apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 1m0s
  ref:
    branch: main
  secretRef:
    name: flux-system
  url: ssh://git@github.com/piksel-ina/piksel-gitops
---
apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: flux-system
  namespace: flux-system
spec:
  interval: 10m0s
  path: ./clusters/development
  prune: true
  sourceRef:
    kind: GitRepository
    name: flux-system
`,
  );
  files.set(`${GOTK}/kustomization.yaml`, 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - gotk-components.yaml\n  - gotk-sync.yaml\n');
}

async function fluxCrds(): Promise<string> {
  const names = (await readdir(FLUX_CRDS_DIR)).filter((n) => n.endsWith('.yaml')).sort();
  const texts = await Promise.all(names.map((n) => readFile(join(FLUX_CRDS_DIR, n), 'utf8')));
  return texts.map((t) => `---\n${t.replace(/^---\n/, '')}`).join('');
}

const errors = (findings: readonly Finding[]) => findings.filter((f) => f.severity === 'error');
const show = (findings: readonly Finding[]) => findings.map((f) => `${f.file}:${f.line ?? ''} [${f.check}] ${f.message}`);
const alertFile = (files: Files) => findDoc(files, 'Alert', isKind('Alert', 'notification.toolkit.fluxcd.io'));

// Temporary repositories go when the whole file is done (tests of a file run concurrently).
afterAll(removeRepositories);

describe.concurrent('schemas from the real Flux 2.9 CRDs (gotk-components.yaml)', () => {
  it.skipIf(!haveFluxCrds)('accept the default repository, bootstrap files included', async () => {
    const files = await defaultFiles();
    bootstrap(files, await fluxCrds());
    const report = await validate(await writeRepository(files));
    expect(show(report.findings)).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it.skipIf(!haveFluxCrds)('catch what only the CRDs know, which the bundled schemas let pass', async () => {
    const files = await defaultFiles();
    const alert = alertFile(files);
    editDoc(files, alert, (doc) => doc.setIn(['spec', 'summary'], 'x'.repeat(300)));
    const bundled = await validate(await writeRepository(files));
    expect(show(errors(bundled.findings))).toEqual([]);

    bootstrap(files, await fluxCrds());
    const withCrds = await validate(await writeRepository(files));
    expect(errors(withCrds.findings)).toEqual([
      expect.objectContaining({ check: 'schema', file: alert.file, message: 'spec.summary must NOT have more than 255 characters' }),
    ]);
  });

  it.skipIf(!haveFluxCrds)('catch unknown fields, wrong types and bad durations like the bundled schemas', async () => {
    const files = await defaultFiles();
    const hr = findDoc(files, 'HelmRelease', isKind('HelmRelease', 'helm.toolkit.fluxcd.io'));
    editDoc(files, hr, (doc) => {
      doc.setIn(['spec', 'relaseName'], 'x');
      doc.setIn(['spec', 'install', 'remediation', 'retries'], 'three');
      doc.setIn(['spec', 'timeout'], '1d');
    });
    bootstrap(files, await fluxCrds());
    const report = await validate(await writeRepository(files));
    expect(errors(report.findings).map((f) => [f.file, f.message])).toEqual(
      expect.arrayContaining([
        [hr.file, "unknown field 'relaseName' in spec"],
        [hr.file, 'spec.install.remediation.retries must be an integer, not string "three"'],
        [hr.file, 'spec.timeout "1d" is not a duration'],
      ]),
    );
  });
});

describe.concurrent('schemas from a CRD fixture of our own', () => {
  const WIDGETS = 'infrastructure/configs/widgets.yaml';
  const widget = (name: string, spec: string) =>
    `---\napiVersion: example.piksel.dev/v1alpha1\nkind: Widget\nmetadata:\n  name: ${name}\n  namespace: flux-system\nspec:\n${spec}`;
  const plantWidgets = (files: Files) =>
    addListedFile(
      files,
      WIDGETS,
      widget('good', '  size: 3\n  port: http\n  labels:\n    team: platform\n  extra:\n    anything: [1, 2]\n') +
        widget('bad', '  size: big\n  port: true\n  colour: blue\n  shape: round\n  labels:\n    tier: 1\n'),
    );

  it('without the CRD, a custom kind is a warning: its fields are not checked', async () => {
    const files = await defaultFiles();
    plantWidgets(files);
    const report = await validate(await writeRepository(files));
    expect(report.ok).toBe(true);
    expect(report.findings).toEqual([expect.objectContaining({ severity: 'warning', check: 'schema', file: WIDGETS, message: expect.stringMatching(/no schema for Widget/) })]);
  });

  it('with the CRD in gotk-components.yaml, its objects are checked strictly', async () => {
    const files = await defaultFiles();
    plantWidgets(files);
    bootstrap(files, await readFile(OWN_CRDS, 'utf8'));
    const report = await validate(await writeRepository(files));
    const widgetErrors = errors(report.findings).filter((f) => f.file === WIDGETS);
    expect(widgetErrors.every((f) => f.object === 'Widget/flux-system/bad')).toBe(true);
    expect(widgetErrors.map((f) => f.message).sort()).toEqual(
      [
        'spec.size must be an integer, not string "big"',
        'spec.port must be a string or an integer, not boolean true',
        'spec.colour must be one of red, green, not "blue"',
        "unknown field 'shape' in spec",
        'spec.labels.tier must be a string, not number 1',
      ].sort(),
    );
    const lines = files.get(WIDGETS)!.split('\n');
    for (const f of widgetErrors) expect(lines[f.line! - 1]).toMatch(new RegExp(`^\\s+${f.message.match(/spec\.(?:labels\.)?(\w+)|'(\w+)'/)!.slice(1).find(Boolean)}:`));
  });

  it("the repository's CRD wins over the bundled schema of the same kind", async () => {
    const files = await defaultFiles();
    const ks = findDoc(files, 'Flux Kustomization', isKind('Kustomization', 'kustomize.toolkit.fluxcd.io'));
    editDoc(files, ks, (doc) => doc.setIn(['spec', 'futureField'], true));
    const bundled = await validate(await writeRepository(files));
    expect(errors(bundled.findings).map((f) => f.message)).toEqual(["unknown field 'futureField' in spec"]);

    bootstrap(files, await readFile(OWN_CRDS, 'utf8'));
    expect(show(errors((await validate(await writeRepository(files))).findings))).toEqual([]);

    editDoc(files, ks, (doc) => doc.setIn(['spec', 'futureField'], 'soon'));
    expect(errors((await validate(await writeRepository(files))).findings).map((f) => f.message)).toEqual([
      'spec.futureField must be a boolean, not string "soon"',
    ]);
  });
});
