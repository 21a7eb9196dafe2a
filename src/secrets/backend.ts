import type { RotationStep } from '../catalog/component.js';

/** A Secret's place: its namespace and name. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

/**
 * Where Secrets are kept. Today the cluster itself (kubectl); an SOPS backend (encrypted files in
 * the repository) can implement the same four operations later. Values cross this interface
 * only as in-memory records: an implementation must never put them on argv, in a file it leaves
 * behind, or in a message.
 */
export interface SecretBackend {
  /** Which of these Secrets exist, as `namespace/name` (their values are not read). */
  existing(refs: readonly SecretRef[]): Promise<ReadonlySet<string>>;
  /** The Secret's values (decoded), or undefined when it does not exist. */
  read(ref: SecretRef): Promise<Record<string, string> | undefined>;
  /** Creates or replaces the Secret with exactly these values (creating its namespace when missing). */
  apply(ref: SecretRef, values: Readonly<Record<string, string>>): Promise<void>;
}

/** What makes running workloads pick up changed values (restarts, re-run Jobs). */
export interface RotationRunner {
  /** Runs one step; returns a problem to report (a warning), or undefined when it worked. */
  run(step: RotationStep): Promise<string | undefined>;
}

export const describeStep = (step: RotationStep): string =>
  step.kind === 'restart'
    ? `restart ${step.deployment ? `deployment ${step.namespace}/${step.deployment}` : `every deployment in ${step.namespace}`}`
    : `re-run job ${step.namespace}/${step.job} (Flux Kustomization ${step.kustomization} recreates it)`;
