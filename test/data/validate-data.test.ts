import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { checkDataProducts } from '../../src/validate/data.js';
import type { LocatedObject } from '../../src/validate/types.js';
import { isObjectDoc, parseYamlFile } from '../../src/validate/yaml.js';
import { render } from '../support/render.js';
import { hasKubectl } from '../support/repo-checks.js';
import { removeRepositories, validate, writeRepository } from '../validate/support.js';

const objects = (file: string, text: string): LocatedObject[] =>
  parseYamlFile(file, text).docs.filter(isObjectDoc).map((d) => ({ object: d.value, file, line: d.line, source: d }));

/** What the data and odc folders apply, the definitions ConfigMap as kustomize's generator makes it. */
async function dataObjects(raw: Record<string, unknown> = {}, drop: { definition?: string; workflowsOf?: string } = {}) {
  const { files } = await render(raw);
  const definitions = Object.fromEntries(
    [...files]
      .filter(([path]) => path.startsWith('apps/base/indexing/products/') && !path.endsWith(`/${drop.definition}.odc-product.yaml`))
      .map(([path, text]) => [path.split('/').at(-1)!, text]),
  );
  const generated = stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'odc-product-definitions', namespace: 'argo' }, data: definitions });
  const products = files.get('apps/base/indexing/products.yaml')!;
  const kept = drop.workflowsOf ? products.split('\n---\n').filter((doc) => !doc.includes(`index-${drop.workflowsOf}`)).join('\n---\n') : products;
  return [
    ...objects('apps/base/indexing/workflow-templates.yaml', files.get('apps/base/indexing/workflow-templates.yaml')!),
    ...objects('apps/base/indexing/products.yaml', kept),
    ...objects('apps/development/odc/ows-config.yaml', files.get('apps/development/odc/ows-config.yaml')!),
    ...objects('apps/base/indexing/kustomization.yaml', generated),
  ];
}

const brief = (objects: LocatedObject[]) => checkDataProducts(objects).map((f) => `${f.severity} ${f.file}:${f.line} ${f.message}`);

describe('validate deploy: data products', () => {
  afterAll(removeRepositories);

  it('the generated repository passes: every served product is indexed, every indexed product defined', async () => {
    expect(brief(await dataObjects())).toEqual([]);
    expect(brief(await dataObjects({ data: { products: [{ name: 'ls8_c2l2_sr' }, { name: 'cop_dem_glo_30' }] } }))).toEqual([]);
  });

  it('a workflow indexing a product no definition defines is an error at the parameter', async () => {
    const findings = brief(await dataObjects({}, { definition: 'cop_dem_glo_30' }));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatch(/^error apps\/base\/indexing\/products\.yaml:\d+ the workflow indexes product 'cop_dem_glo_30', which no product definition defines/);
  });

  it('a product OWS serves that no workflow indexes is an error at the OWS configuration', async () => {
    const findings = brief(await dataObjects({}, { workflowsOf: 'ls9-c2l2-sr' }));
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => /OWS serves product 'ls9_c2l2_sr', but no workflow indexes it/.test(f))).toBe(true);
  });

  it.skipIf(!hasKubectl)('`validate` reports it for a repository on disk (through the kustomize build)', async () => {
    const { files } = await render();
    const edited = new Map(files);
    edited.set('apps/base/indexing/kustomization.yaml', files.get('apps/base/indexing/kustomization.yaml')!.replace(/^ {6}- products\/s2_l2a_c1\.odc-product\.yaml\n/m, ''));
    const report = await validate(await writeRepository(edited));
    const data = report.findings.filter((f) => f.check === 'deploy' && f.severity === 'error').map((f) => f.message);
    expect(data).toEqual([expect.stringContaining("product 's2_l2a_c1', which no product definition defines")]);
  });
});
