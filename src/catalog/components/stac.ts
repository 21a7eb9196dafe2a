import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const stac = defineComponent({
  name: 'stac',
  layer: 'apps',
  title: 'stac',
  summary: 'stac',
  namespace: 'stac',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
