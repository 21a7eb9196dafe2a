import { parseAnswers } from '../answers/load.js';
import type { Answers } from '../answers/schema.js';
import { storageClassOf } from '../catalog/cloud.js';
import { DATABASE_KUSTOMIZATION, DATABASE_NAMESPACE, DB_PROXY_NAME } from '../catalog/database.js';
import { secretInventory } from '../catalog/selection.js';
import { checkDataProducts } from './data.js';
import { fluxPathToRepoPath, isFluxKustomization } from './flux-paths.js';
import { getPath, groupOf, isMap, kindOf, nameOf, namespaceOf, objectLabel, specOf, str } from './objects.js';
import type { Finding, LocatedObject } from './types.js';
import { lineOfPath, parseYamlFile } from './yaml.js';

/**
 * The deploy check: what the schemas and the graph accept but a cluster would still not run. A
 * workload reading a Secret nobody creates, a HelmRelease that gives up after its retries, an
 * image that moves under you, an app that starts before its database exists.
 */

/** What the repository does not create but expects in the cluster, from its stored answers. */
export interface ExpectedObjects {
  /** `namespace/name` of the Secrets bootstrap, the operator or a chart creates (the answers' inventory). */
  readonly secrets: ReadonlySet<string>;
  /** StorageClasses the answers name for a cluster (the aws profile's `storageClass`). */
  readonly storageClasses: (cluster: string) => ReadonlySet<string>;
  /**
   * Whether the answers were read. Without them nothing says which Secrets live only in the
   * cluster (as they should), so a Secret missing from Git is a warning, not an error.
   */
  readonly known: boolean;
}

const NOTHING_EXPECTED: ExpectedObjects = { secrets: new Set(), storageClasses: () => new Set(), known: false };

/**
 * The Secrets the components of `piksel-answers.yaml` need: the catalog's inventory, without
 * rendering a template. A missing file expects nothing; a file that does not parse is a warning.
 */
export function expectedFromAnswers(answersFile: { path: string; text: string } | undefined): { expected: ExpectedObjects; findings: Finding[] } {
  if (!answersFile) return { expected: NOTHING_EXPECTED, findings: [] };
  let answers: Answers;
  try {
    const read = parseYamlFile(answersFile.path, answersFile.text);
    if (read.findings[0]) throw new Error(read.findings[0].message);
    answers = parseAnswers(read.docs[0]?.value ?? {});
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    return {
      expected: NOTHING_EXPECTED,
      findings: [
        {
          severity: 'warning',
          check: 'deploy',
          file: answersFile.path,
          message: `the stored answers do not parse (${reason}): Secrets created at bootstrap are unknown, so missing Secrets are only warnings`,
          hint: 'fix the answers file (or re-run create-piksel-gitops in the repository to rewrite it)',
        },
      ],
    };
  }
  const secrets = new Set(secretInventory(answers).map((s) => `${s.namespace}/${s.name}`));
  const classes = new Map(answers.clusters.map((c) => [c.name, storageClassOf(c)]));
  return {
    expected: {
      secrets,
      storageClasses: (cluster) => {
        const named = classes.get(cluster);
        return new Set(named ? [named] : []);
      },
      known: true,
    },
    findings: [],
  };
}

/** A cluster as the deploy check reads it: everything it reaches, and what each Flux Kustomization applies. */
export interface DeployCluster {
  readonly name: string;
  readonly objects: readonly LocatedObject[];
  readonly builds: readonly { readonly objects: readonly LocatedObject[]; readonly owner?: LocatedObject }[];
}

type Path = (string | number)[];
type RefKind = 'Secret' | 'ConfigMap' | 'ServiceAccount' | 'StorageClass';

interface Reference {
  readonly kind: RefKind;
  readonly name: string;
  /** Undefined for StorageClass (cluster-scoped). */
  readonly namespace?: string;
  readonly path: Path;
}

