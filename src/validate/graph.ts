import { ALERT_SOURCE_KINDS } from './kinds.js';
import { apiVersionOf, getPath, isMap, kindOf, nameOf, namespaceOf, objectLabel, specOf, str } from './objects.js';
import { closestName } from './schema/issues.js';
import type { Finding, LocatedObject } from './types.js';
import { lineOfPath } from './yaml.js';

/** Namespaces every cluster has (flux-system comes with bootstrap). */
export const BUILT_IN_NAMESPACES: ReadonlySet<string> = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease', 'flux-system']);

export interface ClusterGraph {
  readonly name: string;
  /** Everything the cluster's root Kustomization reaches, through every Flux Kustomization. */
  readonly objects: readonly LocatedObject[];
  /** Whether objects of a kind live in a namespace; undefined when the kind is unknown. */
  readonly isNamespaced: (apiVersion: string, kind: string) => boolean | undefined;
  /**
   * Some Flux Kustomization of the cluster could not be followed (missing path, another source):
   * the namespaces it would create are unknown, so namespace checks are skipped.
   */
  readonly incomplete?: boolean;
}

const isFlux = (o: LocatedObject, group: string, kind: string) => kindOf(o.object) === kind && apiVersionOf(o.object).startsWith(`${group}/`);
const KUSTOMIZE = 'kustomize.toolkit.fluxcd.io';
const HELM = 'helm.toolkit.fluxcd.io';
const NOTIFICATION = 'notification.toolkit.fluxcd.io';

/** `namespace/name` of a reference, the namespace defaulting to the referring object's. */
const refKey = (ref: Record<string, unknown>, from: LocatedObject) => `${str(ref.namespace) ?? namespaceOf(from.object) ?? 'default'}/${str(ref.name) ?? ''}`;
const keyOf = (o: LocatedObject) => `${namespaceOf(o.object) ?? 'default'}/${nameOf(o.object)}`;

/**
 * Check 5, per cluster: what a real cluster would reveal when reconciling. Every reference must
 * name an object of the cluster (or the flux-system GitRepository that bootstrap creates),
 * dependsOn must form no cycle, and every namespace must be created.
 */
