import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateRepository, type ValidationReport } from '../../src/validate/index.js';
import { survivesJson } from '../../src/plain-data.js';
import { FileParseCache, hashText, type CachedDoc, type ParseCache } from '../../src/validate/parse-cache.js';
import { lineOfPath, parseYamlFile } from '../../src/validate/yaml.js';
import { defaultFiles, removeRepositories, writeRepository } from './support.js';

let cacheRoot: string;
let cacheCount = 0;
const newCacheDir = () => join(cacheRoot, String(cacheCount++));
beforeAll(async () => {
  cacheRoot = await mkdtemp(join(tmpdir(), 'piksel-parse-cache-test-'));
});
afterAll(async () => {
  await removeRepositories();
  await rm(cacheRoot, { recursive: true, force: true });
});

/** An in-memory parse cache that counts its hits. */
function memoryCache(): ParseCache & { hits: number; entries: Map<string, CachedDoc[]> } {
  const entries = new Map<string, CachedDoc[]>();
  const cache = {
    hits: 0,
    entries,
    lookup(hash: string) {
      const found = entries.get(hash);
      if (found) cache.hits++;
      return found && (JSON.parse(JSON.stringify(found)) as CachedDoc[]);
    },
    store(hash: string, docs: readonly CachedDoc[]) {
      if (docs.every((d) => d.value === undefined || survivesJson(d.value))) entries.set(hash, JSON.parse(JSON.stringify(docs)) as CachedDoc[]);
    },
  };
  return cache;
}

const MANIFEST = [
  '# leading comment',
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  '  name: settings',
  '  namespace: apps',
  'data:',
  '  key: value',
  '  list: |',
  '    a',
  '    b',
  '---',
  '---',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: { name: web }',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx:1.27',
  '',
].join('\n');

const view = (docs: ReturnType<typeof parseYamlFile>['docs']) => docs.map((d) => ({ index: d.index, line: d.line, value: d.value }));