/** Where each workload kind keeps its pod spec. */
const POD_SPEC: Readonly<Record<string, { group: string; path: Path }>> = {
  Pod: { group: '', path: ['spec'] },
  Deployment: { group: 'apps', path: ['spec', 'template', 'spec'] },
  StatefulSet: { group: 'apps', path: ['spec', 'template', 'spec'] },
  DaemonSet: { group: 'apps', path: ['spec', 'template', 'spec'] },
  ReplicaSet: { group: 'apps', path: ['spec', 'template', 'spec'] },
  Job: { group: 'batch', path: ['spec', 'template', 'spec'] },
  CronJob: { group: 'batch', path: ['spec', 'jobTemplate', 'spec', 'template', 'spec'] },
};

const isHelmRelease = (o: LocatedObject) => kindOf(o.object) === 'HelmRelease' && groupOf(o.object) === 'helm.toolkit.fluxcd.io';
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A name kustomize-controller fills in later (postBuild.substituteFrom) cannot be checked offline. */
const isVariable = (name: string) => name.includes('${');

function podSpecPath(o: LocatedObject): Path | undefined {
  const entry = POD_SPEC[kindOf(o.object)];
  return entry && groupOf(o.object) === entry.group && isMap(getPath(o.object, entry.path)) ? entry.path : undefined;
}

/** Every container of a pod spec, with its path. */
function containersOf(o: LocatedObject, pod: Path): { container: Record<string, unknown>; path: Path }[] {
  return (['initContainers', 'containers', 'ephemeralContainers'] as const).flatMap((field) =>
    list(getPath(o.object, [...pod, field])).flatMap((container, i) => (isMap(container) ? [{ container, path: [...pod, field, i] }] : [])),
  );
}

/** The Secrets, ConfigMaps, ServiceAccount and StorageClasses an object needs to run; optional ones left out. */
export function referencesOf(o: LocatedObject): Reference[] {
  const namespace = namespaceOf(o.object) ?? 'default';
  const refs: Reference[] = [];
  const add = (kind: RefKind, ref: unknown, nameKey: string, path: Path) => {
    if (!isMap(ref) || ref.optional === true) return;
    const name = str(ref[nameKey]);
    if (name && !isVariable(name)) refs.push({ kind, name, namespace: kind === 'StorageClass' ? undefined : namespace, path: [...path, nameKey] });
  };

  if (isHelmRelease(o))
    list(specOf(o.object).valuesFrom).forEach((v, i) => {
      if (isMap(v) && (v.kind === 'Secret' || v.kind === 'ConfigMap')) add(v.kind, v, 'name', ['spec', 'valuesFrom', i]);
    });
  if (kindOf(o.object) === 'PersistentVolumeClaim' && groupOf(o.object) === '') add('StorageClass', specOf(o.object), 'storageClassName', ['spec']);
  if (kindOf(o.object) === 'StatefulSet')
    list(specOf(o.object).volumeClaimTemplates).forEach((t, i) => add('StorageClass', getPath(t, ['spec']), 'storageClassName', ['spec', 'volumeClaimTemplates', i, 'spec']));

  const pod = podSpecPath(o);
  if (!pod) return refs;
  const spec = getPath(o.object, pod) as Record<string, unknown>;
  const account = str(spec.serviceAccountName) ?? str(spec.serviceAccount);
  if (account !== 'default') add('ServiceAccount', spec, spec.serviceAccountName !== undefined ? 'serviceAccountName' : 'serviceAccount', pod);
  list(spec.imagePullSecrets).forEach((s, i) => add('Secret', s, 'name', [...pod, 'imagePullSecrets', i]));
  for (const { container, path } of containersOf(o, pod)) {
    list(container.env).forEach((e, i) => {
      add('Secret', getPath(e, ['valueFrom', 'secretKeyRef']), 'name', [...path, 'env', i, 'valueFrom', 'secretKeyRef']);
      add('ConfigMap', getPath(e, ['valueFrom', 'configMapKeyRef']), 'name', [...path, 'env', i, 'valueFrom', 'configMapKeyRef']);
    });
    list(container.envFrom).forEach((e, i) => {
      add('Secret', getPath(e, ['secretRef']), 'name', [...path, 'envFrom', i, 'secretRef']);
      add('ConfigMap', getPath(e, ['configMapRef']), 'name', [...path, 'envFrom', i, 'configMapRef']);
    });
  }
  list(spec.volumes).forEach((v, i) => {
    const at: Path = [...pod, 'volumes', i];
    add('Secret', getPath(v, ['secret']), 'secretName', [...at, 'secret']);
    add('ConfigMap', getPath(v, ['configMap']), 'name', [...at, 'configMap']);
    list(getPath(v, ['projected', 'sources'])).forEach((s, j) => {
      add('Secret', getPath(s, ['secret']), 'name', [...at, 'projected', 'sources', j, 'secret']);
      add('ConfigMap', getPath(s, ['configMap']), 'name', [...at, 'projected', 'sources', j, 'configMap']);
    });
  });
  return refs;
}