export function checkClusterGraph(cluster: ClusterGraph): Finding[] {
  const findings: Finding[] = [];
  const objects = distinctObjects(cluster.objects, findings, cluster.name);
  const find = (o: LocatedObject, path: (string | number)[], message: string, hint: string, severity: Finding['severity'] = 'error') =>
    findings.push({ severity, check: 'graph', file: o.file, line: o.source ? lineOfPath(o.source, path) : o.line, object: objectLabel(o.object), message, hint });
  const byKind = (group: string, kind: string) => objects.filter((o) => isFlux(o, group, kind));
  const keysOf = (list: readonly LocatedObject[]) => new Set(list.map(keyOf));
  const sourceKeys = (kind: string) => keysOf(objects.filter((o) => kindOf(o.object) === kind && apiVersionOf(o.object).includes('fluxcd.io/')));

  // dependsOn and cycles, for Kustomizations and for HelmReleases.
  for (const [group, kind] of [[KUSTOMIZE, 'Kustomization'], [HELM, 'HelmRelease']] as const) {
    const list = byKind(group, kind);
    const keys = keysOf(list);
    const edges = new Map<string, string[]>();
    for (const o of list) {
      const deps = Array.isArray(specOf(o.object).dependsOn) ? (specOf(o.object).dependsOn as unknown[]) : [];
      edges.set(keyOf(o), []);
      deps.forEach((dep, i) => {
        if (!isMap(dep)) return;
        const target = refKey(dep, o);
        edges.get(keyOf(o))!.push(target);
        if (!keys.has(target)) {
          const suggestion = closestName(String(dep.name), list.map((k) => nameOf(k.object)));
          find(o, ['spec', 'dependsOn', i], `dependsOn '${target}' names no ${kind} in cluster ${cluster.name}`, suggestion ? `did you mean '${suggestion}'?` : `define ${kind} ${target} or remove the dependency`);
        }
      });
    }
    for (const cycle of findCycles(edges)) {
      const first = list.find((o) => keyOf(o) === cycle[0])!;
      const names = [...cycle, cycle[0]!].map((k) => k.split('/')[1]);
      find(first, ['spec', 'dependsOn'], `dependsOn cycle: ${names.join(' → ')}`, `remove one of these dependencies: Flux waits forever on a ${kind} cycle`);
    }
  }

  // Kustomization sources.
  for (const o of byKind(KUSTOMIZE, 'Kustomization')) {
    const ref = specOf(o.object).sourceRef;
    if (!isMap(ref)) continue;
    const target = refKey(ref, o);
    const kind = String(ref.kind ?? '');
    if (kind === 'GitRepository' && target === 'flux-system/flux-system') continue; // made by flux bootstrap
    if (!sourceKeys(kind).has(target)) find(o, ['spec', 'sourceRef'], `sourceRef ${kind} '${target}' does not exist in cluster ${cluster.name}`, `define ${kind} ${target}, or use the GitRepository flux-system that bootstrap creates`);
  }

  // HelmRelease chart sources.
  for (const o of byKind(HELM, 'HelmRelease')) {
    const spec = specOf(o.object);
    const chartSource = getPath(spec, ['chart', 'spec', 'sourceRef']);
    const refs: [unknown, (string | number)[], string][] = [
      [chartSource, ['spec', 'chart', 'spec', 'sourceRef'], 'HelmRepository'],
      [spec.chartRef, ['spec', 'chartRef'], 'OCIRepository'],
    ];
    for (const [ref, path, defaultKind] of refs) {
      if (!isMap(ref)) continue;
      const kind = str(ref.kind) ?? defaultKind;
      const target = refKey(ref, o);
      if (kind === 'GitRepository' && target === 'flux-system/flux-system') continue;
      if (!sourceKeys(kind).has(target))
        find(o, path, `chart source ${kind} '${target}' does not exist in cluster ${cluster.name}`, `add the ${kind} ${target} (in the same Kustomization as the HelmRelease) or fix ${path.slice(1).join('.')}`);
    }
  }

  // Alerts: provider, event sources, and the namespaces they watch.
  const namespaces = createdNamespaces(objects);
  const providers = keysOf(byKind(NOTIFICATION, 'Provider'));
  const alerts = byKind(NOTIFICATION, 'Alert');
  for (const o of alerts) {
    const spec = specOf(o.object);
    if (isMap(spec.providerRef) && !providers.has(`${namespaceOf(o.object) ?? 'default'}/${String(spec.providerRef.name)}`))
      find(o, ['spec', 'providerRef'], `providerRef '${String(spec.providerRef.name)}' names no Provider in namespace ${namespaceOf(o.object) ?? 'default'}`, 'define the Provider in the Alert\'s namespace or fix providerRef.name');
    (Array.isArray(spec.eventSources) ? spec.eventSources : []).forEach((source, i) => {
      if (!isMap(source)) return;
      if (typeof source.kind === 'string' && !ALERT_SOURCE_KINDS.includes(source.kind))
        find(o, ['spec', 'eventSources', i, 'kind'], `eventSources kind '${source.kind}' is not a Flux kind an Alert can watch`, `use one of ${ALERT_SOURCE_KINDS.join(', ')}`);
      const ns = str(source.namespace) ?? namespaceOf(o.object) ?? 'default';
      if (!cluster.incomplete && !namespaces.has(ns)) find(o, ['spec', 'eventSources', i], `eventSources namespace '${ns}' is not created in cluster ${cluster.name}`, 'fix the namespace (there is no namespace wildcard) or create the namespace');
    });
  }
  if (alerts.length > 0) findings.push(...uncoveredByAlerts(objects, alerts, cluster.name));

  // Namespaces of namespaced objects.
  if (cluster.incomplete) return findings;
  const missing = new Map<string, LocatedObject[]>();
  for (const o of objects) {
    const namespaced = cluster.isNamespaced(apiVersionOf(o.object), kindOf(o.object)) ?? namespaceOf(o.object) !== undefined;
    const ns = namespaceOf(o.object) ?? 'default';
    if (namespaced && !namespaces.has(ns) && !ns.includes('${')) missing.set(ns, [...(missing.get(ns) ?? []), o]);
  }
  for (const [ns, list] of missing) {
    const others = list.length > 1 ? ` (${list.length - 1} more object${list.length > 2 ? 's use' : ' uses'} it)` : '';
    find(list[0]!, ['metadata', 'namespace'], `namespace '${ns}' is not created in cluster ${cluster.name}${others}`, `add a Namespace named ${ns} to the same Flux Kustomization (or one it dependsOn), or fix metadata.namespace`);
  }
  return findings;
}

