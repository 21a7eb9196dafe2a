import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const monitoring = defineComponent({
  name: 'monitoring',
  layer: 'apps',
  title: 'monitoring',
  summary: 'monitoring',
  namespace: 'monitoring',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
