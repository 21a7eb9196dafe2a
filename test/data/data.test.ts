import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import { execa } from 'execa';
import { load, loadAll } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { secretInventory, selectComponents } from '../../src/catalog/selection.js';
import { DEFAULT_PRODUCTS, PRODUCTS } from '../../src/catalog/products.js';
import { clusterKustomizations } from '../../src/render/flux-graph.js';
import { tempDir } from '../support/cli.js';
import { render, renderTo } from '../support/render.js';
import { hasKubectl } from '../support/repo-checks.js';

const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));

type Doc = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string }; spec?: Record<string, unknown> };

/**
 * Argo's JSON schema with every object definition closed: the API server's strict field
 * validation rejects unknown fields, the published schema alone would not.
 */
async function argoValidator(): Promise<ValidateFunction> {
  const schema = JSON.parse(await readFile(fixture('argo-workflows-v4.1.2/schema.json'), 'utf8')) as {
    definitions: Record<string, { type?: string; properties?: object; additionalProperties?: unknown }>;
  };
  for (const def of Object.values(schema.definitions))
    if (def.type === 'object' && def.properties && def.additionalProperties === undefined) def.additionalProperties = false;
  const { $id: _id, $schema: _schema, ...rest } = schema as Record<string, unknown>;
  return new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(rest);
}

/** datacube-core's product schema (draft-04 style, read with ajv's defaults: its keywords are the common subset). */
async function productValidator(): Promise<ValidateFunction> {
  const dir = 'datacube-core-1.9';
  const strip = (s: Record<string, unknown>) => {
    const { $schema: _s, ...rest } = s;
    return rest;
  };
  const product = strip(load(await readFile(fixture(`${dir}/dataset-type-schema.yaml`), 'utf8')) as Record<string, unknown>);
  const metadataType = strip(load(await readFile(fixture(`${dir}/metadata-type-schema.yaml`), 'utf8')) as Record<string, unknown>);
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addSchema(metadataType, 'metadata-type-schema.yaml');
  return ajv.compile(product);
}

/** The product definitions ConfigMap's data: definition file name → its text. */
const definitionsOf = (files: ReadonlyMap<string, string>): Record<string, string> =>
  (loadAll(files.get('apps/base/indexing/product-definitions.yaml')!) as { kind?: string; data?: Record<string, string> }[]).find((d) => d?.kind === 'ConfigMap')!.data!;

const errorsOf = (validate: ValidateFunction) => (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);

