import { describe, expect, it } from 'vitest';
import type { ComponentSpec } from '../src/catalog/component.js';
import { CATALOG } from '../src/catalog/index.js';
import { APP_NAMES, CONFIG_NAMES, CONTROLLER_NAMES } from '../src/catalog/names.js';
import { componentOfTemplate, renderRepository, unownedTemplates } from '../src/render/index.js';
import { parseAnswers } from '../src/answers/load.js';
import { ANSWER_SECTIONS, CLUSTER_OVERRIDE_SECTIONS } from '../src/answers/sections/index.js';
import { isPikselError } from '../src/errors.js';
import { bundledTemplates } from './support/render.js';
import { prepareTemplates, renderTemplate } from '../src/render/handlebars.js';

/** What rendering the default answers with `templates` throws (undefined when it renders). */
function renderError(templates: ReadonlyMap<string, string>): unknown {
  try {
    renderRepository({ answers: parseAnswers({}), templates, toolVersion: '0.0.0-test' });
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('the catalog', () => {
  it('holds exactly the components the names module lists, in its order', () => {
    const of = (...layers: string[]) => CATALOG.filter((c) => layers.includes(c.layer)).map((c) => c.name);
    expect(of('controllers', 'database')).toEqual([...CONTROLLER_NAMES]);
    expect(of('configs')).toEqual([...CONFIG_NAMES]);
    expect(of('apps')).toEqual([...APP_NAMES]);
  });

  it('carries each answers section in the component the section names, and every section is listed once for the schema and the flow', () => {
    const carried = CATALOG.flatMap((c) => (c.answers ? [[c.name, c.answers] as const] : []));
    expect(carried.map(([name, section]) => [name, section.component])).toEqual(carried.map(([name]) => [name, name]));
    expect(new Set(ANSWER_SECTIONS)).toEqual(new Set(carried.map(([, section]) => section)));
    // A section a cluster may override accepts an (empty) override; data's products are repository-wide.
    const overridable = ANSWER_SECTIONS.filter((s) => s.clusterOverrides.safeParse({}).success);
    expect(overridable.map((s) => s.key)).not.toContain('data');
    expect(new Set(CLUSTER_OVERRIDE_SECTIONS)).toEqual(new Set(overridable));
    expect(ANSWER_SECTIONS).toHaveLength(carried.length);
    expect(CLUSTER_OVERRIDE_SECTIONS).toHaveLength(overridable.length);
  });

  it('gives every shipped template under apps/ and infrastructure/ an owner', async () => {
    const templates = await bundledTemplates();
    expect(unownedTemplates(templates.keys())).toEqual([]);
    expect(componentOfTemplate('infrastructure/database/database-setup.yaml.hbs')?.name).toBe('db-proxy');
    expect(componentOfTemplate('infrastructure/schemas/odc/odc-schema.yaml.hbs')?.name).toBe('odc');
    expect(componentOfTemplate('apps/[environment]/stac/ingress.yaml.hbs')?.name).toBe('stac');
    expect(componentOfTemplate('infrastructure/controllers/kustomization.yaml.hbs')).toBeUndefined();
  });

  it('refuses a template folder that no component claims, instead of rendering it for every repository', async () => {
    const templates = new Map(await bundledTemplates());
    templates.set('apps/base/grafana-extra/dashboards.yaml.hbs', 'kind: ConfigMap\n');
    templates.set('infrastructure/controllers/unknown.yaml.hbs', 'kind: ConfigMap\n');
    const error = renderError(templates);
    expect(isPikselError(error)).toBe(true);
    expect((error as Error).message).toMatch(/no component owns: apps\/base\/grafana-extra\/dashboards\.yaml\.hbs, infrastructure\/controllers\/unknown\.yaml\.hbs/);
  });
});

describe('a template that names what its view lacks', () => {
  it('is refused with the template named, not an internal error', async () => {
    const templates = new Map(await bundledTemplates());
    templates.set('clusters/[cluster]/extra.yaml.hbs', 'data:\n  {{yaml noSuchField indent=2}}\n');
    await prepareTemplates(templates, new Map()); // as loadTemplates does for a --templates folder
    const error = renderError(templates);
    expect(isPikselError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^template clusters\/\[cluster\]\/extra\.yaml\.hbs cannot be rendered: \{\{yaml\}\} was given a value the view does not have/);
  });

  it("is refused for a component template naming a repository fact: a component's view holds its own fields only", async () => {
    const templates = new Map(await bundledTemplates());
    templates.set('apps/[environment]/argo/extra.yaml.hbs', 'data:\n  cluster: {{cluster.name}}\n');
    await prepareTemplates(templates, new Map());
    const error = renderError(templates);
    expect(isPikselError(error)).toBe(true);
    expect((error as Error).message).toBe(
      'template apps/[environment]/argo/extra.yaml.hbs cannot be rendered: "name" not defined - 2:13: check the names it uses against its component\'s view',
    );
  });
});

// What a component needs is typed: a misspelt name does not compile. Checked by tsc (the compile
// step of `npm test`, which type-checks the tests), not at run time: it fails the build if it compiles.
// @ts-expect-error 'db-prxy' is no component
const misspelt: ComponentSpec['needs'] = ['db-prxy'];
void misspelt;

describe('{{yaml}} blocks, written once per value', () => {
  it('are the same text for the same data, and never stand in for data JSON cannot tell apart (NaN beside null, -0 beside 0)', async () => {
    const templates = new Map([['block.yaml.hbs', 'v:\n  {{yaml value indent=2}}\n']]);
    await prepareTemplates(templates, new Map());
    const render = (value: unknown) => renderTemplate(templates, 'block.yaml.hbs', { value });
    expect(render({ a: null, b: [1, 'x'] })).toBe('v:\n  a: null\n  b:\n    - 1\n    - x\n');
    expect(render({ a: null, b: [1, 'x'] })).toBe('v:\n  a: null\n  b:\n    - 1\n    - x\n');
    expect(render({ a: Number.NaN })).toBe('v:\n  a: .nan\n');
    expect(render({ a: null })).toBe('v:\n  a: null\n');
    expect(render({ a: -0 })).toBe('v:\n  a: -0\n');
    expect(render({ a: 0 })).toBe('v:\n  a: 0\n');
  });
});
