import { defineComponent } from '../component.js';

// PLACEHOLDER: replaced by the real component module (metadata + templates) before landing.
export const notifications = defineComponent({
  name: 'notifications',
  layer: 'controllers',
  title: 'notifications',
  summary: 'notifications',
  namespace: 'notifications',
  needs: [],
  charts: {},
  hosts: [],
  secrets: () => [],
});
