import { createHash } from 'node:crypto';
import HandlebarsRuntime from 'handlebars/runtime';
import { stringify } from 'yaml';
import { inputError } from '../errors.js';
import { survivesJson } from '../plain-data.js';

/** Template sources keyed by their path under templates/ (e.g. `clusters/[cluster]/apps.yaml.hbs`). */
export type TemplateSet = ReadonlyMap<string, string>;

type Engine = typeof HandlebarsRuntime;
type Options = { hash: Record<string, unknown> };

/** Shared snippets live in `templates/_partials/<name>.hbs` and are used as `{{> name}}`. */
export const PARTIALS_DIR = '_partials/';

/**
 * How both compilers are told to treat templates: the output is YAML and Markdown, never HTML;
 * and a name the view does not have is an error, not an empty string in the output (`{{#if x}}`
 * may still test a name that is absent).
 */
export const COMPILE_OPTIONS = { noEscape: true, strict: true } as const;

/** The key that matches a template source to the spec precompiled from it at build time. */
export const sourceHash = (source: string): string => createHash('sha1').update(source).digest('hex');

/** A template precompiled by scripts/build.ts, with the hash of the source it was built from. */
export interface PrecompiledTemplate {
  readonly hash: string;
  readonly spec: TemplateSpecification;
}

/**
 * A value as block YAML. A fleet renders the same values for every cluster (resources, affinity,
 * …), so plain data is remembered by its JSON: the same data is the same YAML. A value JSON could
 * not tell apart (NaN, -0, a Map) is written each time.
 */
function yamlBlock(value: unknown): string {
  const key = survivesJson(value) ? JSON.stringify(value) : undefined;
  let text = key === undefined ? undefined : yamlBlocks.get(key);
  if (text === undefined) {
    text = stringify(value, { lineWidth: 0, aliasDuplicateObjects: false }).replace(/\n$/, '');
    if (key !== undefined) {
      if (yamlBlocks.size >= 4096) yamlBlocks.clear();
      yamlBlocks.set(key, text);
    }
  }
  return text;
}

const yamlBlocks = new Map<string, string>();

/**
 * Helpers keep templates reading like the YAML they produce: structured values computed in
 * TypeScript are emitted as YAML blocks at the indentation the template shows.
 */
function withHelpers(hb: Engine): Engine {
  // {{yaml value indent=8}}: block YAML; lines after the first are indented to match the template.
  hb.registerHelper('yaml', (value: unknown, options: Options) => {
    const indent = ' '.repeat(Number(options.hash.indent ?? 0));
    // A name the view does not have: say so, rather than fail somewhere inside YAML.
    if (value === undefined) throw new Error('{{yaml}} was given a value the view does not have');
    return yamlBlock(value).split('\n').join(`\n${indent}`);
  });
  // {{quote value}}: a double-quoted YAML scalar.
  hb.registerHelper('quote', (value: unknown) => JSON.stringify(String(value)));
  hb.registerHelper('eq', (a: unknown, b: unknown) => a === b);
  hb.registerHelper('join', (list: unknown[], sep: unknown) => list.join(typeof sep === 'string' ? sep : ', '));
  return hb;
}

/**
 * The shipped templates are precompiled at build time, so rendering them needs only the
 * Handlebars runtime. The compiler (most of the library's code, and ~0.4 s to compile every template)
 * is loaded only for sources the build did not see: `--templates DIR`, or templates edited since.
 */
const runtime = withHelpers(HandlebarsRuntime.create());
let compiler: Engine | undefined;

interface Prepared {
  /** Build-time specs for the sources that match them; the other paths are compiled. */
  readonly specs: ReadonlyMap<string, TemplateSpecification>;
  readonly templates: Map<string, Handlebars.TemplateDelegate>;
  partials?: Record<string, Handlebars.TemplateDelegate>;
}
const preparedSets = new WeakMap<TemplateSet, Prepared>();

/**
 * Readies a template set for `renderTemplate`: each source that is byte-for-byte the one a
 * build-time spec was made from uses that spec; if any is not, the compiler is loaded.
 */
export async function prepareTemplates(templates: TemplateSet, precompiled: ReadonlyMap<string, PrecompiledTemplate>): Promise<void> {
  const specs = new Map<string, TemplateSpecification>();
  for (const [path, source] of templates) {
    const built = precompiled.get(path);
    if (built && built.hash === sourceHash(source)) specs.set(path, built.spec);
  }
  if (specs.size < templates.size && !compiler) {
    const { default: Handlebars } = await import('handlebars');
    compiler = withHelpers(Handlebars.create());
  }
  preparedSets.set(templates, { specs, templates: new Map() });
}

function delegate(prepared: Prepared, templates: TemplateSet, path: string): Handlebars.TemplateDelegate {
  let template = prepared.templates.get(path);
  if (!template) {
    const spec = prepared.specs.get(path);
    const source = templates.get(path);
    if (spec) template = runtime.template(spec);
    else if (source === undefined) throw new Error(`no template ${path}`);
    else template = compiler!.compile(source, COMPILE_OPTIONS);
    prepared.templates.set(path, template);
  }
  return template;
}

/** Renders one template of a set (from `loadTemplates`); each template is readied once per set. */
export function renderTemplate(templates: TemplateSet, path: string, view: object): string {
  const prepared = preparedSets.get(templates);
  if (!prepared) throw new Error('renderTemplate: the template set was not made by loadTemplates');
  prepared.partials ??= Object.fromEntries(
    [...templates.keys()]
      .filter((p) => p.startsWith(PARTIALS_DIR))
      .map((p) => [p.slice(PARTIALS_DIR.length).replace(/\.hbs$/, ''), delegate(prepared, templates, p)]),
  );
  try {
    return delegate(prepared, templates, path)(view, { partials: prepared.partials });
  } catch (e) {
    // A template naming what its component's view lacks (an edited --templates folder, usually).
    // Strict mode says what and where ('"name" not defined in undefined - 3:8'); the object it prints tells nothing.
    const why = (e as Error).message.replace(/ in (\[object Object\]|undefined|null) - /, ' - ');
    throw inputError(`template ${path} cannot be rendered: ${why}: check the names it uses against its component's view`);
  }
}
