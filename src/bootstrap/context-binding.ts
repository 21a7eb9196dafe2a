import type { Answers, ClusterAnswers } from '../answers/schema.js';
import { inputError, isPikselError, stepError } from '../errors.js';
import type { ProcessRunner } from '../process.js';
import { resolveKubeContext } from './preflight.js';

/**
 * Each cluster is bound to its own kube context (clusters[].context): `secrets`, `bootstrap` and
 * `status` for one cluster never silently use a context that belongs to another, and bootstrap
 * does not take over a cluster where Flux already syncs another path or repository.
 */

/** The context for `cluster`: --context, else its bound context, else kubectl's current one (refused when another cluster owns it). */
export async function clusterContext(run: ProcessRunner, answers: Answers, cluster: ClusterAnswers, requested: string | undefined, force = false): Promise<string> {
  const owner = (context: string) => answers.clusters.find((c) => c.name !== cluster.name && c.context === context);
  const wanted = requested ?? cluster.context;
  const context = await resolveKubeContext(run, wanted).catch((e: unknown) => {
    // The bound context is from the answers, not from --context: say where to fix it.
    if (requested || !isPikselError(e) || !/does not exist/.test(e.message)) throw e;
    throw stepError(
      `clusters.${answers.clusters.indexOf(cluster)}.context is '${cluster.context}', which kubectl does not know: ` +
        `add it to your kubeconfig, pass --context NAME, or change the answer (--set clusters.${answers.clusters.indexOf(cluster)}.context=NAME) and upgrade the repository`,
    );
  });
  const other = owner(context);
  if (other && !force) {
    const how = requested ? `--context ${context}` : wanted ? `clusters.${answers.clusters.indexOf(cluster)}.context` : 'the current kubectl context';
    throw inputError(
      `${how} is '${context}', the context of cluster ${other.name}, not of ${cluster.name}: ` +
        `pass --context with ${cluster.name}'s context${cluster.context ? ` (${cluster.context})` : ''}, or --force if this really is ${cluster.name}`,
    );
  }
  return context;
}

/** What Flux already syncs on a context, read from its flux-system objects (undefined: Flux is not there). */
export interface FluxSync {
  readonly url?: string;
  readonly branch?: string;
  readonly path?: string;
}

export async function readFluxSync(run: ProcessRunner, context: string): Promise<FluxSync | undefined> {
  const result = await run(
    'kubectl',
    [
      `--context=${context}`,
      'get',
      'gitrepositories.source.toolkit.fluxcd.io/flux-system',
      'kustomizations.kustomize.toolkit.fluxcd.io/flux-system',
      '--namespace=flux-system',
      '--ignore-not-found',
      '--output=json',
    ],
    { timeoutMs: 60_000 },
  );
  const first = result.stderr.trim().split('\n')[0] ?? '';
  // No Flux CRDs: nothing syncs here yet.
  if (result.exitCode !== 0 && /doesn't have a resource type|could not find the requested resource/i.test(first)) return undefined;
  if (result.exitCode !== 0) throw stepError(`could not read Flux's flux-system objects on kubectl context '${context}': ${first || `exit ${result.exitCode}`}`);
  if (result.stdout.trim() === '') return undefined;
  // An answer that cannot be read must not pass for "nothing syncs here": that would install over it.
  const unreadable = stepError(`kubectl on context '${context}' did not answer Flux's flux-system objects as JSON: check what \`kubectl\` runs on PATH`);
  let parsed: { items?: unknown } | null;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    throw unreadable;
  }
  const items: unknown = parsed !== null && typeof parsed === 'object' ? (parsed.items ?? [parsed]) : undefined;
  if (!Array.isArray(items)) throw unreadable;
  const objects = items.filter((o): o is FluxObject => typeof o === 'object' && o !== null);
  const repo = objects.find((o) => o.kind === 'GitRepository');
  const sync = objects.find((o) => o.kind === 'Kustomization');
  if (!repo && !sync) return undefined;
  return { url: repo?.spec?.url, branch: repo?.spec?.ref?.branch, path: sync?.spec?.path };
}

interface FluxObject {
  readonly kind?: string;
  readonly spec?: { readonly url?: string; readonly ref?: { readonly branch?: string }; readonly path?: string };
}

/** owner/name of a Git URL, whatever its scheme: flux bootstrap github syncs over ssh:// what we push over https://. */
export const repositoryPath = (url: string) =>
  url
    .replace(/^[a-z+]+:\/\//i, '')
    .replace(/^[^@/]+@/, '')
    .replace(/^[^/:]+[:/]/, '')
    .replace(/\.git\/?$/, '')
    .replace(/\/+$/, '')
    .toLowerCase();

const normalPath = (path: string) => path.replace(/^\.\//, '').replace(/\/+$/, '');

/** Why bootstrapping `expected` would take over another sync, or undefined when it is the same (or none). */
export function foreignSync(existing: FluxSync | undefined, expected: { url: string; branch: string; path: string }): string | undefined {
  if (!existing) return undefined;
  const differences = [
    existing.path !== undefined && normalPath(existing.path) !== normalPath(expected.path) ? `path ${existing.path} (not ${expected.path})` : undefined,
    existing.url !== undefined && repositoryPath(existing.url) !== repositoryPath(expected.url) ? `repository ${existing.url} (not ${expected.url})` : undefined,
    existing.branch !== undefined && existing.branch !== expected.branch ? `branch ${existing.branch} (not ${expected.branch})` : undefined,
  ].filter((d): d is string => d !== undefined);
  return differences.length > 0 ? differences.join(', ') : undefined;
}

/**
 * Before Flux is installed: the context is not another cluster's (clusters[].context), and Flux
 * there, if any, syncs this cluster's path from this repository and branch. --force skips both.
 */
export async function checkContextForBootstrap(
  run: ProcessRunner,
  answers: Answers,
  cluster: ClusterAnswers,
  context: string,
  expected: { url: string; branch: string; path: string },
  force: boolean,
): Promise<void> {
  if (force) return;
  const other = answers.clusters.find((c) => c.name !== cluster.name && c.context === context);
  if (other)
    throw inputError(
      `kubectl context '${context}' is the context of cluster ${other.name} (clusters[].context), not of ${cluster.name}: ` +
        `pass --context with ${cluster.name}'s context${cluster.context ? ` (${cluster.context})` : ''}, or --force if this really is ${cluster.name}`,
    );
  const foreign = foreignSync(await readFluxSync(run, context), expected);
  if (foreign)
    throw inputError(
      `Flux on kubectl context '${context}' already syncs ${foreign}: it is another cluster, or was bootstrapped from elsewhere; ` +
        `nothing was installed. Choose ${cluster.name}'s context with --context, or pass --force to make it sync ${expected.path} instead`,
    );
}
