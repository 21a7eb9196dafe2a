import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../src/catalog/products.js';

// A product's source is written twice: in its partial's first comment line (what the generated
// repository shows) and in the catalog (what the README's table is read against). Re-sourcing one
// and not the other is the drift this catches.

const partialPath = (file: string) => fileURLToPath(new URL(`../../templates/_partials/products/${file}.hbs`, import.meta.url));

/** The first comment line's `github.com/<owner>/<repo> … at <short sha>`. */
const citedInPartial = (firstLine: string): { repo: string; commit: string } | undefined => {
  const m = /github\.com\/([\w.-]+\/[\w.-]+) .*? at ([0-9a-f]{7,40})\b/.exec(firstLine);
  return m ? { repo: m[1]!, commit: m[2]! } : undefined;
};

/** The catalog's `<owner>/<repo> … at <full sha>` at the start of `definition.source`. */
const citedInCatalog = (source: string): { repo: string; commit: string } | undefined => {
  const m = /^([\w.-]+\/[\w.-]+) .*? at ([0-9a-f]{40})\b/.exec(source);
  return m ? { repo: m[1]!, commit: m[2]! } : undefined;
};

describe('product definitions: the partial and the catalog cite one source', () => {
  for (const product of PRODUCTS) {
    it(`${product.name}: the partial's first comment line names the repository and commit of definition.source`, async () => {
      const firstLine = (await readFile(partialPath(product.definition.file), 'utf8')).split('\n')[0]!;
      expect(firstLine.startsWith('# '), firstLine).toBe(true);
      const partial = citedInPartial(firstLine);
      const catalog = citedInCatalog(product.definition.source);
      expect(partial, firstLine).toBeDefined();
      expect(catalog, product.definition.source).toBeDefined();
      expect(partial!.repo).toBe(catalog!.repo);
      expect(catalog!.commit.startsWith(partial!.commit), `${partial!.commit} is not a prefix of ${catalog!.commit}`).toBe(true);
    });
  }

  it('reads a citation the way it is written, and a different repository is told apart', () => {
    expect(citedInPartial('# Published by X: github.com/a/b products/c.yaml at 1234abcd (MIT).')).toEqual({ repo: 'a/b', commit: '1234abcd' });
    expect(citedInCatalog(`a/c products/ at ${'1234abcd'.padEnd(40, '0')} (2026-01-01), MIT`)?.repo).not.toBe('a/b');
  });
});
