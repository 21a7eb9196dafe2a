import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const jupyterhub = defineComponent({
  name: 'jupyterhub',
  layer: 'apps',
  title: 'jupyterhub',
  summary: 'jupyterhub',
  namespace: 'jupyterhub',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