describe('YAML parse cache', () => {
  it('gives the documents, values and lines of a fresh parse, and the same line for any field', () => {
    const cache = memoryCache();
    const fresh = parseYamlFile('m.yaml', MANIFEST);
    const first = parseYamlFile('m.yaml', MANIFEST, cache);
    const hit = parseYamlFile('m.yaml', MANIFEST, cache);
    expect(cache.hits).toBe(1);
    expect(view(first.docs)).toEqual(view(fresh.docs));
    expect(view(hit.docs)).toEqual(view(fresh.docs));
    expect(hit.findings).toEqual([]);
    // The Document behind a cached entry is parsed again on demand: a finding points at the same line.
    for (const path of [['data', 'list'], ['metadata', 'namespace'], ['spec', 'template', 'spec', 'containers', 0, 'image'], ['no', 'such']])
      for (const i of [0, 1]) expect(lineOfPath(hit.docs[i]!, path)).toBe(lineOfPath(fresh.docs[i]!, path));
  });

  it('never stores a file with a finding, and reports an error introduced into a file parsed before', () => {
    const cache = memoryCache();
    parseYamlFile('m.yaml', MANIFEST, cache);
    const broken = MANIFEST.replace('  key: value', '  key: value\n  key: again');
    const result = parseYamlFile('m.yaml', broken, cache);
    expect(result.findings).toEqual([expect.objectContaining({ check: 'yaml', line: 9, message: expect.stringMatching(/duplicate key/) })]);
    expect(cache.entries.has(hashText(broken))).toBe(false);
    expect(parseYamlFile('m.yaml', broken, cache).findings).toEqual(result.findings);
    expect(parseYamlFile('m.yaml', 'a: [1, 2\n', cache).findings).toHaveLength(1);
    expect(cache.entries.size).toBe(1);
  });

  it('does not store values JSON would change (-0, NaN, Infinity): such a file is parsed every time', () => {
    const cache = memoryCache();
    for (const text of ['a: -0\n', 'a: .nan\n', 'b: [.inf]\n']) {
      parseYamlFile('x.yaml', text, cache);
      expect(cache.entries.has(hashText(text))).toBe(false);
    }
    expect(survivesJson({ a: [1, 'x', true, null, { b: 2.5 }] })).toBe(true);
    expect(survivesJson(JSON.parse('{"__proto__": 1}'))).toBe(false);
  });

  it('keeps entries across runs in the cache folder, for the same tool version only', async () => {
    const dir = newCacheDir();
    const first = await FileParseCache.open(dir, '1.0.0');
    parseYamlFile('m.yaml', MANIFEST, first);
    await first.save();
    expect((await readFile(join(dir, 'yaml-parse-v1.tsv'), 'utf8')).split('\n')[0]).toBe('yaml-parse-v1\t1.0.0');
    const again = await FileParseCache.open(dir, '1.0.0');
    expect(again.lookup(hashText(MANIFEST))).toEqual(view(parseYamlFile('m.yaml', MANIFEST).docs).map(({ value, ...d }) => (value === undefined ? d : { ...d, value })));
    const otherVersion = await FileParseCache.open(dir, '2.0.0');
    expect(otherVersion.lookup(hashText(MANIFEST))).toBeUndefined();
  });

  it('does not keep a huge file (every run reads the cache file): it is parsed every time', async () => {
    const dir = newCacheDir();
    const huge = ['apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: big', 'data:', ...Array.from({ length: 20_000 }, (_, i) => `  key${i}: value-${i}`), ''].join('\n');
    const cache = await FileParseCache.open(dir, '1.0.0');
    parseYamlFile('big.yaml', huge, cache);
    parseYamlFile('m.yaml', MANIFEST, cache);
    await cache.save();
    const again = await FileParseCache.open(dir, '1.0.0');
    expect(again.lookup(hashText(huge))).toBeUndefined();
    expect(again.lookup(hashText(MANIFEST))).toBeDefined();
  });

  it('validate reports the same with a parse cache, on a hit, and with the staged files given in memory', async () => {
    const files = await defaultFiles();
    // A finding that needs a line from a cached document: a Secret written in plain text.
    files.set('apps/base/odc/leak.yaml', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\n  namespace: odc\nstringData:\n  password: hunter2\n');
    const dir = await writeRepository(files);
    const cacheDir = newCacheDir();
    // The object count is left out: the later runs reuse the checks of what passed (check-reuse.ts).
    const view = (r: ValidationReport) => ({ ok: r.ok, findings: r.findings, files: r.stats.files });
    const uncached = await validateRepository(dir);
    const fresh = await validateRepository(dir, { cacheDir });
    const hit = await validateRepository(dir, { cacheDir });
    const written = await validateRepository(dir, { cacheDir, written: files });
    expect(uncached.findings).toContainEqual(expect.objectContaining({ check: 'secrets', file: 'apps/base/odc/leak.yaml', line: 6 }));
    expect(view(fresh)).toEqual(view(uncached));
    expect(view(hit)).toEqual(view(uncached));
    expect(view(written)).toEqual(view(uncached));
  });

  it('validate reports the same on a staged tree written on demand, files read from disk included', async () => {
    const files = await defaultFiles();
    // Files the checks read from disk, not from memory: a large text (with a token at its end), a binary one.
    files.set('docs/large.txt', `${'a line of notes\n'.repeat(80_000)}ghp_${'a'.repeat(36)}\n`);
    files.set('docs/logo.bin', 'PNG\0\u0001binary');
    const full = await validateRepository(await writeRepository(files), { cacheDir: newCacheDir() });
    expect(full.findings).toContainEqual(expect.objectContaining({ check: 'secrets', file: 'docs/large.txt' }));

    const staged = await writeRepository(new Map());
    const asked = new Set<string>();
    const writeOnDemand = async (paths: Iterable<string> = files.keys()) => {
      for (const path of paths) {
        if (asked.has(path)) continue;
        asked.add(path);
        await mkdir(dirname(join(staged, path)), { recursive: true });
        await writeFile(join(staged, path), files.get(path)!);
      }
    };
    const onDemand = await validateRepository(staged, { cacheDir: newCacheDir(), written: files, writeOnDemand });
    expect(onDemand.findings).toEqual(full.findings);
    expect(onDemand.stats).toEqual(full.stats);
    expect(asked).toContain('docs/large.txt');
    expect(asked).toContain('docs/logo.bin');
  });
});
