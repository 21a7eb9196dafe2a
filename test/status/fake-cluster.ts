import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LiveObjects } from '../../src/status/objects.js';

/**
 * A cluster for the kubectl stand-in (test/bootstrap/fakes.ts) to answer `get … --output=json` and
 * `logs` from: a sequence of recorded states (fixtures), served the way kubectl prints them (a
 * List, or the object itself when one is named). Each look of `status` starts with the Flux kinds
 * across all namespaces; that call moves to the next state (the last one stays), and the calls
 * after it in the same look read the same state. It lives in files beside the stand-in's bin/,
 * never in the environment: bootstrap runs kubectl with an allow-listed environment.
 */
const PLATFORM_SERVER = `
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const KINDS = {
  'gitrepositories.source.toolkit.fluxcd.io': 'GitRepository',
  'kustomizations.kustomize.toolkit.fluxcd.io': 'Kustomization',
  'helmreleases.helm.toolkit.fluxcd.io': 'HelmRelease',
  'jobs.batch': 'Job',
  pods: 'Pod',
  persistentvolumeclaims: 'PersistentVolumeClaim',
  'certificates.cert-manager.io': 'Certificate',
  'challenges.acme.cert-manager.io': 'Challenge',
  events: 'Event',
};

export function servePlatform(argv, dir) {
  const flags = {};
  const words = [];
  for (const a of argv) {
    if (a.startsWith('--')) { const eq = a.indexOf('='); flags[eq < 0 ? a.slice(2) : a.slice(2, eq)] = eq < 0 ? true : a.slice(eq + 1); }
    else words.push(a);
  }
  const [verb, ...targets] = words;
  if (verb !== 'get' && verb !== 'logs') return undefined;
  const out = { code: 0, stdout: '', stderr: '' };
  const states = existsSync(join(dir, 'states.json')) ? JSON.parse(readFileSync(join(dir, 'states.json'), 'utf8')) : [];
  const cursorFile = join(dir, 'cursor.json');
  const cursor = existsSync(cursorFile) ? JSON.parse(readFileSync(cursorFile, 'utf8')) : { current: 0, next: 0 };
  if (verb === 'logs') {
    const state = states[cursor.current];
    const lines = state?.logs?.[flags.namespace + '/' + targets[0]];
    if (!lines) return { code: 1, stdout: '', stderr: 'Error from server (BadRequest): previous terminated container not found\\n' };
    return { code: 0, stdout: lines.join('\\n') + '\\n', stderr: '' };
  }
  const wanted = targets.flatMap((t) => t.split(',')).map((t) => { const [resource, name] = t.split('/'); return { resource, name, kind: KINDS[resource] }; });
  if (wanted.some((w) => !w.kind)) return undefined;
  const missing = states.length === 0 ? wanted.find((w) => /fluxcd\\.io|cert-manager\\.io/.test(w.resource)) : undefined;
  if (missing) return { code: 1, stdout: '', stderr: 'error: the server doesn\\'t have a resource type "' + missing.resource.split('.')[0] + '"\\n' };
  if (flags['all-namespaces'] && wanted[0].kind === 'GitRepository') {
    cursor.current = cursor.next;
    cursor.next = Math.min(cursor.next + 1, states.length - 1);
    writeFileSync(cursorFile, JSON.stringify(cursor));
  }
  const items = (states[cursor.current]?.items ?? []).filter((o) => wanted.some((w) =>
    w.kind === o.kind && (w.name === undefined || w.name === o.metadata.name) && (flags['all-namespaces'] || (o.metadata.namespace ?? '') === (flags.namespace ?? 'default'))));
  const selected = flags['field-selector'] === 'type=Warning' ? items.filter((o) => o.kind !== 'Event' || o.type === 'Warning') : items;
  const named = wanted.length === 1 && wanted[0].name !== undefined;
  if (named && selected.length === 0) {
    if (!flags['ignore-not-found']) return { code: 1, stdout: '', stderr: 'Error from server (NotFound): ' + wanted[0].resource + ' "' + wanted[0].name + '" not found\\n' };
    return out;
  }
  if (wanted.every((w) => w.name !== undefined) && selected.length === 0 && flags['ignore-not-found']) return out;
  out.stdout = JSON.stringify(named ? selected[0] : { apiVersion: 'v1', items: selected, kind: 'List', metadata: { resourceVersion: '' } }) + '\\n';
  return out;
}
`;

/** Serves `states` from the stand-ins installed at `root` (the folder above their bin/). */
export async function installPlatform(root: string, states: readonly LiveObjects[]): Promise<void> {
  await mkdir(join(root, 'platform'), { recursive: true });
  await writeFile(join(root, 'platform-server.mjs'), PLATFORM_SERVER);
  await writeFile(join(root, 'platform', 'states.json'), JSON.stringify(states));
}
