import { parseAllDocuments } from 'yaml';
import { layerProducts } from '../catalog/ows-layers.js';
import { groupOf, isMap, kindOf, objectLabel, str } from './objects.js';
import type { Finding, LocatedObject } from './types.js';
import { lineOfPath } from './yaml.js';

/**
 * The data checks of the deploy class, over what one cluster applies: the products OWS serves,
 * the products the Argo workflows index, and the ODC product definitions (ConfigMap values).
 * OWS serving a product nobody indexes shows an empty layer forever; a workflow naming a product
 * nobody defines fails at its first run, every day.
 */

type Path = (string | number)[];

interface Mention {
  readonly product: string;
  readonly object: LocatedObject;
  readonly path: Path;
}

const isConfigMap = (o: LocatedObject) => kindOf(o.object) === 'ConfigMap' && groupOf(o.object) === '';
const isArgo = (o: LocatedObject) => groupOf(o.object) === 'argoproj.io';
const configData = (o: LocatedObject): [string, string][] =>
  isMap(o.object.data) ? Object.entries(o.object.data).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v] as [string, string]] : [])) : [];

/** Product names defined by ODC product documents held in ConfigMaps (name, metadata_type, measurements). */
function definedProducts(objects: readonly LocatedObject[]): Set<string> {
  const names = new Set<string>();
  for (const o of objects.filter(isConfigMap))
    for (const [key, text] of configData(o)) {
      if (!/\.ya?ml$/.test(key)) continue;
      for (const doc of parseAllDocuments(text)) {
        if ('errors' in doc && doc.errors.length > 0) continue;
        const value = doc.toJS() as unknown;
        if (isMap(value) && typeof value.name === 'string' && 'metadata_type' in value && Array.isArray(value.measurements)) names.add(value.name);
      }
    }
  return names;
}

/** The products OWS configurations (JSON with `global` and `layers`) in ConfigMaps serve. */
function servedProducts(objects: readonly LocatedObject[]): Mention[] {
  return objects.filter(isConfigMap).flatMap((o) =>
    configData(o).flatMap(([key, text]) => {
      if (!key.endsWith('.json')) return [];
      let cfg: unknown;
      try {
        cfg = JSON.parse(text);
      } catch {
        return [];
      }
      if (!isMap(cfg) || !isMap(cfg.global) || !Array.isArray(cfg.layers)) return [];
      return layerProducts(cfg.layers).map((product) => ({ product, object: o, path: ['data', key] }));
    }),
  );
}

/** Every `{name: product, value: <literal>}` parameter of an Argo object: the products its workflows index. */
function workflowProducts(objects: readonly LocatedObject[]): Mention[] {
  const found: Mention[] = [];
  const walk = (o: LocatedObject, node: unknown, path: Path) => {
    if (Array.isArray(node)) node.forEach((item, i) => walk(o, item, [...path, i]));
    else if (isMap(node)) {
      const value = str(node.value);
      // A parameter passed on (`{{inputs.parameters.product}}`) names no product itself.
      if (node.name === 'product' && value && !value.includes('{{')) found.push({ product: value, object: o, path: [...path, 'value'] });
      for (const [k, v] of Object.entries(node)) walk(o, v, [...path, k]);
    }
  };
  for (const o of objects.filter(isArgo)) walk(o, o.object.spec, ['spec']);
  return found;
}

const at = (m: Mention) => ({
  file: m.object.file,
  line: m.object.source ? lineOfPath(m.object.source, m.path) : m.object.line,
  object: objectLabel(m.object.object),
});

export function checkDataProducts(objects: readonly LocatedObject[]): Finding[] {
  const served = servedProducts(objects);
  const indexed = workflowProducts(objects);
  const defined = definedProducts(objects);
  const indexedNames = new Set(indexed.map((m) => m.product));
  // A repository with no data cube (no definitions, no OWS) may use `product` for anything else.
  const dataCube = defined.size > 0 || served.length > 0;
  return [
    ...firstOfEach(served.filter((m) => !indexedNames.has(m.product))).map((m) =>
      finding(m, `OWS serves product '${m.product}', but no workflow indexes it: its layer stays empty`, `add '${m.product}' to data.products in the answers and re-run create-piksel-gitops, or remove the layer`),
    ),
    ...firstOfEach(dataCube ? indexed.filter((m) => !defined.has(m.product)) : []).map((m) =>
      finding(
        m,
        `the workflow indexes product '${m.product}', which no product definition defines: every run fails`,
        `add the publisher's definition of '${m.product}' to the product definitions ConfigMap (apps/base/indexing/product-definitions.yaml), or fix the name`,
      ),
    ),
  ];
}

/** One finding a product: its first mention. */
const firstOfEach = (mentions: readonly Mention[]): Mention[] => mentions.filter((m, i) => mentions.findIndex((o) => o.product === m.product) === i);

const finding = (m: Mention, message: string, hint: string): Finding => ({ severity: 'error', check: 'deploy', ...at(m), message, hint });

