import { irsaServiceAccount } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_NEEDS, ingressFor } from '../ingress.js';
import { DB_PROXY_ENDPOINT, databaseSecret } from './db-proxy.js';

/** One namespace for API and browser (the real repo mixed `stac` and `odc-stac`). */
const NAMESPACE = 'stac';
const DATABASE = 'stac';
const DB_SECRET = databaseSecret('stac', NAMESPACE, DATABASE);

/**
 * Images, pinned here and rendered once into apps/base. Both run as non-root users of the image:
 * stac-fastapi-pgstac as `user` (uid 1000), stac-browser on nginx-unprivileged as `nginx` (uid 101).
 */
const IMAGES = {
  api: { name: 'ghcr.io/stac-utils/stac-fastapi-pgstac', tag: '6.4.0' },
  browser: { name: 'ghcr.io/radiantearth/stac-browser', tag: 'v5.0.0' },
} as const;

export const stac = defineComponent({
  name: 'stac',
  layer: 'apps',
  title: 'STAC API and STAC Browser',
  summary: 'stac-fastapi-pgstac serving the pgstac catalog, and STAC Browser pointed at it',
  namespace: NAMESPACE,
  needs: ['db-proxy', ...INGRESS_NEEDS],
  charts: {},
  hosts: ['stac', 'stac-browser'],
  secrets: () => [DB_SECRET],
  sharedView: () => ({
    images: {
      api: `${IMAGES.api.name}:${IMAGES.api.tag}`,
      browser: `${IMAGES.browser.name}:${IMAGES.browser.tag}`,
    },
    db: { ...DB_PROXY_ENDPOINT, name: DATABASE, secret: DB_SECRET.name },
  }),
  clusterView: ({ answers, cluster }) => {
    const api = ingressFor(answers, cluster, 'stac');
    return {
      ingress: { api, browser: ingressFor(answers, cluster, 'stac-browser') },
      // The browser opens this cluster's own API (the real repo shipped another project's URL).
      catalogUrl: `https://${api.host}/`,
      serviceAccount: irsaServiceAccount(cluster, 'stac'),
    };
  },
});
