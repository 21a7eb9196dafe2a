import Handlebars from 'handlebars';
import { stringify } from 'yaml';
import type { TemplateSet } from './templates.js';

type Options = { hash: Record<string, unknown> };

/**
 * Helpers keep templates reading like the YAML they produce: structured values computed in
 * TypeScript are emitted as YAML blocks at the indentation the template shows.
 */
function createEngine(): typeof Handlebars {
  const hb = Handlebars.create();
  // {{yaml value indent=8}}: block YAML; lines after the first are indented to match the template.
  hb.registerHelper('yaml', (value: unknown, options: Options) => {
    const indent = ' '.repeat(Number(options.hash.indent ?? 0));
    const text = stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }).replace(/\n$/, '');
    return text.split('\n').join(`\n${indent}`);
  });
  // {{quote value}}: a double-quoted YAML scalar.
  hb.registerHelper('quote', (value: unknown) => JSON.stringify(String(value)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('join', (list: unknown[], sep: unknown) => list.join(typeof sep === 'string' ? sep : ', '));
  return hb;
}

const engine = createEngine();

/** Shared snippets live in `templates/_partials/<name>.hbs` and are used as `{{> name}}`. */
export const PARTIALS_DIR = '_partials/';

interface Compiled {
  readonly templates: Map<string, Handlebars.TemplateDelegate>;
  readonly partials: Record<string, Handlebars.TemplateDelegate>;
}
const compiledSets = new WeakMap<TemplateSet, Compiled>();

const compile = (source: string) => engine.compile(source, { noEscape: true });

function compiledFor(templates: TemplateSet): Compiled {
  let set = compiledSets.get(templates);
  if (!set) {
    const partials = Object.fromEntries(
      [...templates]
        .filter(([path]) => path.startsWith(PARTIALS_DIR))
        .map(([path, source]) => [path.slice(PARTIALS_DIR.length).replace(/\.hbs$/, ''), compile(source)]),
    );
    compiledSets.set(templates, (set = { templates: new Map(), partials }));
  }
  return set;
}

/** Renders one template of a set; each template is compiled once per set. */
export function renderTemplate(templates: TemplateSet, path: string, view: object): string {
  const set = compiledFor(templates);
  let template = set.templates.get(path);
  if (!template) {
    const source = templates.get(path);
    if (source === undefined) throw new Error(`no template ${path}`);
    set.templates.set(path, (template = compile(source)));
  }
  return template(view, { partials: set.partials });
}
