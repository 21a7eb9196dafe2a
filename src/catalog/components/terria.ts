import { createHash } from 'node:crypto';
import type { ClusterAnswers } from '../../answers/schema.js';
import { irsaServiceAccount, type ServiceAccountRole } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_NEEDS, ingressFor, routeFor, type Ingress, type Route } from '../ingress.js';
import type { ComponentName } from '../names.js';
import { chosenProducts, type ProductSpec } from '../products.js';

const NAMESPACE = 'terria';

/**
 * TerriaMap image, pinned here and rendered once into apps/base. It serves from /app and runs as
 * `node` (uid 1000); the real platform ran the same layout with runAsUser 1000.
 */
const IMAGE = {
  name: 'ghcr.io/terriajs/terriamap',
  tag: '0.4.6',
  source: 'TerriaJS/TerriaMap release 0.4.6 (ghcr.io/terriajs/terriamap, tags without v)',
} as const;

/** Where the pod finds its configuration (ConfigMap keys → files). */
const CONFIG = {
  configMap: 'terria-config',
  serverConfigDir: '/etc/terria',
  /** Client config and init (catalog) file replace the image's copies under wwwroot. */
  clientConfigPath: '/app/wwwroot/config.json',
  initName: 'piksel',
  initPath: '/app/wwwroot/init/piksel.json',
} as const;

/** terriajs-server settings: its port, and the hosts its CORS proxy may fetch from. */
const serverConfig = (cluster: ClusterAnswers) => ({
  port: 3001,
  // The platform's own services, plus Earth Search (public Sentinel-2/Landsat COGs and STAC).
  allowProxyFor: [cluster.domain, 'earth-search.aws.element84.com'],
  proxyAllDomains: false,
});

/** TerriaJS client settings; no Cesium ion services, which need a token of their own. */
const clientConfig = () => ({
  initializationUrls: [CONFIG.initName],
  parameters: {
    appName: 'Piksel Map',
    mobileDefaultViewerMode: '2d',
    useCesiumIonTerrain: false,
    useCesiumIonBingImagery: false,
  },
});

/**
 * The initial catalog: this cluster's OWS as a WMS group when odc is deployed, else empty; with
 * indexed products, first a group with one WMS item per product (docs.terria.io catalog types
 * `group`, `wms` with `layers`, `wms-group`), named as the OWS layer is.
 */
const initCatalog = (cluster: ClusterAnswers, withOws: boolean, products: readonly ProductSpec[], stac: StacFootprints | undefined) => {
  const ows = `https://ows.${cluster.domain}/`;
  const productItems = products.map((p) => ({ id: `piksel-${p.name}`, type: 'wms', name: p.title, url: ows, layers: p.name }));
  return {
    // Indonesia, the Piksel platform's coverage.
    homeCamera: { north: 6, east: 141, south: -11, west: 95 },
    catalog: [
      ...(withOws
        ? [
            ...(productItems.length > 0 ? [{ id: 'piksel-products', type: 'group', name: 'Piksel products', members: productItems }] : []),
            { id: 'piksel-ows', type: 'wms-group', name: 'Piksel OWS', url: ows },
          ]
        : []),
      ...(stac ? [stacGroup(cluster, products, stac)] : []),
    ],
  };
};

/** The platform's STAC API and the area its items were copied for (the answers' `data.bbox`). */
interface StacFootprints {
  readonly bbox: readonly number[];
}

/**
 * TerriaJS has no STAC catalog type (terriajs main, 2026-08: no STAC model under
 * lib/Models/Catalog), but a STAC API's items page is a GeoJSON FeatureCollection: one `geojson`
 * item per collection shows the newest items' footprints, with their properties as feature info.
 */
const stacGroup = (cluster: ClusterAnswers, products: readonly ProductSpec[], stac: StacFootprints) => {
  const api = `https://stac.${cluster.domain}`;
  const collections = [...new Map(products.map((p) => [p.stac.collection, p])).values()];
  return {
    id: 'piksel-stac',
    type: 'group',
    name: 'Piksel STAC API (latest footprints)',
    members: collections.map((p) => ({
      id: `piksel-stac-${p.stac.collection}`,
      type: 'geojson',
      name: p.stac.collection,
      url: `${api}/collections/${p.stac.collection}/items?bbox=${stac.bbox.join(',')}&limit=${STAC_FOOTPRINTS}`,
    })),
  };
};

/** How many of a collection's newest items Terria draws (pgstac returns the newest first). */
const STAC_FOOTPRINTS = 100;

/** The component whose workflows index the products OWS serves. */
const INDEXER: ComponentName = 'indexing';

const asJson = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

export const terria = defineComponent({
  name: 'terria',
  layer: 'apps',
  title: 'TerriaMap',
  summary: 'TerriaMap 2D/3D web map for browsing the platform’s map layers',
  namespace: NAMESPACE,
  needs: [...INGRESS_NEEDS],
  charts: {},
  hosts: ['maps'],
  secrets: () => [],
  images: { terriamap: IMAGE },
  sharedView: (): TerriaView => ({ image: `${IMAGE.name}:${IMAGE.tag}`, config: CONFIG }),
  clusterView: ({ answers, cluster, selected }): TerriaClusterView => {
    const files = {
      server: asJson(serverConfig(cluster)),
      client: asJson(clientConfig()),
      init: asJson(
        initCatalog(
          cluster,
          selected.has('odc'),
          selected.has(INDEXER) ? chosenProducts(answers.data.products).map((p) => p.spec) : [],
          // The indexing workflows copy the items into the STAC API when both are deployed.
          selected.has(INDEXER) && selected.has('stac') ? { bbox: answers.data.bbox } : undefined,
        ),
      ),
    };
    return {
      ingress: ingressFor(answers, cluster, 'maps'),
      route: routeFor(answers, cluster, 'maps', { service: 'terria', port: 80 }),
      serviceAccount: irsaServiceAccount(cluster, 'terria'),
      files,
      // Files mounted with subPath never update in a running pod: a changed config rolls the pods.
      configChecksum: createHash('sha256').update(files.server).update(files.client).update(files.init).digest('hex'),
    };
  },
});

/** What terria's templates see beside the common fields (apps/base/terria/). */
interface TerriaView {
  readonly image: string;
  readonly config: typeof CONFIG;
}

/** What terria's overlay sees beside that (apps/[environment]/terria/). */
interface TerriaClusterView {
  readonly ingress: Ingress | undefined;
  readonly route: Route | undefined;
  readonly serviceAccount: ServiceAccountRole | undefined;
  /** terriajs-server's, the client's and the initial catalog's JSON, as mounted from the ConfigMap. */
  readonly files: { readonly server: string; readonly client: string; readonly init: string };
  readonly configChecksum: string;
}
