import type { Toleration } from '../answers/fields.js';
import type { ClusterAnswers } from '../answers/schema.js';
import type { ClusterPatch } from './component.js';

/** Scheduling constraints for cluster-critical pods on this cluster's system nodes (aws profile). */
export interface Placement {
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: readonly Toleration[];
}

export const systemPlacement = (cluster: ClusterAnswers): Placement | undefined =>
  cluster.cloud === 'aws' && cluster.aws
    ? { nodeSelector: cluster.aws.systemNodeSelector, tolerations: cluster.aws.systemTolerations }
    : undefined;

/** Drops an object of a shared file from one cluster, through that cluster's own Kustomization (an edge it does not run). */
export const deletePatch = (apiVersion: string, kind: string, name: string, namespace?: string): ClusterPatch => ({
  target: { kind, name, ...(namespace ? { namespace } : {}) },
  patch: { $patch: 'delete', apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
});

/**
 * An internet-facing NLB in IP mode, provisioned by the AWS Load Balancer Controller (aws profile),
 * for either edge's Service; each edge adds how the client's address reaches it.
 */
export const AWS_NLB_ANNOTATIONS = {
  'service.beta.kubernetes.io/aws-load-balancer-type': 'external',
  'service.beta.kubernetes.io/aws-load-balancer-nlb-target-type': 'ip',
  'service.beta.kubernetes.io/aws-load-balancer-scheme': 'internet-facing',
};

/**
 * A patch of a shared HelmRelease's values for one cluster, e.g. pinning a controller to the
 * system node group of an EKS cluster while other clusters share the same file unchanged.
 */
export const helmValuesPatch = (name: string, namespace: string, values: Record<string, unknown>): ClusterPatch => ({
  target: { kind: 'HelmRelease', name, namespace },
  patch: {
    apiVersion: 'helm.toolkit.fluxcd.io/v2',
    kind: 'HelmRelease',
    metadata: { name, namespace },
    spec: { values },
  },
});

/** What a ServiceAccount carries to assume an IAM role (the partial `service-account-patch`). */
export interface ServiceAccountRole {
  readonly annotations: Readonly<Record<string, string>>;
}

/**
 * IRSA for a component's service account, when the answers give an IAM role for it
 * (role ARNs are answers: account ids are never part of the templates).
 */
export const irsaServiceAccount = (cluster: ClusterAnswers, component: string): ServiceAccountRole | undefined => {
  const role = cluster.cloud === 'aws' ? cluster.aws?.serviceAccountRoles[component] : undefined;
  return role ? { annotations: { 'eks.amazonaws.com/role-arn': role } } : undefined;
};

/** StorageClass for persistent volumes: the aws profile's, else the cluster default. */
export const storageClassOf = (cluster: ClusterAnswers): string | undefined =>
  cluster.cloud === 'aws' ? cluster.aws?.storageClass : undefined;
