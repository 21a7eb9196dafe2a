import { afterAll, describe, expect, it } from 'vitest';
import { checkDataProducts } from '../../src/validate/data.js';
import type { LocatedObject } from '../../src/validate/types.js';
import { isObjectDoc, parseYamlFile } from '../../src/validate/yaml.js';
import { render } from '../support/render.js';
import { hasKubectl } from '../support/repo-checks.js';
import { removeRepositories, validate, writeRepository } from '../validate/support.js';

const objects = (file: string, text: string): LocatedObject[] =>
  parseYamlFile(file, text).docs.filter(isObjectDoc).map((d) => ({ object: d.value, file, line: d.line, source: d }));

/** What the indexing and odc folders apply, optionally without one product's definition or workflows. */
async function dataObjects(raw: Record<string, unknown> = {}, drop: { definition?: string; workflowsOf?: string } = {}) {
  const { files } = await render(raw);
  const configMap = files.get('apps/base/indexing/product-definitions.yaml')!;
  // The definitions ConfigMap without one product's key (its block of lines).
  const definitions = drop.definition ? configMap.replace(new RegExp(`^  ${drop.definition}\\.odc-product\\.yaml: \\|\\n(    .*\\n)*`, 'm'), '') : configMap;
  const products = files.get('apps/base/indexing/products.yaml')!;
  const kept = drop.workflowsOf ? products.split('\n---\n').filter((doc) => !doc.includes(`index-${drop.workflowsOf}`)).join('\n---\n') : products;
  return [
    ...objects('apps/base/indexing/workflow-templates.yaml', files.get('apps/base/indexing/workflow-templates.yaml')!),
    ...objects('apps/base/indexing/products.yaml', kept),
    ...objects('apps/development/odc/ows-config.yaml', files.get('apps/development/odc/ows-config.yaml')!),
    ...objects('apps/base/indexing/product-definitions.yaml', definitions),
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

  it('a workflow parameter named product in a repository without a data cube is not a finding', () => {
    const unrelated = objects(
      'apps/ci/release.yaml',
      'apiVersion: argoproj.io/v1alpha1\nkind: WorkflowTemplate\nmetadata:\n  name: release\nspec:\n  arguments:\n    parameters:\n      - name: product\n        value: widget\n',
    );
    expect(brief(unrelated)).toEqual([]);
  });

  it.skipIf(!hasKubectl)('`validate` reports it for a repository on disk (through the kustomize build)', async () => {
    const { files } = await render();
    const edited = new Map(files);
    const configMap = files.get('apps/base/indexing/product-definitions.yaml')!;
    edited.set('apps/base/indexing/product-definitions.yaml', configMap.replace(/^ {2}s2_l2a_c1\.odc-product\.yaml: \|\n( {4}.*\n)*/m, ''));
    const report = await validate(await writeRepository(edited));
    const data = report.findings.filter((f) => f.check === 'deploy' && f.severity === 'error').map((f) => f.message);
    expect(data).toEqual([expect.stringContaining("product 's2_l2a_c1', which no product definition defines")]);
  });
});
