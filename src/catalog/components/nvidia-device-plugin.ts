import { defineComponent } from '../component.js';

export const nvidiaDevicePlugin = defineComponent({
  name: 'nvidia-device-plugin',
  layer: 'controllers',
  title: 'NVIDIA device plugin',
  summary: 'Advertises the GPUs of GPU nodes as nvidia.com/gpu resources, optionally time-sliced',
  namespace: 'nvidia-device-plugin',
  needs: [],
  charts: {
    devicePlugin: {
      repositoryName: 'nvidia-k8s-device-plugin',
      repositoryUrl: 'https://nvidia.github.io/k8s-device-plugin',
      chart: 'nvidia-device-plugin',
      version: '0.20.1',
      source: 'NVIDIA/k8s-device-plugin v0.20.1 (nvidia.github.io/k8s-device-plugin)',
    },
  },
  hosts: [],
  toggle: (answers) => answers.gpu.enabled,
  secrets: () => [],
  sharedView: ({ answers }) => ({
    nodeSelector: answers.gpu.nodeSelector,
    tolerations: answers.gpu.tolerations,
    // One physical GPU is advertised as N nvidia.com/gpu when time slicing is on.
    timeSlicing: answers.gpu.timeSlicing > 1 ? { replicas: answers.gpu.timeSlicing } : undefined,
  }),
});