/** One object per kind/namespace/name; two different definitions of the same object are an error. */
function distinctObjects(objects: readonly LocatedObject[], findings: Finding[], cluster: string): LocatedObject[] {
  const seen = new Map<string, LocatedObject>();
  for (const o of objects) {
    const key = `${apiVersionOf(o.object).split('/')[0]}/${kindOf(o.object)}/${keyOf(o)}`;
    const first = seen.get(key);
    if (!first) seen.set(key, o);
    else if (first.file !== o.file && JSON.stringify(first.object) !== JSON.stringify(o.object))
      findings.push({
        severity: 'error',
        check: 'graph',
        file: o.file,
        line: o.line,
        object: objectLabel(o.object),
        message: `${objectLabel(o.object)} is defined twice in cluster ${cluster} (also in ${first.file})`,
        hint: 'keep one definition: Flux would apply both and they would fight over the object',
      });
  }
  return [...seen.values()];
}

function createdNamespaces(objects: readonly LocatedObject[]): Set<string> {
  const created = new Set(BUILT_IN_NAMESPACES);
  for (const o of objects) {
    if (kindOf(o.object) === 'Namespace' && apiVersionOf(o.object) === 'v1') created.add(nameOf(o.object));
    const spec = specOf(o.object);
    if (kindOf(o.object) === 'HelmRelease' && getPath(spec, ['install', 'createNamespace']) === true && typeof spec.targetNamespace === 'string') created.add(spec.targetNamespace);
  }
  return created;
}

/** HelmReleases and Kustomizations no Alert watches: their failures would go unnoticed. */
function uncoveredByAlerts(objects: readonly LocatedObject[], alerts: readonly LocatedObject[], cluster: string): Finding[] {
  const watched = (o: LocatedObject) =>
    alerts.some((alert) =>
      (Array.isArray(specOf(alert.object).eventSources) ? (specOf(alert.object).eventSources as unknown[]) : []).some(
        (s) =>
          isMap(s) &&
          s.kind === kindOf(o.object) &&
          (s.name === '*' || s.name === nameOf(o.object)) &&
          (str(s.namespace) ?? namespaceOf(alert.object) ?? 'default') === (namespaceOf(o.object) ?? 'default'),
      ),
    );
  const unwatched = objects.filter((o) => (isFlux(o, HELM, 'HelmRelease') || isFlux(o, KUSTOMIZE, 'Kustomization')) && !watched(o));
  return unwatched.map((o) => ({
    severity: 'warning' as const,
    check: 'graph' as const,
    file: o.file,
    line: o.line,
    object: objectLabel(o.object),
    message: `no Alert in cluster ${cluster} watches ${objectLabel(o.object)}`,
    hint: `add { kind: ${kindOf(o.object)}, name: '*', namespace: ${namespaceOf(o.object) ?? 'default'} } to an Alert's eventSources (Alert namespaces match exactly)`,
  }));
}

/**
 * One cycle per strongly connected component of the dependency graph (Tarjan), as the shortest
 * way round from the component's smallest node: enough to name the loop a person must break.
 */
export function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  const next = (node: string) => (edges.get(node) ?? []).filter((n) => edges.has(n));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string) => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const n of next(node)) {
      if (!index.has(n)) {
        connect(n);
        low.set(node, Math.min(low.get(node)!, low.get(n)!));
      } else if (onStack.has(n)) low.set(node, Math.min(low.get(node)!, index.get(n)!));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      components.push(component);
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) connect(node);

  return components
    .filter((c) => c.length > 1 || next(c[0]!).includes(c[0]!))
    .map((component) => {
      const members = new Set(component);
      const start = [...component].sort()[0]!;
      // Breadth-first from start back to start, inside the component.
      const previous = new Map<string, string>();
      const queue = [start];
      while (queue.length > 0) {
        const node = queue.shift()!;
        for (const n of next(node).filter((m) => members.has(m))) {
          if (n === start) {
            const cycle = [node];
            while (cycle[0] !== start) cycle.unshift(previous.get(cycle[0]!)!);
            return cycle;
          }
          if (!previous.has(n)) {
            previous.set(n, node);
            queue.push(n);
          }
        }
      }
      return [start];
    })
    .sort((a, b) => a[0]!.localeCompare(b[0]!));
}
