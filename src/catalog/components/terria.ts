import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const terria = defineComponent({
  name: 'terria',
  layer: 'apps',
  title: 'terria',
  summary: 'terria',
  namespace: 'terria',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
