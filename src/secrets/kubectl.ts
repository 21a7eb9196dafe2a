import type { RotationStep } from '../catalog/component.js';
import { redactor } from '../bootstrap/command-line.js';
import { stepError } from '../errors.js';
import type { ProcessRunner, RunResult } from '../process.js';
import type { RotationRunner, SecretBackend, SecretRef } from './backend.js';

export const FIELD_MANAGER = 'create-piksel-gitops';
/** Where Flux's own objects live: the Kustomization that re-creates a deleted Job is there. */
const FLUX_NAMESPACE = 'flux-system';

/**
 * Server-side apply of a manifest on stdin: unlike client-side apply it stores no
 * last-applied-configuration annotation (which would hold the values in clear text);
 * --force-conflicts takes over a Secret created by hand.
 */
export const applyArgs = (context: string): string[] => [
  `--context=${context}`,
  'apply',
  '--server-side',
  `--field-manager=${FIELD_MANAGER}`,
  '--force-conflicts',
  '--filename=-',
];

/** A JSON manifest (kubectl reads JSON; no YAML quoting to get wrong). */
export function secretManifest(ref: SecretRef, values: Readonly<Record<string, string>>): string {
  return `${JSON.stringify({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: ref.name, namespace: ref.namespace, labels: { 'app.kubernetes.io/managed-by': FIELD_MANAGER } },
    type: 'Opaque',
    stringData: values,
  })}\n`;
}

/**
 * One lookup per namespace for all of its Secrets (a kubectl call can cost a second where an exec
 * credential plugin signs in); `get` of named objects needs no list permission, and
 * --output=name prints names only, never values.
 */
export const secretLookups = (context: string, refs: readonly SecretRef[]): { namespace: string; args: string[] }[] =>
  [...new Set(refs.map((r) => r.namespace))].map((namespace) => ({
    namespace,
    args: [`--context=${context}`, 'get', 'secret', ...new Set(refs.filter((r) => r.namespace === namespace).map((r) => r.name)), `--namespace=${namespace}`, '--ignore-not-found', '--output=name'],
  }));

/** Flux adopts the namespace later (its Namespace object in the repository is applied over this one). */
export const namespaceManifest = (namespace: string): string =>
  `${JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } })}\n`;

const NOT_FOUND = 'kubectl was not found on PATH: install kubectl (https://kubernetes.io/docs/tasks/tools/) and configure access to the cluster, then re-run';

/**
 * The cluster as the Secret store. Every value it handles is remembered so that kubectl's own
 * output is masked before it can reach a message.
 */
export function kubectlBackend(run: ProcessRunner, context: string): SecretBackend & { redact(text: string): string } {
  const handled = new Set<string>();
  const namespaces = new Map<string, Promise<void>>();
  const redact = (text: string) => redactor(handled)(text);
  const kubectl = async (args: string[], input?: string): Promise<RunResult> => {
    const result = await run('kubectl', [`--context=${context}`, ...args], { timeoutMs: 60_000, ...(input === undefined ? {} : { input }) });
    if (result.notFound) throw stepError(NOT_FOUND);
    return result;
  };
  const failure = (what: string, result: RunResult) =>
    stepError(`${what} (kubectl exit ${result.exitCode}): ${firstLine(redact(result.stderr)) || 'no output'}: check the context and your permissions, then re-run`);
  const exists = async (kind: string, name: string, namespace?: string) => {
    const result = await kubectl(['get', kind, name, ...(namespace ? [`--namespace=${namespace}`] : []), '--ignore-not-found', '--output=name']);
    if (result.exitCode !== 0) throw failure(`could not look up ${kind} ${namespace ? `${namespace}/` : ''}${name}`, result);
    return result.stdout.trim() !== '';
  };
  const ensureNamespace = (namespace: string) => {
    if (!namespaces.has(namespace))
      namespaces.set(
        namespace,
        (async () => {
          if (await exists('namespace', namespace)) return;
          const result = await run('kubectl', applyArgs(context), { input: namespaceManifest(namespace), timeoutMs: 60_000 });
          if (result.notFound) throw stepError(NOT_FOUND);
          if (result.exitCode !== 0) throw failure(`could not create namespace ${namespace}`, result);
        })(),
      );
    return namespaces.get(namespace)!;
  };
  return {
    redact,
    async existing(refs) {
      const found = new Set<string>();
      // One namespace after another: the calls happen in the order a dry run shows them.
      for (const { namespace, args } of secretLookups(context, refs)) {
        const result = await kubectl(args.slice(1));
        if (result.exitCode !== 0) throw failure(`could not look up the Secrets of namespace ${namespace}`, result);
        // kubectl prints `secret/<name>` for each one found.
        for (const line of result.stdout.split('\n')) if (line.startsWith('secret/')) found.add(`${namespace}/${line.slice('secret/'.length).trim()}`);
      }
      return found;
    },
    async read(ref) {
      const result = await kubectl(['get', 'secret', ref.name, `--namespace=${ref.namespace}`, '--ignore-not-found', '--output=json']);
      if (result.exitCode !== 0) throw failure(`could not read Secret ${ref.namespace}/${ref.name}`, result);
      if (result.stdout.trim() === '') return undefined;
      const data = (JSON.parse(result.stdout) as { data?: Record<string, string> }).data ?? {};
      const values = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
      for (const v of Object.values(values)) handled.add(v);
      return values;
    },
    async apply(ref, values) {
      for (const v of Object.values(values)) handled.add(v);
      await ensureNamespace(ref.namespace);
      const result = await run('kubectl', applyArgs(context), { input: secretManifest(ref, values), timeoutMs: 60_000 });
      if (result.notFound) throw stepError(NOT_FOUND);
      if (result.exitCode !== 0) throw failure(`could not create Secret ${ref.namespace}/${ref.name}`, result);
    },
  };
}

/** Restarts and Job re-runs through kubectl; a failure is reported, not fatal (the Secret is already rotated). */
export function kubectlRotationRunner(run: ProcessRunner, context: string, now: () => Date = () => new Date()): RotationRunner {
  const kubectl = async (args: string[]) => {
    const result = await run('kubectl', [`--context=${context}`, ...args], { timeoutMs: 60_000 });
    if (result.notFound) throw stepError(NOT_FOUND);
    return result.exitCode === 0 ? undefined : firstLine(result.stderr) || `exit ${result.exitCode}`;
  };
  return {
    async run(step: RotationStep) {
      if (step.kind === 'restart')
        return kubectl(['rollout', 'restart', step.deployment ? `deployment/${step.deployment}` : 'deployment', `--namespace=${step.namespace}`]);
      const deleted = await kubectl(['delete', 'job', step.job, `--namespace=${step.namespace}`, '--ignore-not-found']);
      if (deleted) return deleted;
      return kubectl([
        'annotate',
        `kustomization.kustomize.toolkit.fluxcd.io/${step.kustomization}`,
        `--namespace=${FLUX_NAMESPACE}`,
        `reconcile.fluxcd.io/requestedAt=${now().toISOString()}`,
        '--overwrite',
      ]);
    },
  };
}

const firstLine = (text: string) => text.trim().split('\n')[0] ?? '';
