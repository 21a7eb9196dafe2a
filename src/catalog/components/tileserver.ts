import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const tileserver = defineComponent({
  name: 'tileserver',
  layer: 'apps',
  title: 'tileserver',
  summary: 'tileserver',
  namespace: 'tileserver',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