const refKey = (kind: RefKind, namespace: string | undefined, name: string) => (namespace === undefined ? `${kind}/${name}` : `${kind}/${namespace}/${name}`);

/** What the cluster's own objects create: the objects themselves, and Secrets other controllers write. */
function createdIn(objects: readonly LocatedObject[]): Set<string> {
  const created = new Set<string>(['Secret/flux-system/flux-system']); // the Git credentials flux bootstrap creates
  for (const o of objects) {
    const kind = kindOf(o.object);
    const group = groupOf(o.object);
    const namespace = namespaceOf(o.object) ?? 'default';
    const spec = specOf(o.object);
    if (group === '' && (kind === 'Secret' || kind === 'ConfigMap' || kind === 'ServiceAccount')) created.add(refKey(kind, namespace, nameOf(o.object)));
    if (group === 'storage.k8s.io' && kind === 'StorageClass') created.add(refKey('StorageClass', undefined, nameOf(o.object)));
    // cert-manager issues Ingress TLS Secrets (ingress-shim) and Certificates' Secrets.
    if (kind === 'Ingress' && group === 'networking.k8s.io')
      list(spec.tls).forEach((t) => isMap(t) && str(t.secretName) && created.add(refKey('Secret', namespace, str(t.secretName)!)));
    if (kind === 'Certificate' && group === 'cert-manager.io' && str(spec.secretName)) created.add(refKey('Secret', namespace, str(spec.secretName)!));
    // Secrets that controllers decrypt or fetch into the cluster.
    if (kind === 'SealedSecret' && group === 'bitnami.com') created.add(refKey('Secret', namespace, nameOf(o.object)));
    if (kind === 'ExternalSecret' && group === 'external-secrets.io')
      created.add(refKey('Secret', namespace, str(getPath(spec, ['target', 'name'])) ?? nameOf(o.object)));
  }
  return created;
}

/**
 * Checks 7a, 7b, 7c and 7d for one cluster: references to objects nobody creates, HelmReleases
 * that can stall, floating image tags, and apps that reach db-proxy before the database layer.
 */
export function checkDeployability(cluster: DeployCluster, expected: ExpectedObjects): Finding[] {
  return [
    ...checkReferences(cluster, expected),
    ...cluster.objects.flatMap((o) => [...checkRemediation(o), ...checkImages(o), ...checkPoolerRoutes(o)]),
    ...checkDatabaseOrder(cluster),
    ...checkSchemaRoles(cluster, expected),
    ...checkDataProducts(cluster.objects),
  ];
}

/** The `[databases]` lines of a PgBouncer configuration: the name each routes, with its line. */
function pgbouncerRoutes(ini: string): { name: string; index: number }[] {
  const routes: { name: string; index: number }[] = [];
  let section = '';
  ini.split('\n').forEach((raw, index) => {
    const line = raw.trim();
    const header = /^\[(.+)\]$/.exec(line);
    if (header) section = header[1]!.toLowerCase();
    else if (section === 'databases' && line && !line.startsWith(';') && !line.startsWith('#')) routes.push({ name: line.split('=')[0]!.trim(), index });
  });
  return routes;
}

/**
 * Check 7e: PgBouncer's `*` line routes any database name to the server, so every app's login
 * reaches every database PUBLIC may connect to; an explicit list refuses the rest at db-proxy.
 */
