import { checkApiVersion } from '../api-versions.js';
import { checkDurations } from '../durations.js';
import { FLUX_KINDS } from '../kinds.js';
import { checkObjectBasics } from '../metadata.js';
import { apiVersionOf, isFluxGroup, kindOf, objectLabel, specOf, splitApiVersion } from '../objects.js';
import type { Finding, LocatedObject } from '../types.js';
import { lineOfPath } from '../yaml.js';
import { displayPath, schemaIssues, type SchemaIssue } from './issues.js';
import type { SchemaRegistry } from './registry.js';

/** HelmRelease's CEL rule (not evaluated from the CRD): exactly one of chart and chartRef. */
function checkChartXorChartRef(o: LocatedObject): SchemaIssue[] {
  if (kindOf(o.object) !== 'HelmRelease' || !isFluxGroup(splitApiVersion(apiVersionOf(o.object)).group)) return [];
  const spec = specOf(o.object);
  const has = (k: string) => spec[k] !== undefined;
  if (has('chart') === has('chartRef'))
    return [{ path: ['spec'], message: `spec must set exactly one of chart and chartRef (it sets ${has('chart') ? 'both' : 'neither'})`, hint: 'use chart.spec with a HelmRepository, or chartRef with an OCIRepository' }];
  return [];
}

/**
 * Check 4: each object against its schema (the repository's CRDs, else the bundled schemas),
 * plus what no schema says: object basics and Flux durations. Objects whose apiVersion is no
 * longer served were reported by the API-version check and are skipped here.
 */
export function checkSchemas(objects: readonly LocatedObject[], registry: SchemaRegistry): Finding[] {
  const findings: Finding[] = [];
  const unschematized = new Set<string>();
  for (const o of objects) {
    if (checkApiVersion(o.object)?.severity === 'error') continue;
    const issues = [...checkObjectBasics(o.object)];
    if (issues.some((i) => i.path[0] === 'apiVersion' || i.path[0] === 'kind')) {
      findings.push(...issues.map((issue) => toFinding(o, issue)));
      continue;
    }
    const durations = checkDurations(o.object);
    const durationPaths = new Set(durations.map((d) => displayPath(d.path)));
    const source = registry.sourceOf(o.object);
    if (source) issues.push(...schemaIssues(registry.validate(o.object), o.object).filter((i) => !durationPaths.has(displayPath(i.path))));
    else {
      const typeKey = `${apiVersionOf(o.object)} ${kindOf(o.object)}`;
      if (!unschematized.has(typeKey)) {
        unschematized.add(typeKey);
        const fluxKind = FLUX_KINDS.some((k) => k.kind === kindOf(o.object) && isFluxGroup(k.group));
        findings.push({
          severity: 'warning',
          check: 'schema',
          file: o.file,
          line: o.line,
          object: objectLabel(o.object),
          message: `no schema for ${kindOf(o.object)} (${apiVersionOf(o.object)}): its fields are not checked`,
          hint: fluxKind
            ? 'commit the clusters/<name>/flux-system/gotk-components.yaml that flux bootstrap writes: validate reads the CRDs from it'
            : 'if this is a custom resource, check it against its CRD; if the kind or apiVersion is misspelt, fix it',
        });
      }
    }
    issues.push(...durations, ...checkChartXorChartRef(o));
    findings.push(...issues.map((issue) => toFinding(o, issue)));
  }
  return findings;
}

const toFinding = (o: LocatedObject, issue: SchemaIssue): Finding => ({
  severity: 'error',
  check: 'schema',
  file: o.file,
  line: o.source ? lineOfPath(o.source, issue.path) : o.line,
  object: objectLabel(o.object),
  message: issue.message,
  hint: issue.hint,
});
