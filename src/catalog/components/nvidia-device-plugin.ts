import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const nvidiaDevicePlugin = defineComponent({
  name: 'nvidia-device-plugin',
  layer: 'controllers',
  title: 'nvidia-device-plugin',
  summary: 'nvidia-device-plugin',
  namespace: 'nvidia-device-plugin',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
