import { anyClusterHasGpu, clusterSettings } from '../../answers/cluster-settings.js';
import type { Answers } from '../../answers/schema.js';
import { nvidiaDevicePluginAnswers } from '../../answers/sections/nvidia-device-plugin.js';
import { defineComponent, type ClusterPatch } from '../component.js';

const NAMESPACE = 'nvidia-device-plugin';

/** A cluster with GPU support off drops the shared files' objects through its own Kustomization. */
const deletePatch = (apiVersion: string, kind: string, name: string, namespace?: string): ClusterPatch => ({
  target: { kind, name, ...(namespace ? { namespace } : {}) },
  patch: { $patch: 'delete', apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } },
});

export const nvidiaDevicePlugin = defineComponent({
  name: 'nvidia-device-plugin',
  layer: 'controllers',
  title: 'NVIDIA device plugin',
  summary: 'Advertises the GPUs of GPU nodes as nvidia.com/gpu resources, optionally time-sliced',
  namespace: NAMESPACE,
  needs: [],
  charts: {
    devicePlugin: {
      repositoryName: 'nvidia-k8s-device-plugin',
      repositoryUrl: 'https://nvidia.github.io/k8s-device-plugin',
      chart: 'nvidia-device-plugin',
      version: '0.20.1',
      source: 'NVIDIA/k8s-device-plugin v0.20.1 release PR #2057 (chart nvidia-device-plugin-0.20.1.tgz); defaults read at v0.20.0',
    },
  },
  hosts: [],
  answers: nvidiaDevicePluginAnswers,
  toggle: (answers) => anyClusterHasGpu(answers),
  secrets: () => [],
  runsOn: ({ answers, cluster }) => clusterSettings(answers, cluster).gpu.enabled,
  clusterPatches: ({ answers, cluster }) =>
    clusterSettings(answers, cluster).gpu.enabled
      ? []
      : [
          deletePatch('helm.toolkit.fluxcd.io/v2', 'HelmRelease', 'nvidia-device-plugin', NAMESPACE),
          deletePatch('source.toolkit.fluxcd.io/v1', 'HelmRepository', 'nvidia-k8s-device-plugin', NAMESPACE),
          deletePatch('v1', 'Namespace', NAMESPACE),
        ],
  sharedView: ({ answers }): DevicePluginView => ({
    nodeSelector: answers.gpu.nodeSelector,
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              // No selector given: any Linux node (the chart's default would want NFD labels).
              matchExpressions: Object.entries(
                Object.keys(answers.gpu.nodeSelector).length > 0 ? answers.gpu.nodeSelector : { 'kubernetes.io/os': 'linux' },
              ).map(([key, value]) => ({ key, operator: 'In', values: [value] })),
            },
          ],
        },
      },
    },
    tolerations: answers.gpu.tolerations,
    // One physical GPU is advertised as N nvidia.com/gpu when time slicing is on.
    timeSlicing: answers.gpu.timeSlicing > 1 ? { replicas: answers.gpu.timeSlicing } : undefined,
  }),
});

/** What templates/infrastructure/controllers/nvidia-device-plugin.yaml.hbs sees beside the common fields. */
interface DevicePluginView {
  readonly nodeSelector: Answers['gpu']['nodeSelector'];
  /** The chart's `affinity` value: GPU nodes by the answers' selector. */
  readonly affinity: Record<string, unknown>;
  readonly tolerations: Answers['gpu']['tolerations'];
  /** Absent: one nvidia.com/gpu per physical GPU. */
  readonly timeSlicing: { readonly replicas: number } | undefined;
}
