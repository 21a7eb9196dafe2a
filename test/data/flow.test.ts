import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { PRODUCT_NAMES, PRODUCTS } from '../../src/catalog/products.js';
import { askAnswers } from '../../src/interactive/flow.js';
import { scriptedPrompts } from '../support/prompts.js';

/** A person who answers the data questions with `replies` (tried in order while rejected) and takes every other default. */
function person(replies: Record<'products' | 'bbox', string[]>) {
  const asked: string[] = [];
  const rejected: string[] = [];
  const kit = scriptedPrompts({
    text: async ({ message, initialValue, validate }) => {
      asked.push(message);
      const key = /^Products to index/.test(message) ? 'products' : /^Area of interest/.test(message) ? 'bbox' : undefined;
      for (const attempt of key ? replies[key] : [initialValue ?? '']) {
        const error = validate?.(attempt);
        if (!error) return attempt;
        rejected.push(error);
      }
      throw new Error(`every reply to '${message}' was rejected: ${rejected.join('; ')}`);
    },
    select: async ({ initialValue }) => initialValue as never,
    multiselect: async ({ initialValues }) => (initialValues ?? []) as never,
    confirm: async ({ initialValue }) => initialValue ?? false,
  });
  return { kit, asked, rejected };
}

const NEW = { rerun: false, askBootstrap: true };

describe('the data question', () => {
  it('the catalog’s product names are the ones the answers accept', () => {
    expect(PRODUCTS.map((p) => p.name)).toEqual([...PRODUCT_NAMES]);
  });

  it('takes products with start dates and an area, refusing an unknown product until corrected', async () => {
    const p = person({ products: ['s2_l2a, cop_dem_glo_30', 's2_l2a_c1, ls8_c2l2_sr@2020-01-01'], bbox: ['106, -7, 107, -6'] });
    const answers = parseAnswers((await askAnswers({}, p.kit, NEW)).raw);
    expect(answers.data).toEqual({ products: [{ name: 's2_l2a_c1' }, { name: 'ls8_c2l2_sr', start: '2020-01-01' }], bbox: [106, -7, 107, -6] });
    expect(p.rejected).toHaveLength(1);
    expect(p.rejected[0]).toMatch(/s2_l2a_c1/);
  });

  it('is not asked when nothing indexes data', async () => {
    const p = person({ products: [], bbox: [] });
    await askAnswers({ components: { apps: ['jupyterhub'] } }, p.kit, NEW);
    expect(p.asked.filter((m) => /^Products to index|^Area of interest/.test(m))).toEqual([]);
  });
});
