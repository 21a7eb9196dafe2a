import { loadAll } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRODUCTS } from '../../src/catalog/products.js';
import { render } from '../support/render.js';

/**
 * The options odc-apps-dc-tools' `stac-to-dc` declares, read upstream (not from our output), in
 * opendatacube/odc-tools apps/dc_tools/odc/apps/dc_tools/stac_api_to_dc.py (its own
 * `@click.option`s: --catalog-href, --collections, --datetime, --options) and utils.py (the shared
 * options `cli` is decorated with):
 * - branch develop-1.9 at d0768be42826c656fbd7310291d18740de8362f7 (2024-10-10) has every one
 *   below but --url-string-replace and the three lineage options;
 * - --url-string-replace was added by odc-tools PR #647 (opened 2025-06-23, merged) and running
 *   without it fixed by PR #649 (opened 2025-07-01, merged); the newest stored copy of the file
 *   read has both, and the lineage options, which a utils.py of the same line defines. The search
 *   index that served that copy names no commit for it.
 * The image pins odc-apps-dc-tools 1.9.9 (opendatacube/datacube-docker index/uv.lock at 5c9896c),
 * uploaded 2026-03-11, after both PRs; the 1.9.9 package itself was not readable here.
 */
const STAC_TO_DC_OPTIONS = [
  '--limit',
  '--update-if-exists',
  '--allow-unsafe',
  '--catalog-href',
  '--collections',
  '--bbox',
  '--datetime',
  '--options',
  '--rename-product',
  '--url-string-replace',
  '--archive-less-mature',
  '--publish-action',
  '--statsd-setting',
  '--skip-lineage',
  '--fail-on-missing-lineage',
  '--verify-lineage',
] as const;

type Doc = { kind?: string; metadata?: { name?: string }; spec?: { templates?: { name: string; script?: { source: string } }[] } };
type Parameter = { name: string; value?: string };

const docsOf = (text: string | undefined) => (loadAll(text ?? '') as Doc[]).filter(Boolean);

/** The bash that runs stac-to-dc: the script of the odc-stac-index WorkflowTemplate. */
const stacToDcScript = (files: ReadonlyMap<string, string>): string => {
  const template = docsOf(files.get('apps/base/indexing/workflow-templates.yaml')).find((d) => d.kind === 'WorkflowTemplate' && d.metadata?.name === 'odc-stac-index');
  const source = template?.spec?.templates?.find((t) => t.script)?.script?.source;
  if (!source) throw new Error('no odc-stac-index script in the rendered repository');
  return source;
};

/** Every `--flag` a script passes (bash's own options are single-dash). */
const flagsIn = (script: string) => [...new Set(script.match(/(?<=\s)--[a-z][a-z-]*/g) ?? [])];

/** The parameters each product's index workflow hands odc-stac-index (backfill and daily run). */
const parametersOf = (files: ReadonlyMap<string, string>): Parameter[] =>
  docsOf(files.get('apps/base/indexing/products.yaml')).flatMap((d) => JSON.stringify(d).match(/\{"name":"(query|url-replace)","value":"(?:[^"\\]|\\.)*"\}/g) ?? []).map((p) => JSON.parse(p) as Parameter);

describe('stac-to-dc: the generated invocation uses only options odc-apps-dc-tools declares', () => {
  let files: ReadonlyMap<string, string>;
  let every: ReadonlyMap<string, string>;
  beforeAll(async () => {
    files = (await render()).files;
    every = (await render({ data: { products: PRODUCTS.map((p) => ({ name: p.name })) } })).files;
  });

  it('the default answers’ odc-stac-index calls stac-to-dc with flags from the upstream list only', () => {
    const script = stacToDcScript(files);
    expect(script).toContain('exec stac-to-dc "$@"');
    const flags = flagsIn(script);
    // The search and the product it lands in, at least: an empty match would prove nothing.
    expect(flags).toEqual(expect.arrayContaining(['--catalog-href', '--collections', '--bbox', '--datetime', '--rename-product']));
    for (const flag of flags) expect(STAC_TO_DC_OPTIONS, flag).toContain(flag);
  });

  it('a flag stac-to-dc does not declare is caught', () => {
    const script = `${stacToDcScript(files)}\nset -- "$@" --rewrite-assets="$URL_REPLACE"\n`;
    expect(flagsIn(script).filter((f) => !(STAC_TO_DC_OPTIONS as readonly string[]).includes(f))).toEqual(['--rewrite-assets']);
  });

  it('each query and URL rewrite parses the way stac-to-dc reads it', () => {
    const parameters = parametersOf(every);
    // ls8 and ls9 both have a query and a rewrite; the other products have neither.
    expect(parameters.filter((p) => p.name === 'query').length).toBeGreaterThan(0);
    expect(parameters.filter((p) => p.name === 'url-replace').length).toBeGreaterThan(0);
    for (const { name, value } of parameters) {
      if (name === 'query') {
        // --options="query=<value>": split on '#', then on '=' into exactly a key and a JSON value.
        expect(value, value).not.toMatch(/[#=]/);
        expect(() => JSON.parse(value!)).not.toThrow();
      } else {
        // --url-string-replace: two strings split by ','.
        expect(value!.split(','), value).toHaveLength(2);
      }
    }
  });
});
