import { afterAll, describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { validateRepository } from '../../src/validate/index.js';
import { duplicateKeyLines, lineOfOffset, lineStarts, parseYamlFile } from '../../src/validate/yaml.js';
import { FLUX_CLUSTER, removeRepositories, writeRepository } from './support.js';

afterAll(removeRepositories);

/** A ConfigMap with `keys` data keys (about 1 MB at 60,000), one key a line after a 6-line header. */
function bigConfigMap(keys: number, repeat: readonly number[] = []): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: big', '  namespace: default', 'data:'];
  for (let i = 0; i < keys; i++) lines.push(`  k${String(i).padStart(5, '0')}: v${i}`);
  // Each repeat copies key i again at the end of the mapping.
  for (const i of repeat) lines.push(`  k${String(i).padStart(5, '0')}: again`);
  return `${lines.join('\n')}\n`;
}

const HEADER_LINES = 6;

describe('validate at scale', () => {
  it('validates a 60,000-key manifest and reports nothing wrong', async () => {
    const dir = await writeRepository(new Map([FLUX_CLUSTER, ['big.yaml', bigConfigMap(60_000)]]));
    const report = await validateRepository(dir, { runner: async () => ({ exitCode: 0, stdout: '', stderr: '', notFound: true }) });
    expect(report.findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(report.stats).toMatchObject({ files: 2, objects: 2 });
  });

  it('finds duplicate keys among 60,000, each on its own line', async () => {
    const text = bigConfigMap(60_000, [0, 41_999]);
    const dir = await writeRepository(new Map([FLUX_CLUSTER, ['big.yaml', text]]));
    const report = await validateRepository(dir, { runner: async () => ({ exitCode: 0, stdout: '', stderr: '', notFound: true }) });
    const duplicates = report.findings.filter((f) => f.check === 'yaml');
    expect(duplicates).toEqual([
      expect.objectContaining({ severity: 'error', file: 'big.yaml', line: HEADER_LINES + 60_000 + 1, message: 'duplicate key: Map keys must be unique' }),
      expect.objectContaining({ severity: 'error', file: 'big.yaml', line: HEADER_LINES + 60_000 + 2, message: 'duplicate key: Map keys must be unique' }),
    ]);
    expect(report.ok).toBe(false);
  });
});

describe('large files that are not YAML', () => {
  const noKubectl = async () => ({ exitCode: 127, stdout: '', stderr: '', notFound: true });
  // Assembled, so the repository holds no token-shaped text.
  const token = ['gh', 'p_', 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'].join('');

  it('scans a 20 MB log a chunk at a time: a token anywhere is found once, on its line', async () => {
    const line = 'INFO request served in 12 ms from the cache of the platform gateway\n';
    // The first token starts 10 characters before the end of the first 64 KiB chunk.
    const headLines = Math.floor((65_536 - 200) / line.length);
    const head = line.repeat(headLines);
    const straddling = `${' '.repeat(65_536 - 10 - head.length)}${token}\n`;
    const rest = Array.from({ length: 300_000 }, () => line);
    rest[1000] = `leaked ${token} here\n`;
    rest[299_998] = '<<<<<<< yours\n';
    const text = head + straddling + rest.join('');
    const tokenLine = headLines + 1;
    const dir = await writeRepository(new Map([FLUX_CLUSTER, ['logs/build.log', text]]));
    const report = await validateRepository(dir, { runner: noKubectl });
    expect(report.findings.filter((f) => f.check !== 'kustomize').map((f) => [f.check, f.line, f.message])).toEqual([
      ['secrets', tokenLine, 'a GitHub token is committed in this file'],
      ['secrets', tokenLine + 1001, 'a GitHub token is committed in this file'],
      ['yaml', tokenLine + 299_999, 'unresolved merge conflict: the file still has conflict markers'],
    ]);
  });

  it('reads a large secretGenerator input only to see whether it is encrypted', async () => {
    const big = (head: string) => `${head}${'PADDING=0123456789abcdef0123456789abcdef0123456789\n'.repeat(30_000)}`;
    const kustomization = 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nsecretGenerator:\n  - name: app\n    envs: [app.env]\n';
    const plain = await writeRepository(new Map([FLUX_CLUSTER, ['app/kustomization.yaml', kustomization], ['app/app.env', big('PASSWORD=hunter2\n')]]));
    const sealed = await writeRepository(new Map([FLUX_CLUSTER, ['app/kustomization.yaml', kustomization], ['app/app.env', big('PASSWORD=ENC[AES256_GCM,data:xyz]\n')]]));
    const generatorFindings = async (dir: string) => (await validateRepository(dir, { runner: noKubectl })).findings.filter((f) => f.check === 'secrets');
    expect(await generatorFindings(plain)).toEqual([expect.objectContaining({ file: 'app/kustomization.yaml', message: "secretGenerator 'app' makes a Secret from plain-text app.env" })]);
    expect(await generatorFindings(sealed)).toEqual([]);
  });

  it('finds lines by binary search as the linear count does', () => {
    const text = 'a\nbb\n\nccc\n';
    const lineOf = lineStarts(text);
    for (let offset = 0; offset <= text.length; offset++) expect(lineOf(offset)).toBe(lineOfOffset(text, offset));
  });
});

describe('single-pass duplicate keys', () => {
  const samples = [
    'a: 1\nb:\n  c: 1\n  c: 2\na: 3\n',
    'x: {y: 1, y: 2}\n',
    '- {a: 1}\n- a: 1\n  b: 2\n  a: 3\n',
    '1: a\n"1": b\n',
    '~: a\nnull: b\n',
    'a: &x 1\nb: *x\n',
    'outer:\n  - inner: {k: 1, k: 2}\n',
    'true: 1\nTrue: 2\n',
  ];
  it.each(samples)('finds what the yaml library\'s uniqueKeys finds in %j', (text) => {
    const strict = parseDocument(text, { uniqueKeys: true });
    const expected = strict.errors.filter((e) => e.code === 'DUPLICATE_KEY').map((e) => e.linePos?.[0]?.line ?? -1);
    const { findings } = parseYamlFile('f.yaml', text);
    expect(findings.map((f) => f.line).sort()).toEqual(expected.sort());
    expect(findings.every((f) => f.message === 'duplicate key: Map keys must be unique')).toBe(true);
  });

  it('returns no lines for a document without repeats', () => {
    const text = bigConfigMap(1000);
    const doc = parseDocument(text, { uniqueKeys: false });
    expect(duplicateKeyLines(doc, { linePos: () => ({ line: 0, col: 0 }) } as never)).toEqual([]);
  });
});