function checkPoolerRoutes(o: LocatedObject): Finding[] {
  if (kindOf(o.object) !== 'ConfigMap' || groupOf(o.object) !== '') return [];
  const data = getPath(o.object, ['data']);
  if (!isMap(data)) return [];
  return Object.entries(data).flatMap(([key, value]): Finding[] => {
    if (!key.endsWith('.ini') || typeof value !== 'string' || !/^\s*\[databases\]/im.test(value)) return [];
    const wildcard = pgbouncerRoutes(value).find((r) => r.name === '*');
    if (!wildcard) return [];
    return [
      {
        severity: 'error',
        check: 'deploy',
        ...at(o, ['data', key]),
        message: `PgBouncer's ${key} routes every database name ('* = …'): any app's login reaches every database the server lets it connect to`,
        hint: "list each app's database on its own line under [databases] and remove the '*' line; on the server, REVOKE CONNECT ON DATABASE … FROM PUBLIC and grant it to the app's role",
      },
    ];
  });
}

/**
 * The roles each schema tool's SQL uses without creating them, read from the tools at the pinned
 * versions (src/catalog/components/odc.ts, stac.ts): datacube-ows and Explorer grant odc_user
 * and hand tables to odc_admin/odc_manage; datacube creates those only without --no-init-users.
 */
const TOOL_ROLES: readonly { readonly tool: RegExp; readonly roles: readonly string[] }[] = [
  { tool: /\bdatacube\s+system\s+init\b/, roles: ['odc_user', 'odc_manage', 'odc_admin'] },
  { tool: /\bdatacube-ows-update\b[\s\S]*--(schema|read-role|write-role)\b/, roles: ['odc_user'] },
  { tool: /\bcubedash-gen\b[\s\S]*--init\b/, roles: ['odc_user', 'odc_manage', 'odc_admin'] },
];

/**
 * Check 7f: a schema Job whose tool uses a role nothing in the cluster creates fails on the
 * server (`role "odc_user" does not exist`) and retries for hours. "Creates" means a ConfigMap's
 * SQL (the setup Job's) says CREATE ROLE for it, or the tool itself does (datacube with users).
 * Roles may also come from outside Git (Terraform): without the answers that is only a warning.
 */
