import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const clusterIssuers = defineComponent({
  name: 'cluster-issuers',
  layer: 'configs',
  title: 'cluster-issuers',
  summary: 'cluster-issuers',
  namespace: 'cluster-issuers',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
