import type { Answers, ClusterAnswers } from '../answers/schema.js';
import { inputError } from '../errors.js';
import { applyArgs } from '../secrets/kubectl.js';
import { clusterPath } from './flux-args.js';
import { MINIMUM_FLUX_VERSION } from './preflight.js';

/**
 * `bootstrap --method operator`: Flux installed and upgraded by the Flux Operator from one
 * `FluxInstance`, instead of `flux bootstrap` (controlplaneio-fluxcd/flux-operator,
 * docs/guides/operator/operator-migration.md shows the same sync as bootstrap's). Nothing is
 * committed to Git: the operator creates the same `flux-system` GitRepository and Kustomization.
 */

/**
 * The operator release installed: v0.58.1 (2026-08-19), which ships Flux up to v2.9.4
 * (config/data/flux). Its install.yaml (`kubectl kustomize config/default`: namespace flux-system,
 * Deployment flux-operator) is a release asset (.github/workflows/release.yaml, .goreleaser.yml;
 * docs/guides/operator/operator-install.md, which recommends Helm for production).
 */
export const FLUX_OPERATOR = {
  version: 'v0.58.1',
  manifest: 'https://github.com/controlplaneio-fluxcd/flux-operator/releases/download/v0.58.1/install.yaml',
} as const;

const NAMESPACE = 'flux-system';
/** The Secret the FluxInstance pulls the repository with (username and token, as flux bootstrap --token-auth would). */
export const PULL_SECRET = { name: 'flux-system', namespace: NAMESPACE } as const;

/** The operator syncs over HTTPS with the token bootstrap already reads; SSH deploy keys are flux bootstrap's. */
export function operatorSyncUrl(remoteUrl: string): string {
  if (!/^https:\/\//.test(remoteUrl))
    throw inputError(
      `bootstrap --method operator pulls over HTTPS with a token, but the repository URL is ${remoteUrl}: ` +
        'set repository.url to its https:// address (and GIT_PASSWORD), or bootstrap with flux bootstrap (the default --method)',
    );
  return remoteUrl;
}

/** Flux's minor version the operator keeps the cluster on (patch releases come by themselves). */
export const fluxInstanceVersion = (): string => `${MINIMUM_FLUX_VERSION.split('.').slice(0, 2).join('.')}.x`;

/**
 * The FluxInstance: Flux's own components at the minor version the output is validated for
 * (auto-upgraded within it), syncing this cluster's path from the repository's branch.
 * Field names: docs/api/v1/fluxinstance.md at v0.58.1.
 */
export function fluxInstanceManifest(answers: Pick<Answers, 'repository'>, cluster: Pick<ClusterAnswers, 'name'>, url: string, pullSecret: boolean): string {
  return `${JSON.stringify({
    apiVersion: 'fluxcd.controlplane.io/v1',
    kind: 'FluxInstance',
    metadata: { name: 'flux', namespace: NAMESPACE },
    spec: {
      distribution: { version: fluxInstanceVersion(), registry: 'ghcr.io/fluxcd' },
      // What flux bootstrap installs by default.
      components: ['source-controller', 'kustomize-controller', 'helm-controller', 'notification-controller'],
      cluster: { type: 'kubernetes', multitenant: false, networkPolicy: true, domain: 'cluster.local' },
      sync: {
        kind: 'GitRepository',
        url,
        ref: `refs/heads/${answers.repository.branch}`,
        path: clusterPath(cluster.name),
        ...(pullSecret ? { pullSecret: PULL_SECRET.name } : {}),
      },
    },
  })}\n`;
}

/** kubectl argv, in order: the operator, then (after the pull Secret) the FluxInstance and the wait for it. */
export const operatorInstallArgs = (context: string): string[][] => [
  [`--context=${context}`, 'apply', '--server-side', `--filename=${FLUX_OPERATOR.manifest}`],
  [`--context=${context}`, 'rollout', 'status', 'deployment/flux-operator', `--namespace=${NAMESPACE}`, '--timeout=5m'],
];

export const fluxInstanceApplyArgs = (context: string): string[] => applyArgs(context);

export const fluxInstanceWaitArgs = (context: string): string[] => [
  `--context=${context}`,
  'wait',
  'fluxinstance/flux',
  `--namespace=${NAMESPACE}`,
  '--for=condition=Ready',
  '--timeout=10m',
];
