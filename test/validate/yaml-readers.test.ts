import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseWithYaml, parseYamlFile, type ParsedFile } from '../../src/validate/yaml.js';
import { REPO_ROOT } from '../support/cli.js';

/**
 * A repository file is read by js-yaml when nothing in its text could read differently, else by
 * yaml (src/validate/yaml.ts, quickDocuments). Either way the checks must see what yaml alone
 * would give: the same documents, values, lines and findings.
 */

/** What the checks read of a parsed file. */
const seen = (parsed: ParsedFile) => ({
  docs: parsed.docs.map((d) => ({ index: d.index, line: d.line, value: d.value })),
  findings: parsed.findings,
});

const readBoth = (text: string) => ({ read: seen(parseYamlFile('f.yaml', text)), byYaml: seen(parseWithYaml('f.yaml', text)) });

/** What every text must give: what yaml alone gives. */
const readsAsYamlDoes = (text: string) => {
  const { read, byYaml } = readBoth(text);
  expect(read).toEqual(byYaml);
};

const everyTextOf = (texts: fc.Arbitrary<string>) => fc.assert(fc.property(texts, readsAsYamlDoes), { numRuns: 2000 });

/** Whether js-yaml read it (its documents' positions are parsed only when asked for). */
const readQuickly = (text: string) => {
  const doc = parseYamlFile('f.yaml', text).docs[0];
  return doc !== undefined && Object.getOwnPropertyDescriptor(doc, 'doc')?.get !== undefined;
};

const exampleTexts: string[] = ['full', 'fleet', 'minimal', 'aws'].flatMap((example) => {
  const root = join(REPO_ROOT, 'examples', example, 'output');
  return (readdirSync(root, { recursive: true }) as string[]).filter((f) => /\.ya?ml$/.test(f)).map((f) => readFileSync(join(root, f), 'utf8'));
});

const ODD_SCALARS = [
  'yes', 'on', 'off', '0o14', '012', '1_000', '0x1F', '0b101', '+12', '-0', '.5', '5.', '1e3', '1E-2', '.inf', '-.Inf', '.NaN', '~', 'null', 'Null', 'NULL',
  'true', 'True', 'TRUE', 'tRUE', 'FALSE', '2001-12-14', '12:30:00', '=', '3.0', '0.10', '1.2.3', 'v1', '"double"', "'single'", '', ' spaced ', 'a: b', '# hash', 'x #y',
];

describe('reading repository files', () => {
  it('gives what yaml gives for every generated file, most of them read by js-yaml', () => {
    expect(exampleTexts.length).toBeGreaterThan(200);
    for (const text of exampleTexts) readsAsYamlDoes(text);
    expect(exampleTexts.filter(readQuickly).length).toBeGreaterThan(exampleTexts.length * 0.9);
  });

  it('gives what yaml gives for documents of odd scalars, in any quoting, comments and document markers', () => {
    const scalar = fc.constantFrom(...ODD_SCALARS);
    const quoted = fc.tuple(scalar, fc.constantFrom('plain', 'single', 'double', 'block')).map(([s, style]) => {
      if (style === 'single') return `'${s.replaceAll("'", "''")}'`;
      if (style === 'double') return JSON.stringify(s);
      if (style === 'block') return `|\n      ${s}`;
      return s;
    });
    const entry = fc.tuple(fc.constantFrom('name', 'port', 'on', 'true', '1', 'enabled', 'value'), quoted, fc.boolean());
    const doc = fc
      .array(entry, { minLength: 1, maxLength: 6 })
      .map((entries) => entries.map(([key, value, list], i) => (list ? `${key}${i}:\n  - ${value}\n` : `${key}${i}: ${value}\n`)).join(''));
    const text = fc.tuple(fc.array(doc, { minLength: 1, maxLength: 3 }), fc.constantFrom('', '---\n', '# lead\n', '--- # marker\n')).map(([docs, lead]) => lead + docs.join('---\n'));
    everyTextOf(text);
  });

  it('gives what yaml gives, findings included, for generated files broken at random', () => {
    const PIECES = ['\t', ':', ': ', '- ', '---\n', '...\n', '"', "'", '&a ', '*a', '!!str ', '? ', '<<: ', '{', '[', '#', ' # *a', '\n  ', '\n#', ' |\n', '- |\n ', 'key: 1\n', 'key: 2\n', '~: x\n', '%YAML 1.2\n'];
    const edit = fc.tuple(fc.constantFrom(...exampleTexts), fc.nat(), fc.nat({ max: 40 }), fc.constantFrom(...PIECES, '')).map(([text, at, cut, piece]) => {
      const i = at % (text.length + 1);
      return text.slice(0, i) + piece + text.slice(Math.min(text.length, i + cut));
    });
    everyTextOf(edit);
  });

  it("reads a block scalar's content and comment lines as text: a script's `*` or `: >` keeps js-yaml reading", () => {
    const script = 'data:\n  run.sh: |\n    : > /tmp/list\n    for f in *.txt; do echo "$f" &\n    done\n  # no *-snippet here\n  ini: |-\n    * = host=db\n      ! deeper\nitems:\n  - |\n   * item\n  - key: |\n      - *x\n';
    expect(readQuickly(script)).toBe(true);
    readsAsYamlDoes(script);
    // Where the content ends (a line not deeper than its holder), structure is checked again.
    for (const text of ['data: |\n  text\nalias: *a\n', 'items:\n  - key: |\n      text\n    other: *a\n']) {
      expect(readQuickly(text)).toBe(false);
      readsAsYamlDoes(text);
    }
  });

  it('leaves an empty nested item with a comment to yaml (js-yaml moves the next item into it)', () => {
    const text = 'a:\n  - - # nothing\n  - x\n';
    expect(readQuickly(text)).toBe(false);
    expect(parseYamlFile('f.yaml', text).docs[0]!.value).toEqual({ a: [[null], 'x'] });
  });

  it('reports an alias to no anchor as a YAML finding on its document (yaml throws only when building the value)', () => {
    const parsed = parseYamlFile('f.yaml', 'apiVersion: v1\nkind: ConfigMap\n---\nresources:\n  - *missing\n');
    expect(parsed.docs.map((d) => d.index)).toEqual([0]);
    expect(parsed.findings).toMatchObject([{ severity: 'error', check: 'yaml', line: 4, message: expect.stringContaining('missing') }]);
  });
});
