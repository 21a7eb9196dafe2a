import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const odc = defineComponent({
  name: 'odc',
  layer: 'apps',
  title: 'odc',
  summary: 'odc',
  namespace: 'odc',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
