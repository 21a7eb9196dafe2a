import { isMap, kindOf } from './objects.js';
import type { SchemaIssue } from './schema/issues.js';
import type { KubeObject } from './types.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** What every object needs before any schema applies: apiVersion, kind, a valid name; string labels. */
export function checkObjectBasics(object: KubeObject): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  for (const field of ['apiVersion', 'kind'] as const)
    if (typeof object[field] !== 'string' || object[field] === '')
      issues.push({ path: [field], message: `the object has no ${field}`, hint: `add ${field} (e.g. ${field === 'kind' ? 'kind: Namespace' : 'apiVersion: v1'})` });
  if (!isMap(object.metadata)) {
    issues.push({ path: ['metadata'], message: 'the object has no metadata', hint: 'add metadata.name (and metadata.namespace for a namespaced kind)' });
    return issues;
  }
  const { name, generateName, namespace } = object.metadata;
  if (name === undefined && generateName === undefined)
    issues.push({ path: ['metadata'], message: 'metadata.name is missing', hint: 'give the object a name: lowercase letters, digits and "-"' });
  else if (name !== undefined && !(typeof name === 'string' && name.includes('${'))) {
    const label = kindOf(object) === 'Namespace';
    const valid = typeof name === 'string' && (label ? DNS_LABEL.test(name) && name.length <= 63 : DNS_SUBDOMAIN.test(name) && name.length <= 253);
    if (!valid)
      issues.push({
        path: ['metadata', 'name'],
        message: `metadata.name ${JSON.stringify(name)} is not a valid DNS-1123 ${label ? 'label' : 'subdomain'}`,
        hint: `use lowercase letters, digits and "-"${label ? '' : ' (and ".")'}, starting and ending with a letter or digit`,
      });
  }
  if (namespace !== undefined && !(typeof namespace === 'string' && ((DNS_LABEL.test(namespace) && namespace.length <= 63) || namespace.includes('${'))))
    issues.push({ path: ['metadata', 'namespace'], message: `metadata.namespace ${JSON.stringify(namespace)} is not a valid namespace name`, hint: 'use lowercase letters, digits and "-"' });
  for (const field of ['labels', 'annotations'] as const) {
    const map = object.metadata[field];
    if (map === undefined || map === null) continue;
    if (!isMap(map)) {
      issues.push({ path: ['metadata', field], message: `metadata.${field} must be a mapping`, hint: `write metadata.${field} as key: "value" pairs` });
      continue;
    }
    for (const [key, value] of Object.entries(map))
      if (typeof value !== 'string')
        issues.push({
          path: ['metadata', field, key],
          message: `metadata.${field}.${key} must be a string, not ${JSON.stringify(value)}`,
          hint: `quote the value: ${key}: "${String(value)}"`,
        });
  }
  return issues;
}
