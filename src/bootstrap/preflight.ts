import { placeholderAnswers } from '../answers/placeholders.js';
import type { Answers, ClusterAnswers } from '../answers/schema.js';
import { access, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { parse } from 'yaml';
import { shellQuote } from './command-line.js';
import { inputError, isPikselError, stepError } from '../errors.js';
import type { ProcessRunner } from '../process.js';

/**
 * Checks before anything is pushed or installed. Each failure is a step error (exit 1) that names
 * the cause and the next step; none of them changes the repository or the cluster.
 */

/**
 * The Flux release the repository is generated and validated for: 2.9 (`validate`'s API versions
 * and bundled schemas are Flux 2.9's; the newest release, fluxcd/flux2 v2.9.4, still serves Alert
 * and Provider only as notification.toolkit.fluxcd.io/v1beta3). An older CLI would install older
 * controllers than the ones the output was checked against.
 */
export const MINIMUM_FLUX_VERSION = '2.9.0';

const INSTALL_FLUX = 'install the flux CLI (https://fluxcd.io/flux/installation/, e.g. `brew install fluxcd/tap/flux`) and re-run';
export const FLUX_MISSING = `flux was not found on PATH: ${INSTALL_FLUX}`;
export const NO_KUBE_CONTEXT = 'kubectl has no current context: select the cluster with `kubectl config use-context NAME`, or pass --context NAME';

/** `flux version 2.9.4` (or `v2.9.4`) → '2.9.4'. */
export function parseFluxVersion(text: string): string | undefined {
  return /(\d+\.\d+\.\d+)/.exec(text)?.[1];
}

/** Numeric comparison of x.y.z: negative when a < b. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/** `flux` on PATH and new enough; returns its version. */
export async function checkFlux(run: ProcessRunner): Promise<string> {
  const result = await run('flux', ['--version'], { timeoutMs: 30_000 });
  if (result.notFound) throw stepError(FLUX_MISSING);
  const output = `${result.stdout}\n${result.stderr}`;
  const version = parseFluxVersion(output);
  if (result.exitCode !== 0 || !version)
    throw stepError(`could not read the flux version from \`flux --version\` (exit ${result.exitCode}): ${INSTALL_FLUX}`, lastLines(output));
  if (compareVersions(version, MINIMUM_FLUX_VERSION) < 0)
    throw stepError(`flux ${version} is too old: the generated repository needs flux ${MINIMUM_FLUX_VERSION} or newer; upgrade the flux CLI and re-run`);
  return version;
}

/** The token variable for the provider must be set (flux would otherwise prompt on a closed stdin). */
export function requireToken(env: NodeJS.ProcessEnv, variable: string | undefined, provider: string): string | undefined {
  if (!variable) return undefined;
  const value = env[variable];
  if (!value || value.trim() === '')
    throw stepError(
      `${variable} is not set: flux bootstrap ${provider} reads the ${provider === 'git' ? 'Git password or token' : `${provider} token`} from it; ` +
        `export ${variable} (read it without echo, e.g. \`read -rs ${variable} && export ${variable}\`) and re-run`,
    );
  return value;
}

/** The kube context to use: --context (which must exist) or kubectl's current context. */
export async function resolveKubeContext(run: ProcessRunner, requested: string | undefined): Promise<string> {
  if (requested) {
    const list = await kubectl(run, ['config', 'get-contexts', '--output=name']);
    const names = list.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    if (list.exitCode !== 0) throw stepError(`kubectl could not list contexts: ${firstLine(list.stderr)}: check your kubeconfig`);
    if (!names.includes(requested))
      throw stepError(`kubectl context '${requested}' does not exist: use one of ${names.join(', ') || '(none configured)'}, or omit --context`);
    return requested;
  }
  const current = await kubectl(run, ['config', 'current-context']);
  const name = current.stdout.trim();
  if (current.exitCode !== 0 || name === '')
    throw stepError(NO_KUBE_CONTEXT);
  return name;
}

async function kubectl(run: ProcessRunner, args: string[]) {
  const result = await run('kubectl', args, { timeoutMs: 30_000 });
  if (result.notFound) throw stepError('kubectl was not found on PATH: install kubectl (https://kubernetes.io/docs/tasks/tools/) and configure access to the cluster, then re-run');
  return result;
}

/** `flux check --pre`: the cluster is reachable and its Kubernetes version is supported. */
export async function checkClusterPrerequisites(run: ProcessRunner, context: string, redact: (t: string) => string = (t) => t): Promise<void> {
  const result = await run('flux', ['check', '--pre', `--context=${context}`], { timeoutMs: 120_000 });
  if (result.exitCode === 0) return;
  const output = redact(`${result.stdout}\n${result.stderr}`);
  throw stepError(
    `flux check --pre failed for kubectl context '${context}': ${fluxFailure(output) ?? 'see the output below'}: ` +
      'make sure the cluster is reachable and runs a Kubernetes version this flux supports, then re-run',
    lastLines(output),
  );
}

/** The `✗ …` line flux prints on failure (its cause), if any. */
export function fluxFailure(output: string): string | undefined {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  const marked = lines.filter((l) => l.startsWith('✗'));
  return (marked.at(-1) ?? lines.at(-1))?.replace(/^✗\s*/, '');
}

export function lastLines(output: string, count = 10): string[] {
  return output.split('\n').map((l) => l.trimEnd()).filter((l) => l.trim() !== '').slice(-count);
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';


/** What a placeholder keeps from working, said beside it in the refusal. */
function placeholderHarm(path: string): string {
  if (path === 'certManager.email') return "Let's Encrypt needs an address you read";
  if (path.endsWith('.domain')) return 'the DNS domain the apps are served under';
  return 'the PostgreSQL server db-proxy connects to';
}

/** The placeholders bootstrapping `cluster` would deploy: the shared answers' and the cluster's own. */
export function clusterPlaceholders(answers: Answers, cluster: ClusterAnswers): { readonly path: string; readonly value: string }[] {
  const own = `clusters.${answers.clusters.findIndex((c) => c.name === cluster.name)}.`;
  return placeholderAnswers(answers).filter((p) => !p.path.startsWith('clusters.') || p.path.startsWith(own));
}

/** The command that replaces them: create, run again in the repository, updates it. */
const placeholderFix = (placeholders: readonly { path: string }[], dir: string): string =>
  `npx create-piksel-gitops ${shellQuote(dir)} ${placeholders.map((p) => `--set ${p.path}=…`).join(' ')}`;

/**
 * Placeholders left from the defaults would give Let's Encrypt an address nobody reads, ingresses
 * a domain nobody owns and db-proxy a server that does not exist: refuse them all at once, before
 * anything runs (exit 2), with the one command that replaces them.
 */
export function checkPlaceholders(answers: Answers, cluster: ClusterAnswers, dir = '.'): void {
  const found = clusterPlaceholders(answers, cluster);
  if (found.length === 0) return;
  throw inputError(
    `${found.length === 1 ? 'an answer is a placeholder' : `${found.length} answers are placeholders`} cluster ${cluster.name} cannot run with: ` +
      `${found.map((p) => `${p.path} '${p.value}' (${placeholderHarm(p.path)})`).join(', ')}: ` +
      `set ${found.length === 1 ? 'it' : 'them'} with \`${placeholderFix(found, dir)}\` (it updates the repository), then bootstrap again`,
  );
}

/** What an EKS cluster must already run for the generated apps: volumes, load balancers, DNS records. */
const AWS_PREREQUISITES: ReadonlyArray<{ readonly args: string[]; readonly what: string; readonly hint: string }> = [
  {
    args: ['get', 'csidriver', 'ebs.csi.aws.com', '--ignore-not-found', '--output=name'],
    what: 'EBS CSI driver (csidriver ebs.csi.aws.com)',
    hint: 'persistent volumes stay Pending: add the aws-ebs-csi-driver EKS add-on (`aws eks create-addon --addon-name aws-ebs-csi-driver`, with its IAM role)',
  },
  {
    args: ['get', 'deployment', 'aws-load-balancer-controller', '--namespace=kube-system', '--ignore-not-found', '--output=name'],
    what: 'AWS Load Balancer Controller (deployment kube-system/aws-load-balancer-controller)',
    hint: "the edge's NLB (Envoy Gateway's or ingress-nginx's) is not provisioned: install the eks/aws-load-balancer-controller chart with its IAM role",
  },
  {
    args: ['get', 'deployment', '--all-namespaces', '--selector=app.kubernetes.io/name=external-dns', '--output=name'],
    what: 'external-dns (a deployment labelled app.kubernetes.io/name=external-dns)',
    hint: 'no DNS records are made for the app hosts (and certificates cannot be issued): install external-dns for your Route 53 zone, or create the records by hand',
  },
];

/**
 * For `cloud: aws`: every missing prerequisite at once (a warning, not a failure: Flux and
 * everything that does not need them still install, and many teams add them right after).
 */
export async function checkAwsPrerequisites(run: ProcessRunner, context: string): Promise<string[]> {
  const missing: string[] = [];
  for (const check of AWS_PREREQUISITES) {
    const result = await kubectl(run, [`--context=${context}`, ...check.args]);
    if (result.exitCode !== 0) missing.push(`${check.what}: could not be checked (${firstLine(result.stderr) || `exit ${result.exitCode}`})`);
    else if (result.stdout.trim() === '') missing.push(`${check.what}: ${check.hint}`);
  }
  return missing;
}

export interface LocalPreflight {
  readonly fluxVersion: string;
  readonly token: string | undefined;
  readonly context: string;
}

/**
 * The local checks (flux, the token, the kube context) all run, and every failure is listed at
 * once: a person fixes them in one go instead of meeting them one re-run at a time.
 */
export async function checkLocal(
  run: ProcessRunner,
  env: NodeJS.ProcessEnv,
  token: { variable: string | undefined; provider: string },
  requestedContext: string | undefined,
): Promise<LocalPreflight> {
  const settle = <T>(work: () => Promise<T> | T) => Promise.resolve().then(work).then((value) => ({ value }), (error: unknown) => ({ error }));
  const [flux, secret, context] = [await settle(() => checkFlux(run)), await settle(() => requireToken(env, token.variable, token.provider)), await settle(() => resolveKubeContext(run, requestedContext))];
  const failures = [flux, secret, context].flatMap((r) => ('error' in r ? [r.error] : []));
  const unknown = failures.find((e) => !isPikselError(e));
  if (unknown) throw unknown;
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1)
    throw stepError(
      `bootstrap cannot start: ${failures.length} checks failed (fix each, then re-run)`,
      failures.map((e) => `- ${(e as Error).message}`),
    );
  return { fluxVersion: (flux as { value: string }).value, token: (secret as { value: string | undefined }).value, context: (context as { value: string }).value };
}

/** For --dry-run, which runs nothing: is `name` an executable on PATH (looked up, not run)? */
export async function onPath(name: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    if (await access(join(dir, name), 1 /* X_OK */).then(() => true, () => false)) return true;
  }
  return false;
}

/** For --dry-run: the current context as the kubeconfig files say (read, kubectl not run); undefined if none. */
export async function kubeconfigCurrentContext(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const files = env.KUBECONFIG ? env.KUBECONFIG.split(delimiter).filter(Boolean) : [join(env.HOME ?? homedir(), '.kube', 'config')];
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    try {
      const current = (parse(text) as { 'current-context'?: unknown } | null)?.['current-context'];
      if (typeof current === 'string' && current !== '') return current; // the first file that sets it wins, as in kubectl
    } catch {
      // not YAML: kubectl would fail on it too; the real run says so
    }
  }
  return undefined;
}
