import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ARGO_FIELDS } from '../../src/validate/schema/argo-bundled.js';
import { SchemaRegistry } from '../../src/validate/schema/registry.js';
import type { KubeObject } from '../../src/validate/types.js';
import { loadAll } from 'js-yaml';
import { render } from '../support/render.js';

const ARGO_SCHEMA = fileURLToPath(new URL('../fixtures/argo-workflows-v4.1.2/schema.json', import.meta.url));

describe('validate: the bundled Argo Workflows schemas', () => {
  it('close exactly the fields Argo v4.1.2 defines (a valid field is never refused, a misspelt one always is)', async () => {
    const definitions = (JSON.parse(await readFile(ARGO_SCHEMA, 'utf8')) as { definitions: Record<string, { properties: object }> }).definitions;
    for (const [name, fields] of Object.entries(ARGO_FIELDS))
      expect([...fields].sort(), name).toEqual(Object.keys(definitions[`io.argoproj.workflow.v1alpha1.${name}`]!.properties).sort());
  });

  it('pass the generated workflows and refuse misspelt fields at each closed level', async () => {
    const { files } = await render();
    const objects = ['apps/base/indexing/products.yaml', 'apps/base/indexing/workflow-templates.yaml'].flatMap((p) => loadAll(files.get(p)!) as KubeObject[]);
    const registry = new SchemaRegistry();
    const argo = objects.filter((o) => String(o.apiVersion).startsWith('argoproj.io/'));
    expect(argo.length).toBeGreaterThan(4);
    for (const o of argo) expect(registry.validate(o), `${String(o.kind)}`).toEqual([]);

    const cron = structuredClone(argo.find((o) => o.kind === 'CronWorkflow')!) as KubeObject & { spec: Record<string, unknown> };
    cron.spec.schedule = '0 1 * * *';
    expect(registry.validate(cron).length).toBeGreaterThan(0);
    const template = structuredClone(argo.find((o) => o.kind === 'WorkflowTemplate' && JSON.stringify(o).includes('templateRef'))!) as KubeObject & {
      spec: { templates: { steps: { templateRef: Record<string, unknown> }[][] }[] };
    };
    template.spec.templates[0]!.steps[0]![0]!.templateRef.templat = 'x';
    expect(registry.validate(template).length).toBeGreaterThan(0);
  });
});
