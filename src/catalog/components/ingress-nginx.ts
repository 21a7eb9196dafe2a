import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const ingressNginx = defineComponent({
  name: 'ingress-nginx',
  layer: 'controllers',
  title: 'ingress-nginx',
  summary: 'ingress-nginx',
  namespace: 'ingress-nginx',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
