import { stepError } from '../errors.js';
import type { ProcessRunner } from '../process.js';
import { logsWanted } from './assess.js';
import type { KubeObject, LiveObjects } from './objects.js';

/**
 * The edge of `status`: one look at the cluster through kubectl (`get -o json`, read-only), then
 * the logs of the pods whose failure a log explains. Every call goes through the project's runner.
 */
export const FLUX_AND_WORKLOADS = [
  'gitrepositories.source.toolkit.fluxcd.io',
  'kustomizations.kustomize.toolkit.fluxcd.io',
  'helmreleases.helm.toolkit.fluxcd.io',
  'jobs.batch',
  'pods',
  'persistentvolumeclaims',
];
/** Absent until cert-manager is installed: a missing type is an empty list, not an error. */
const CERT_MANAGER = ['certificates.cert-manager.io', 'challenges.acme.cert-manager.io'];
const LOG_LINES = 15;

const NOT_FOUND = 'kubectl was not found on PATH: install kubectl (https://kubernetes.io/docs/tasks/tools/) and re-run';

export async function readLiveObjects(run: ProcessRunner, context: string): Promise<LiveObjects> {
  const kubectl = (args: string[]) => run('kubectl', [`--context=${context}`, ...args], { timeoutMs: 60_000 });
  const list = async (kinds: string[], extra: string[] = [], optional = false): Promise<KubeObject[]> => {
    const result = await kubectl(['get', kinds.join(','), '--all-namespaces', '--output=json', ...extra]);
    if (result.notFound) throw stepError(NOT_FOUND);
    if (result.exitCode !== 0) {
      const first = result.stderr.trim().split('\n')[0] ?? '';
      if (optional && /doesn't have a resource type|the server could not find the requested resource/i.test(first)) return [];
      if (/doesn't have a resource type/.test(first))
        throw stepError(`Flux is not installed on kubectl context '${context}' (${first}): bootstrap the cluster first`);
      throw stepError(`kubectl could not read the cluster on context '${context}': ${first || `exit ${result.exitCode}`}`);
    }
    return listItems(result.stdout, context);
  };
  const items = [
    ...(await list(FLUX_AND_WORKLOADS)),
    ...(await list(CERT_MANAGER, [], true)),
    // Warnings only: they carry the scheduler's, the kubelet's and the provisioner's reasons.
    ...(await list(['events'], ['--field-selector=type=Warning'])),
  ];
  const logs: Record<string, string[]> = {};
  for (const want of logsWanted({ items, logs })) {
    const args = ['logs', want.pod, `--namespace=${want.namespace}`, `--container=${want.container}`, `--tail=${LOG_LINES}`, ...(want.previous ? ['--previous'] : [])];
    const result = await kubectl(args);
    logs[`${want.namespace}/${want.pod}`] = result.exitCode === 0 ? result.stdout.split('\n').map((l) => l.trimEnd()).filter((l) => l !== '') : [`(no log: ${result.stderr.trim().split('\n')[0]})`];
  }
  return { items, logs };
}

/**
 * The objects of a `get -o json` List. What is not one (a wrapper script's chatter, a proxy's
 * error page) is a one-line error, and an item without a kind and metadata is not an object the
 * assessment can read: it is dropped rather than trusted.
 */
function listItems(stdout: string, context: string): KubeObject[] {
  let list: unknown;
  try {
    list = JSON.parse(stdout);
  } catch {
    list = undefined;
  }
  const items = (list as { items?: unknown } | undefined)?.items;
  if (!Array.isArray(items)) throw stepError(`kubectl on context '${context}' did not answer a JSON list (it began: ${JSON.stringify(stdout.trim().slice(0, 60))}): check what \`kubectl\` runs on PATH`);
  return items.filter(
    (o): o is KubeObject => typeof o === 'object' && o !== null && typeof (o as KubeObject).kind === 'string' && typeof (o as KubeObject).metadata?.name === 'string',
  );
}
