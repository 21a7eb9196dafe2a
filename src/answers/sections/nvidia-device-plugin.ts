import { z } from 'zod';
import { labelMap, toleration, wholeNumber } from '../fields.js';
import { formatLabels, formatTolerations, readLabels, readNumber, readTolerations } from '../text-values.js';
import { defineSection } from './section.js';

/** nvidia-device-plugin's answers: whether the clusters have GPU nodes, and how pods reach them. */
export const nvidiaDevicePluginAnswers = defineSection({
  key: 'gpu',
  component: 'nvidia-device-plugin',
  answers: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Deploy nvidia-device-plugin and GPU profiles'),
      nodeSelector: labelMap
        .default({ 'nvidia.com/gpu.present': 'true' })
        .describe('Node labels of the GPU nodes (default nvidia.com/gpu.present: "true")'),
      tolerations: z
        .array(toleration)
        .default([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }])
        .describe('Tolerations for the GPU nodes’ taints'),
      timeSlicing: wholeNumber(1, 48, 'a number of pods per GPU').default(1).describe('Pods sharing one GPU (1 = no time slicing)'),
      jupyterProfile: z.boolean().default(true).describe('Offer a GPU server profile in JupyterHub'),
    })
    .prefault({}),
  clusterOverrides: z
    .strictObject({ enabled: z.boolean().optional().describe('GPU support on this cluster (default: gpu.enabled)') })
    .optional(),
  ask: async (q) => {
    q.section('GPU');
    await q.confirm('gpu.enabled', 'Do the clusters have NVIDIA GPU nodes? (deploys nvidia-device-plugin)');
    if (q.current('gpu.enabled') !== true) return;
    await q.text('gpu.nodeSelector', 'GPU node labels (key=value, comma-separated)', { read: readLabels, show: formatLabels });
    await q.text('gpu.tolerations', 'Taints GPU pods tolerate (key[=value][:Effect], comma-separated)', { read: readTolerations, show: formatTolerations });
    await q.text('gpu.timeSlicing', 'Pods sharing one GPU (1 = no time slicing)', { read: readNumber });
    if (q.selected('jupyterhub')) await q.confirm('gpu.jupyterProfile', 'Offer a GPU server profile in JupyterHub?');
  },
  askForCluster: async (q) => {
    await q.confirm('gpu.enabled', `Does ${q.name} have NVIDIA GPU nodes?`);
  },
});