function checkSchemaRoles(cluster: DeployCluster, expected: ExpectedObjects): Finding[] {
  const created = new Set<string>();
  for (const o of cluster.objects) {
    const data = kindOf(o.object) === 'ConfigMap' ? getPath(o.object, ['data']) : undefined;
    if (!isMap(data)) continue;
    for (const value of Object.values(data))
      if (typeof value === 'string') for (const m of value.matchAll(/CREATE\s+ROLE\s+"?([A-Za-z_][A-Za-z0-9_]*)/gi)) created.add(m[1]!.toLowerCase());
  }
  const findings: Finding[] = [];
  for (const o of cluster.objects) {
    const pod = podSpecPath(o);
    if (!pod) continue;
    const commands = containersOf(o, pod).map(({ container, path }) => ({ path, text: [...list(container.command), ...list(container.args)].map(String).join(' ') }));
    const selfCreated = new Set(
      commands.flatMap((c) => (/\bdatacube\s+system\s+init\b/.test(c.text) && !c.text.includes('--no-init-users') ? ['odc_user', 'odc_manage', 'odc_admin'] : [])),
    );
    for (const c of commands)
      for (const rule of TOOL_ROLES) {
        if (!rule.tool.test(c.text)) continue;
        const missing = rule.roles.filter((r) => !created.has(r) && !selfCreated.has(r));
        if (missing.length === 0) continue;
        findings.push({
          severity: expected.known ? 'error' : 'warning',
          check: 'deploy',
          ...at(o, [...c.path, 'command']),
          message: `runs '${c.text.slice(0, 60)}', whose SQL uses role${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, but nothing in cluster ${cluster.name} creates ${missing.length > 1 ? 'them' : 'it'}: the Job fails on the server and retries for hours`,
          hint: "create the roles as the administrator before the Job (the database-setup SQL: CREATE ROLE … NOLOGIN) and make the app's role a member of what the tool needs, or run datacube system init without --no-init-users as a role that may create roles (if they are made outside Git, e.g. by Terraform, this is only a reminder)",
        });
      }
  }
  return findings;
}

/**
 * Check 7g, across clusters and as written: role names are server-wide, so two clusters whose
 * database layer points at one server with the same database names reset each other's
 * passwords at bootstrap and share their data. Reads each cluster's Flux substitutions.
 */
export function checkSharedDatabaseServers(files: readonly { readonly path: string; readonly text: string }[]): Finding[] {
  const layers: { cluster: string; file: string; line: number; server: string; names: Map<string, string> }[] = [];
  for (const f of files) {
    const cluster = /^clusters\/([^/]+)\/[^/]+\.ya?ml$/.exec(f.path)?.[1];
    if (!cluster) continue;
    const parsed = parseYamlFile(f.path, f.text);
    for (const doc of parsed.docs) {
      const o = doc.value;
      if (!isMap(o) || !isFluxKustomization(o)) continue;
      const vars = getPath(o, ['spec', 'postBuild', 'substitute']);
      if (!isMap(vars) || typeof vars.DATABASE_HOST !== 'string') continue;
      if (fluxPathToRepoPath(str(getPath(o, ['spec', 'path'])) ?? '') !== 'infrastructure/database') continue;
      const names = new Map(Object.entries(vars).flatMap(([k, v]) => (k.startsWith('DATABASE_NAME_') ? [[k, String(v)] as const] : [])));
      layers.push({ cluster, file: f.path, line: doc.line, server: `${vars.DATABASE_HOST}:${String(vars.DATABASE_PORT ?? '5432')}`, names });
    }
  }
  const findings: Finding[] = [];
  layers.forEach((layer, i) => {
    const earlier = layers.slice(0, i).find((other) => other.cluster !== layer.cluster && other.server === layer.server);
    if (!earlier) return;
    // Without per-app names (an older layout) every cluster uses the apps' plain names.
    const same = layer.names.size === 0 || earlier.names.size === 0 ? ['(the apps\' plain names)'] : [...layer.names].filter(([k, v]) => earlier.names.get(k) === v).map(([, v]) => v);
    if (same.length === 0) return;
    findings.push({
      severity: 'error',
      check: 'deploy',
      file: layer.file,
      line: layer.line,
      message: `clusters ${earlier.cluster} and ${layer.cluster} use the same PostgreSQL server (${layer.server}) with the same database and role names (${same.join(', ')}): the second bootstrap resets the first one's passwords, and both write the same data`,
      hint: `give cluster ${layer.cluster} a prefix of its own (clusters[].database.prefix in piksel-answers.yaml, then re-run create-piksel-gitops), or a server of its own`,
    });
  });
  return findings;
}

const at = (o: LocatedObject, path: Path) => ({ file: o.file, line: o.source ? lineOfPath(o.source, path) : o.line, object: objectLabel(o.object) });

/** Check 7a: one finding per missing object, at its first reader; the others are counted. */
function checkReferences(cluster: DeployCluster, expected: ExpectedObjects): Finding[] {
  const created = createdIn(cluster.objects);
  const classes = expected.storageClasses(cluster.name);
  const missing = new Map<string, { ref: Reference; readers: LocatedObject[] }>();
  for (const o of cluster.objects) {
    for (const ref of referencesOf(o)) {
      const key = refKey(ref.kind, ref.namespace, ref.name);
      if (created.has(key)) continue;
      if (ref.kind === 'Secret' && expected.secrets.has(`${ref.namespace}/${ref.name}`)) continue;
      if (ref.kind === 'StorageClass' && classes.has(ref.name)) continue;
      const entry = missing.get(key) ?? { ref, readers: [o] };
      if (!entry.readers.includes(o)) entry.readers.push(o);
      missing.set(key, entry);
    }
  }
  return [...missing.values()].map(({ ref, readers }): Finding => {
    const first = readers[0]!;
    const others = readers.length > 1 ? ` (${readers.length - 1} more object${readers.length > 2 ? 's read' : ' reads'} it)` : '';
    if (ref.kind === 'StorageClass')
      return {
        severity: 'warning',
        check: 'deploy',
        ...at(first, ref.path),
        message: `StorageClass '${ref.name}' is neither created in cluster ${cluster.name} nor named in the answers: claims stay Pending if the cluster has no such class${others}`,
        hint: `check that the cluster has StorageClass ${ref.name} (kubectl get storageclass), or add it to the repository, or set the cluster's storageClass answer`,
      };
    return {
      severity: ref.kind === 'Secret' && !expected.known ? 'warning' : 'error',
      check: 'deploy',
      ...at(first, ref.path),
      message: `${ref.kind} '${ref.namespace}/${ref.name}' is not created in cluster ${cluster.name}: ${isHelmRelease(first) ? 'the HelmRelease cannot render its values' : 'the pods cannot start'}${others}`,
      hint:
        ref.kind === 'Secret'
          ? `create it in the cluster (kubectl -n ${ref.namespace} create secret generic ${ref.name} …) and list it in the component's secrets so bootstrap asks for it, add it SOPS-encrypted, or fix the name`
          : `add ${ref.kind} ${ref.name} to namespace ${ref.namespace} in the same Flux Kustomization (or one it dependsOn), or fix the name`,
    };
  });
}

/**
 * A failed install or upgrade is retried `remediation.retries` times (0 by default); after that
 * helm-controller stops until the HelmRelease changes. RetryOnFailure retries forever instead.
 */
function checkRemediation(o: LocatedObject): Finding[] {
  if (!isHelmRelease(o)) return [];
  const spec = specOf(o.object);
  const stalls = (['install', 'upgrade'] as const).filter((phase) => {
    if (getPath(spec, [phase, 'strategy', 'name']) === 'RetryOnFailure') return false;
    const retries = getPath(spec, [phase, 'remediation', 'retries']);
    return !(typeof retries === 'number' && retries < 0);
  });
  if (stalls.length === 0) return [];
  const describe = (phase: string) => {
    const retries = getPath(spec, [phase, 'remediation', 'retries']);
    return typeof retries === 'number' ? `${phase} after ${retries} ${retries === 1 ? 'retry' : 'retries'}` : `${phase} after its first failure`;
  };
  return [
    {
      severity: 'error',
      check: 'deploy',
      ...at(o, ['spec', stalls[0]!]),
      message: `a failed ${stalls.join(' or ')} stalls the release (${stalls.map(describe).join(', ')}): without strategy RetryOnFailure, helm-controller stops until the HelmRelease changes`,
      hint: 'set install.strategy.name and upgrade.strategy.name to RetryOnFailure (with a retryInterval such as 2m), so a Secret or CRD that arrives late does not leave the release stalled',
    },
  ];
}

/** Why an image reference floats, or undefined when it is pinned to a tag or digest. */
export function floatingImage(image: string): string | undefined {
  if (isVariable(image) || image.includes('@')) return undefined;
  const last = image.slice(image.lastIndexOf('/') + 1);
  const colon = last.indexOf(':');
  if (colon < 0) return 'has no tag (Kubernetes pulls :latest)';
  const tag = last.slice(colon + 1);
  if (tag === '') return 'has an empty tag';
  return tag === 'latest' ? 'uses the tag latest' : undefined;
}

const IMAGE_HINT = 'pin a version tag (the one checked to exist upstream), or a digest: a moving tag deploys whatever was pushed last and cannot be rolled back';

function checkImages(o: LocatedObject): Finding[] {
  const findings: Finding[] = [];
  const flag = (path: Path, what: string, problem: string) =>
    findings.push({ severity: 'error', check: 'deploy', ...at(o, path), message: `image ${what} ${problem}`, hint: IMAGE_HINT });
  const pod = podSpecPath(o);
  if (pod)
    for (const { container, path } of containersOf(o, pod)) {
      const image = str(container.image);
      const problem = image === undefined ? undefined : floatingImage(image);
      if (problem) flag([...path, 'image'], `'${image}' of container ${String(container.name ?? '')}`, problem);
    }
  if (isHelmRelease(o)) {
    // Charts spell images many ways; the two simple ones: `image: repo:tag` and `image: { repository|name, tag }`.
    const walk = (value: unknown, path: Path): void => {
      if (Array.isArray(value)) return value.forEach((v, i) => walk(v, [...path, i]));
      if (!isMap(value)) return;
      for (const [key, v] of Object.entries(value)) {
        if (key === 'image' && typeof v === 'string' && floatingImage(v) === 'uses the tag latest') flag([...path, key], `'${v}' in the values`, 'uses the tag latest');
        else if (key === 'image' && isMap(v) && 'tag' in v && (v.tag === '' || v.tag === 'latest' || v.tag === null))
          flag([...path, key, 'tag'], `'${String(v.repository ?? v.name ?? '?')}' in the values`, v.tag === 'latest' ? 'uses the tag latest' : 'has an empty tag');
        else walk(v, [...path, key]);
      }
    };
    walk(specOf(o.object).values, ['spec', 'values']);
  }
  return findings;
}

const DB_PROXY_HOST = `${DB_PROXY_NAME}.${DATABASE_NAMESPACE}.svc`;

/** Whether an object's env values (or a HelmRelease's values) name db-proxy. */
function connectsToDbProxy(o: LocatedObject): boolean {
  const mentions = (value: unknown): boolean =>
    typeof value === 'string' ? value.includes(DB_PROXY_HOST) : Array.isArray(value) ? value.some(mentions) : isMap(value) && Object.values(value).some(mentions);
  if (isHelmRelease(o)) return mentions(specOf(o.object).values);
  const pod = podSpecPath(o);
  return pod !== undefined && containersOf(o, pod).some(({ container }) => list(container.env).some((e) => isMap(e) && mentions(e.value)));
}

const ksKey = (ks: LocatedObject) => `${namespaceOf(ks.object) ?? 'default'}/${nameOf(ks.object)}`;

/**
 * Check 7d: a Flux Kustomization whose objects connect to db-proxy must (through dependsOn)
 * wait for the database layer, or the app starts before db-proxy, its role and database exist.
 */
function checkDatabaseOrder(cluster: DeployCluster): Finding[] {
  const owned = cluster.builds.filter((b): b is typeof b & { owner: LocatedObject } => b.owner !== undefined && isFluxKustomization(b.owner.object));
  const isDbProxy = (o: LocatedObject) => kindOf(o.object) === 'Service' && nameOf(o.object) === DB_PROXY_NAME && namespaceOf(o.object) === DATABASE_NAMESPACE;
  const databaseLayers = new Set(
    owned
      .filter((b) => fluxPathToRepoPath(str(specOf(b.owner.object).path) ?? '') === 'infrastructure/database' || b.objects.some(isDbProxy))
      .map((b) => ksKey(b.owner)),
  );
  const dependsOn = new Map(
    owned.map((b) => [
      ksKey(b.owner),
      list(specOf(b.owner.object).dependsOn).flatMap((d) => (isMap(d) && str(d.name) ? [`${str(d.namespace) ?? namespaceOf(b.owner.object) ?? 'default'}/${str(d.name)}`] : [])),
    ]),
  );
  const reachesDatabase = (start: string): boolean => {
    const seen = new Set<string>();
    const queue = [...(dependsOn.get(start) ?? [])];
    while (queue.length > 0) {
      const key = queue.shift()!;
      if (databaseLayers.has(key)) return true;
      if (seen.has(key)) continue;
      seen.add(key);
      queue.push(...(dependsOn.get(key) ?? []));
    }
    return false;
  };

  return owned.flatMap(({ owner, objects }): Finding[] => {
    const client = objects.find(connectsToDbProxy);
    if (!client || databaseLayers.has(ksKey(owner)) || reachesDatabase(ksKey(owner))) return [];
    const layer = databaseLayers.size > 0 ? [...databaseLayers][0]!.split('/')[1]! : DATABASE_KUSTOMIZATION;
    return [
      {
        severity: 'error',
        check: 'deploy',
        ...at(owner, specOf(owner.object).dependsOn !== undefined ? ['spec', 'dependsOn'] : ['spec']),
        message:
          databaseLayers.size > 0
            ? `applies ${objectLabel(client.object)}, which connects to db-proxy, but its dependsOn does not reach Kustomization ${layer} in cluster ${cluster.name}`
            : `applies ${objectLabel(client.object)}, which connects to db-proxy, but no Kustomization of cluster ${cluster.name} applies the database layer (./infrastructure/database)`,
        hint:
          databaseLayers.size > 0
            ? `add dependsOn: [{ name: ${layer} }] (or the app's schema Kustomization, which depends on ${layer}): otherwise the app starts before db-proxy and its database role exist`
            : 'add the database Kustomization (path ./infrastructure/database) to the cluster, or point the app at a database the cluster has',
      },
    ];
  });
}