describe('data: --yes generates products, workflows and daily indexing', () => {
  let files: ReadonlyMap<string, string>;
  beforeAll(async () => {
    files = (await render()).files;
  });

  const docsOf = (path: string) => loadAll(files.get(path) ?? '').filter(Boolean) as Doc[];

  it('writes the default products’ definitions, one per product, and nothing for the others', () => {
    expect(Object.keys(definitionsOf(files))).toEqual(DEFAULT_PRODUCTS.map((name) => `${name}.odc-product.yaml`));
    expect(PRODUCTS.length).toBeGreaterThan(DEFAULT_PRODUCTS.length);
  });

  it('every shipped product definition validates against datacube-core’s product schema and names its product', async () => {
    const validate = await productValidator();
    const all = await render({ data: { products: PRODUCTS.map((p) => ({ name: p.name })) } });
    for (const product of PRODUCTS) {
      const text = definitionsOf(all.files)[product.definition.file];
      expect(text, product.name).toBeDefined();
      const docs = loadAll(text!).filter(Boolean) as Record<string, unknown>[];
      expect(docs).toHaveLength(1);
      const ok = validate(docs[0]);
      expect(errorsOf(validate), product.name).toEqual([]);
      expect(ok).toBe(true);
      expect(docs[0]!.name).toBe(product.name);
    }
  });

  it('the product schema is not a pass-through: a misspelt measurement field fails', async () => {
    const validate = await productValidator();
    const doc = loadAll(definitionsOf(files)['cop_dem_glo_30.odc-product.yaml']!).find(Boolean) as { measurements: Record<string, unknown>[] };
    doc.measurements[0] = { ...doc.measurements[0], nodta: 0 };
    expect(validate(doc)).toBe(false);
  });

  it('one index WorkflowTemplate (the backfill) and one daily CronWorkflow per product, each naming a defined template', () => {
    const docs = docsOf('apps/base/indexing/products.yaml');
    const templates = new Set([...docs, ...docsOf('apps/base/indexing/workflow-templates.yaml')].filter((d) => d.kind === 'WorkflowTemplate').map((d) => d.metadata?.name));
    for (const name of DEFAULT_PRODUCTS) {
      const slug = name.replaceAll('_', '-');
      expect(templates.has(`index-${slug}`)).toBe(true);
      const cron = docs.find((d) => d.kind === 'CronWorkflow' && d.metadata?.name === `index-${slug}`);
      expect(cron?.spec?.schedules).toHaveLength(1);
      expect(cron?.spec?.workflowSpec).toMatchObject({ workflowTemplateRef: { name: `index-${slug}` } });
    }
    const refs = docs.flatMap((d) => JSON.stringify(d).match(/"templateRef":\{"name":"[^"]+"/g) ?? []).map((r) => r.split('"').at(-2));
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(templates.has(ref)).toBe(true);
  });

  it('the backfill starts at the answers’ start date, over the answers’ area', async () => {
    const { files: custom } = await render({ data: { products: [{ name: 'ls8_c2l2_sr', start: '2019-06-01' }], bbox: [106, -7, 107, -6] } });
    const text = custom.get('apps/base/indexing/products.yaml')!;
    expect(text).toContain('value: "2019-06-01/.."');
    expect(text).toContain('value: "106,-7,107,-6"');
    expect(text).toContain('argo submit -n argo --from workflowtemplate/index-ls8-c2l2-sr');
    expect(Object.keys(definitionsOf(custom))).toEqual(['ls8_c2l2_sr.odc-product.yaml']);
  });

  it('with the STAC API deployed, each product’s run copies its items there after the index, under the stac login', async () => {
    const text = files.get('apps/base/indexing/products.yaml')!;
    const steps = loadAll(text)
      .filter((d): d is { kind: string; metadata: { name: string }; spec: { templates: { steps?: { name: string; templateRef?: { name: string } }[][] }[] } } => (d as Doc)?.kind === 'WorkflowTemplate')
      .map((d) => ({ name: d.metadata.name, groups: d.spec.templates[0]!.steps!.map((g) => g.map((s) => s.templateRef?.name)) }));
    expect(steps.map((s) => s.name)).toEqual(DEFAULT_PRODUCTS.map((p) => `index-${p.replaceAll('_', '-')}`));
    for (const s of steps) expect(s.groups, s.name).toEqual([['odc-product-sync'], ['odc-stac-index'], ['explorer-refresh', 'ows-update', 'stac-copy']]);
    expect(files.get('apps/base/indexing/workflow-templates.yaml')).toContain('name: stac-copy\n');
    const inArgo = secretInventory(parseAnswers({})).filter((x) => x.namespace === 'argo').map((x) => x.name);
    expect(inArgo).toContain('stac-db');
    // Without the STAC API nothing is copied, and no stac login reaches Argo's namespace.
    const withoutStac = parseAnswers({ components: { apps: ['argo', 'odc', 'indexing'] } });
    const { files: noStac } = await render({ components: { apps: ['argo', 'odc', 'indexing'] } });
    expect(noStac.get('apps/base/indexing/products.yaml')).not.toContain('stac-copy');
    expect(noStac.get('apps/base/indexing/workflow-templates.yaml')).not.toContain('stac-copy');
    expect(secretInventory(withoutStac).filter((x) => x.namespace === 'argo').map((x) => x.name)).not.toContain('stac-db');
  });

  it('the indexing Kustomization waits for argo (its CRDs) and odc (the schema)', () => {
    const answers = parseAnswers({});
    const indexing = clusterKustomizations(answers, answers.clusters[0]!, selectComponents(answers)).find((k) => k.name === 'indexing');
    expect(indexing?.dependsOn).toEqual(['argo', 'odc']);
  });

  it.skipIf(!hasKubectl)('builds with kustomize, and every Argo object passes Argo’s strict schema', async () => {
    const dir = await tempDir();
    await renderTo(dir);
    const built = await execa('kubectl', ['kustomize', `${dir}/apps/development/indexing`]);
    const docs = loadAll(built.stdout).filter(Boolean) as Doc[];
    const argo = docs.filter((d) => d.apiVersion === 'argoproj.io/v1alpha1');
    expect(argo.map((d) => d.kind).sort()).toEqual([
      ...DEFAULT_PRODUCTS.map(() => 'CronWorkflow'),
      // One per product, plus product sync, STAC indexing, Explorer and OWS refresh, and the STAC API copy.
      ...Array.from({ length: DEFAULT_PRODUCTS.length + 5 }, () => 'WorkflowTemplate'),
    ]);
    // Argo's namespace, but for the Role (and its binding) that lets the workflows restart OWS.
    for (const d of docs) expect(d.metadata?.namespace, `${d.kind}/${d.metadata?.name}`).toBe(d.kind?.startsWith('Role') ? 'odc' : 'argo');
    const validate = await argoValidator();
    for (const d of argo) {
      validate(d);
      expect(errorsOf(validate), `${d.kind}/${d.metadata?.name}`).toEqual([]);
    }
    const configMap = docs.find((d) => d.kind === 'ConfigMap') as { data: Record<string, string> } & Doc;
    expect(configMap.metadata?.name).toBe('odc-product-definitions');
    expect(Object.keys(configMap.data).sort()).toEqual(DEFAULT_PRODUCTS.map((n) => `${n}.odc-product.yaml`).sort());
  });

  it('the strict Argo schema rejects a misspelt field (the check can fail)', async () => {
    const validate = await argoValidator();
    const cron = docsOf('apps/base/indexing/products.yaml').find((d) => d.kind === 'CronWorkflow')!;
    expect(validate(cron)).toBe(true);
    expect(validate({ ...cron, spec: { ...cron.spec, schedule: '0 1 * * *' } })).toBe(false);
  });
});

describe('data answers', () => {
  it('an unknown product is refused, naming the field and the choices', () => {
    expect(() => parseAnswers({ data: { products: [{ name: 's2_l2a' }] } })).toThrow(/data\.products\.0\.name.*s2_l2a_c1/s);
  });

  it('a bbox with west east of east is refused', () => {
    expect(() => parseAnswers({ data: { bbox: [141, -11, 95, 6] } })).toThrow(/data\.bbox/);
  });

  it('an empty product list is refused, pointing at components.apps', () => {
    expect(() => parseAnswers({ data: { products: [] } })).toThrow(/data\.products.*components\.apps/s);
  });

  it('a start that is not a date is refused', () => {
    expect(() => parseAnswers({ data: { products: [{ name: 'cop_dem_glo_30', start: '2024-13-01' }] } })).toThrow(/YYYY-MM-DD/);
  });
});

describe('data: serving the products', () => {
  const configMapJson = (text: string, key: string) => {
    const doc = (loadAll(text) as { kind?: string; data?: Record<string, string> }[]).find((d) => d?.kind === 'ConfigMap')!;
    return JSON.parse(doc.data![key]!) as Record<string, unknown>;
  };
  type Layer = { name: string; product_name: string; styling: { default_style: string; styles: { name: string }[] } };
  const owsLayersOf = (files: ReadonlyMap<string, string>) => {
    const cfg = configMapJson(files.get('apps/development/odc/ows-config.yaml')!, 'ows_cfg.json') as { layers: { layers: Layer[] }[] };
    return cfg.layers.flatMap((folder) => folder.layers);
  };

  it('OWS serves one layer per chosen product, with true colour and NDVI for the reflectance products', async () => {
    const { files } = await render();
    const layers = owsLayersOf(files);
    expect(layers.map((l) => l.product_name)).toEqual([...DEFAULT_PRODUCTS]);
    const s2 = layers.find((l) => l.name === 's2_l2a_c1')!;
    expect(s2.styling.default_style).toBe('true_colour');
    expect(s2.styling.styles.map((s) => s.name)).toEqual(['true_colour', 'ndvi']);
    // The range update after indexing reads the same layers.
    const update = configMapJson(files.get('apps/base/indexing/workflow-templates.yaml')!, 'ows_cfg.json') as { layers: { layers: Layer[] }[] };
    expect(update.layers.flatMap((f) => f.layers).map((l) => l.name)).toEqual(layers.map((l) => l.name));
  });

  it('every band an OWS style reads is a measurement (or alias) of the product’s definition', async () => {
    const { files } = await render({ data: { products: PRODUCTS.map((p) => ({ name: p.name })) } });
    const cfg = configMapJson(files.get('apps/development/odc/ows-config.yaml')!, 'ows_cfg.json') as { layers: { layers: (Layer & { bands: Record<string, unknown> })[] }[] };
    for (const layer of cfg.layers.flatMap((f) => f.layers)) {
      const definition = loadAll(definitionsOf(files)[`${layer.product_name}.odc-product.yaml`]!).find(Boolean) as { measurements: { name: string; aliases?: string[] }[] };
      const known = new Set(definition.measurements.flatMap((m) => [m.name, ...(m.aliases ?? [])]));
      for (const band of Object.keys(layer.bands)) expect(known.has(band), `${layer.name}: ${band}`).toBe(true);
    }
  });

  it('without the data component OWS serves no layers and Terria lists no products', async () => {
    const { files } = await render({ components: { apps: ['odc', 'terria'] } });
    expect([...files.keys()].some((p) => p.includes('/indexing/'))).toBe(false);
    expect(owsLayersOf(files)).toEqual([]);
    const init = configMapJson(files.get('apps/development/terria/terria-config.yaml')!, 'piksel.json') as { catalog: { id: string }[] };
    expect(init.catalog.map((c) => c.id)).toEqual(['piksel-ows']);
  });

  it('Terria lists each product as a WMS layer of this cluster’s OWS', async () => {
    const { files } = await render();
    const init = configMapJson(files.get('apps/development/terria/terria-config.yaml')!, 'piksel.json') as {
      catalog: { id: string; members?: { type: string; url: string; layers: string }[] }[];
    };
    const group = init.catalog.find((c) => c.id === 'piksel-products')!;
    expect(group.members!.map((m) => m.layers)).toEqual([...DEFAULT_PRODUCTS]);
    for (const m of group.members!) expect(m).toMatchObject({ type: 'wms', url: 'https://ows.dev.piksel.example.org/' });
  });

  it('Terria shows each copied collection’s newest footprints from this cluster’s STAC API, once per collection', async () => {
    const initOf = (f: ReadonlyMap<string, string>) =>
      configMapJson(f.get('apps/development/terria/terria-config.yaml')!, 'piksel.json') as { catalog: { id: string; members?: { type: string; url: string }[] }[] };
    const { files } = await render({ data: { products: [{ name: 's2_l2a_c1' }, { name: 'ls9_c2l2_sr' }, { name: 'ls8_c2l2_sr' }], bbox: [106, -7, 107, -6] } });
    const stac = initOf(files).catalog.find((c) => c.id === 'piksel-stac')!;
    // Landsat 8 and 9 share one collection: one item.
    expect(stac.members).toEqual([
      { id: 'piksel-stac-sentinel-2-c1-l2a', type: 'geojson', name: 'sentinel-2-c1-l2a', url: 'https://stac.dev.piksel.example.org/collections/sentinel-2-c1-l2a/items?bbox=106,-7,107,-6&limit=100' },
      { id: 'piksel-stac-landsat-c2l2-sr', type: 'geojson', name: 'landsat-c2l2-sr', url: 'https://stac.dev.piksel.example.org/collections/landsat-c2l2-sr/items?bbox=106,-7,107,-6&limit=100' },
    ]);
    // No STAC API, no copy: no such group.
    const { files: noStac } = await render({ components: { apps: ['argo', 'odc', 'indexing', 'terria'] } });
    expect(initOf(noStac).catalog.map((c) => c.id)).not.toContain('piksel-stac');
  });

  it('requester-pays Landsat makes OWS sign and pay for its reads', async () => {
    const { files } = await render();
    expect(files.get('apps/development/odc/ows-patch.yaml')).toContain('AWS_REQUEST_PAYER');
    const { files: noLandsat } = await render({ data: { products: [{ name: 's2_l2a_c1' }] } });
    expect(noLandsat.get('apps/development/odc/ows-patch.yaml') ?? '').not.toContain('AWS_REQUEST_PAYER');
  });

  it("the indexing README shows a notebook reading a public product's collection from the STAC API, with bands the product has", async () => {
    const readme = (await render()).files.get('apps/base/indexing/README.md')!;
    const s2 = PRODUCTS.find((p) => p.name === 's2_l2a_c1')!;
    expect(readme).toContain(`catalog.search(collections=["${s2.stac.collection}"], max_items=1)`);
    const style = s2.ows.styles[0];
    expect(style.kind).toBe('rgb');
    expect(readme).toContain(`odc.stac.load(items, bands=${JSON.stringify(style.kind === 'rgb' ? style.bands : [])}, chunks={})`);
    // Landsat alone is requester pays (a notebook has no credentials to pay with); without JupyterHub there is no notebook.
    const { files: landsatOnly } = await render({ data: { products: [{ name: 'ls9_c2l2_sr' }] } });
    expect(landsatOnly.get('apps/base/indexing/README.md')).not.toContain('## In a notebook');
    const { files: dem } = await render({ data: { products: [{ name: 'ls9_c2l2_sr' }, { name: 'cop_dem_glo_30' }] } });
    expect(dem.get('apps/base/indexing/README.md')).toContain('collections=["cop-dem-glo-30"], max_items=1).item_collection()\ndata = odc.stac.load(items, bands=["data"]');
    const { files: noHub } = await render({ components: { apps: ['argo', 'odc', 'stac', 'indexing'] } });
    expect(noHub.get('apps/base/indexing/README.md')).not.toContain('## In a notebook');
  });
});
