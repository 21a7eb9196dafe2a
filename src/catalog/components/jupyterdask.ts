import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const jupyterdask = defineComponent({
  name: 'jupyterdask',
  layer: 'apps',
  title: 'jupyterdask',
  summary: 'jupyterdask',
  namespace: 'jupyterdask',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
