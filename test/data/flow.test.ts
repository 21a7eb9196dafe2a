import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { PRODUCT_NAMES, PRODUCTS } from '../../src/catalog/products.js';
import { askAnswers } from '../../src/interactive/flow.js';
import { scriptedPrompts } from '../support/prompts.js';

/**
 * A person who ticks `products` (or keeps the ticks offered), types the backfill start and area
 * replies (tried in order while rejected) and takes every other default.
 */
function person(replies: { products?: string[]; start?: string[]; bbox?: string[] }) {
  const asked: string[] = [];
  const rejected: string[] = [];
  const offered: { values: string[]; ticked: string[] }[] = [];
  const kit = scriptedPrompts({
    text: async ({ message, initialValue, validate }) => {
      asked.push(message);
      const key = /^Backfill from/.test(message) ? 'start' : /^Area of interest/.test(message) ? 'bbox' : undefined;
      for (const attempt of (key && replies[key]) || [initialValue ?? '']) {
        const error = validate?.(attempt);
        if (!error) return attempt;
        rejected.push(error);
      }
      throw new Error(`every reply to '${message}' was rejected: ${rejected.join('; ')}`);
    },
    select: async ({ initialValue }) => initialValue as never,
    multiselect: async ({ message, options, initialValues }) => {
      if (!/^Products to index/.test(message)) return (initialValues ?? []) as never;
      asked.push(message);
      offered.push({ values: options.map((o) => o.value), ticked: [...(initialValues ?? [])] });
      return (replies.products ?? initialValues ?? []) as never;
    },
    confirm: async ({ initialValue }) => initialValue ?? false,
  });
  return { kit, asked, rejected, offered };
}

const NEW = { rerun: false, askBootstrap: true };

describe('the data question', () => {
  it('the catalog’s product names are the ones the answers accept', () => {
    expect(PRODUCTS.map((p) => p.name)).toEqual([...PRODUCT_NAMES]);
  });

  it('offers every catalog product with the defaults ticked, and takes the ticked ones with an area', async () => {
    const p = person({ products: ['s2_l2a_c1', 'ls8_c2l2_sr'], start: [''], bbox: ['106, -7, 107, -6'] });
    const answers = parseAnswers((await askAnswers({}, p.kit, NEW)).raw);
    expect(p.offered).toEqual([{ values: [...PRODUCT_NAMES], ticked: ['s2_l2a_c1', 'ls9_c2l2_sr', 'cop_dem_glo_30'] }]);
    expect(answers.data).toEqual({ products: [{ name: 's2_l2a_c1' }, { name: 'ls8_c2l2_sr' }], bbox: [106, -7, 107, -6] });
  });

  it('a backfill start applies to every ticked product, and a date that is not one is asked again', async () => {
    const p = person({ products: ['s2_l2a_c1', 'cop_dem_glo_30'], start: ['2020-13-01', '2020-01-01'] });
    const answers = parseAnswers((await askAnswers({}, p.kit, NEW)).raw);
    expect(answers.data.products).toEqual([
      { name: 's2_l2a_c1', start: '2020-01-01' },
      { name: 'cop_dem_glo_30', start: '2020-01-01' },
    ]);
    expect(p.rejected).toHaveLength(1);
    expect(p.rejected[0]).toMatch(/YYYY-MM-DD/);
  });

  it('keeps the start dates the answers file gives when only the area is open', async () => {
    const p = person({ bbox: ['106, -7, 107, -6'] });
    const given = { data: { products: [{ name: 'ls9_c2l2_sr', start: '2023-01-01' }] } };
    const answers = parseAnswers((await askAnswers(given, p.kit, NEW)).raw);
    expect(p.offered).toEqual([]);
    expect(answers.data).toEqual({ products: [{ name: 'ls9_c2l2_sr', start: '2023-01-01' }], bbox: [106, -7, 107, -6] });
  });

  it('is not asked when nothing indexes data', async () => {
    const p = person({});
    await askAnswers({ components: { apps: ['jupyterhub'] } }, p.kit, NEW);
    expect(p.asked.filter((m) => /^Products to index|^Backfill from|^Area of interest/.test(m))).toEqual([]);
  });
});
