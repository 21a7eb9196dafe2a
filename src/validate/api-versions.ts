import { findKind, KNOWN_GROUPS, KNOWN_KINDS, preferredApiVersion } from './kinds.js';
import { apiVersionOf, kindOf, objectLabel, splitApiVersion } from './objects.js';
import type { Finding, KubeObject } from './types.js';
import { lineOfPath } from './yaml.js';
import type { SourceDoc } from './types.js';

/**
 * Check 2: our own `flux migrate --dry-run`. Any apiVersion the API server no longer serves is an
 * error naming the replacement; a known group with an unknown kind is an error too (a typo there
 * means the object is never applied). Unknown groups are left to the schema check.
 */
export function checkApiVersion(object: KubeObject): Omit<Finding, 'file' | 'line'> | undefined {
  const apiVersion = apiVersionOf(object);
  const kind = kindOf(object);
  if (!apiVersion || !kind) return undefined;
  const info = findKind(apiVersion, kind);
  const { group, version } = splitApiVersion(apiVersion);
  const base = { check: 'api-version' as const, object: objectLabel(object) };
  if (!info) {
    if (!KNOWN_GROUPS.has(group)) return undefined;
    const kinds = [...new Set(KNOWN_KINDS.filter((k) => k.group === group).map((k) => k.kind))];
    return {
      ...base,
      severity: 'error',
      message: `${group} has no kind '${kind}'`,
      hint: kinds.length > 0 ? `use one of ${kinds.join(', ')}` : 'check the kind and apiVersion against the CRD',
    };
  }
  const replacement = preferredApiVersion(info);
  if (info.group === group && info.versions.includes(version)) {
    const deprecated = info.deprecated?.[apiVersion];
    return deprecated
      ? { ...base, severity: 'warning', message: `${kind} ${apiVersion} is ${deprecated}`, hint: `change apiVersion to ${replacement}` }
      : undefined;
  }
  const removed = info.removed?.[apiVersion];
  return {
    ...base,
    severity: 'error',
    message: removed ? `${kind} ${apiVersion} is no longer served (${removed}): use ${replacement}` : `${kind} is not served as ${apiVersion}: use ${replacement}`,
    hint: `change apiVersion to ${replacement}${info.group.endsWith('fluxcd.io') ? ' (what `flux migrate` does) and check the fields that changed between versions' : ''}`,
  };
}

export function checkApiVersions(docs: readonly (SourceDoc & { value: KubeObject })[]): Finding[] {
  return docs.flatMap((d) => {
    const finding = checkApiVersion(d.value);
    return finding ? [{ ...finding, file: d.file, line: lineOfPath(d, ['apiVersion']) }] : [];
  });
}
