import { z } from 'zod';
import { DEFAULT_BBOX, DEFAULT_PRODUCTS, PRODUCT_NAMES, PRODUCTS, type ProductName } from '../../catalog/products.js';
import { didYouMean } from '../suggest.js';
import { defineSection } from './section.js';

const ISO_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

const product = z.strictObject({
  name: z
    .enum(PRODUCT_NAMES, {
      error: (iss) => `'${String(iss.input)}' is not a known product: ${didYouMean(String(iss.input), PRODUCT_NAMES)}use one of ${PRODUCT_NAMES.join(', ')}`,
    })
    .describe('ODC product name from the catalog of public collections'),
  start: z
    .string()
    .regex(ISO_DATE, { error: 'is not a date: use YYYY-MM-DD, e.g. 2024-01-01' })
    .optional()
    .describe("First date the backfill indexes (default: the product's own)"),
});

const bbox = z
  .tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)])
  .refine(([w, s, e, n]) => w < e && s < n, { error: 'needs west < east and south < north: [lon-min, lat-min, lon-max, lat-max]' });

type ProductAnswer = { name: ProductName; start?: string };
const productsOf = (value: unknown): ProductAnswer[] => (Array.isArray(value) ? (value as ProductAnswer[]) : []);

/** The products a person ticks, each keeping the start date it already had. */
const readPicked = (before: unknown) => (picked: readonly ProductName[]): ProductAnswer[] =>
  picked.map((name) => productsOf(before).find((p) => p.name === name) ?? { name });

/** One backfill start for every chosen product (a date); empty keeps each product's own. */
const readStart = (products: unknown) => (text: string): unknown => productsOf(products).map((p) => ({ ...p, start: text.trim() }));

/** The start shown at first: the one all products share, else none. */
const sharedStart = (value: unknown): string => {
  const starts = new Set(productsOf(value).map((p) => p.start ?? ''));
  return starts.size === 1 ? [...starts][0]! : '';
};

const readBbox = (text: string): unknown => text.split(',').map((n) => (n.trim() === '' ? Number.NaN : Number(n)));

/** The indexing component's answers (key `data`): which public collections to index, where, and from when. */
export const indexingAnswers = defineSection({
  key: 'data',
  component: 'indexing',
  answers: z
    .strictObject({
      products: z
        .array(product)
        .min(1, { error: 'needs at least one product: to index nothing, leave indexing out of components.apps' })
        .refine((l) => new Set(l.map((p) => p.name)).size === l.length, { error: 'lists a product twice' })
        .default(DEFAULT_PRODUCTS.map((name) => ({ name })))
        .describe('Products to index from public STAC APIs, each with an optional start date'),
      bbox: bbox.default([...DEFAULT_BBOX]).describe('Area of interest [lon-min, lat-min, lon-max, lat-max] (default: Indonesia)'),
    })
    .prefault({}),
  // The products are the repository's: every cluster indexes the same ones into its own data cube.
  clusterOverrides: z.undefined(),
  ask: async (q) => {
    if (!q.selected('indexing')) return;
    q.section('Data (public Earth observation collections)');
    await q.multiselect(
      'data.products',
      'Products to index (space toggles, enter accepts)',
      PRODUCTS.map((p) => ({ value: p.name as ProductName, label: p.name, hint: `${p.title}; backfill from ${p.defaultStart}` })),
      { picked: (value) => productsOf(value).map((p) => p.name), read: readPicked(q.current('data.products')) },
    );
    await q.text('data.products', "Backfill from (YYYY-MM-DD, for every product; empty: each product's own date)", {
      read: readStart(q.current('data.products')),
      show: sharedStart,
      optional: true,
    });
    await q.text('data.bbox', 'Area of interest: lon-min, lat-min, lon-max, lat-max', { read: readBbox, show: (v) => (Array.isArray(v) ? v.join(', ') : '') });
  },
  askForCluster: async () => {},
});
