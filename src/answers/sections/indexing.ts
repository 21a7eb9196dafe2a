import { z } from 'zod';
import { DEFAULT_BBOX, DEFAULT_PRODUCTS, PRODUCT_NAMES } from '../../catalog/products.js';
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

/** `s2_l2a_c1, ls9_c2l2_sr@2023-01-01` → the products list (a question's text form). */
const readProducts = (text: string): unknown =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const [name, start] = item.split('@').map((part) => part.trim());
      return start ? { name, start } : { name };
    });

const showProducts = (value: unknown): string =>
  Array.isArray(value) ? value.map((p: { name: string; start?: string }) => (p.start ? `${p.name}@${p.start}` : p.name)).join(', ') : '';

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
    await q.text('data.products', `Products to index (${PRODUCT_NAMES.join(', ')}; name@YYYY-MM-DD sets the backfill start)`, {
      read: readProducts,
      show: showProducts,
    });
    await q.text('data.bbox', 'Area of interest: lon-min, lat-min, lon-max, lat-max', { read: readBbox, show: (v) => (Array.isArray(v) ? v.join(', ') : '') });
  },
  askForCluster: async () => {},
});
