import { createHash } from 'node:crypto';
import { irsaServiceAccount } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_NEEDS, ingressFor } from '../ingress.js';
import { DB_PROXY_ENDPOINT, databaseSecret } from './db-proxy.js';

const NAMESPACE = 'odc';
const DATABASE = 'odc';
const DB_SECRET = databaseSecret('odc', NAMESPACE, DATABASE);

/**
 * Images, pinned here and rendered once into apps/base (the real repo repeated tags in base and
 * overlay and had to commit twice per bump). Both run as the image's uid 1000 (`ubuntu`): their
 * entrypoint (remap-user.sh) only drops privileges with gosu when started as root.
 */
const IMAGES = {
  explorer: { name: 'docker.io/opendatacube/explorer', tag: '3.1.0' },
  ows: { name: 'docker.io/opendatacube/ows', tag: '1.9.9' },
} as const;

/** OWS reads its layer configuration from the file DATACUBE_OWS_CFG names (a JSON file here). */
const OWS_CONFIG = { configMap: 'ows-config', mountPath: '/etc/datacube-ows', file: 'ows_cfg.json' } as const;

/**
 * A minimal valid OWS configuration: service metadata and CRSs, no layers yet. Layers name ODC
 * products, which exist only once data is indexed; the operator adds them here (or points
 * DATACUBE_OWS_CFG at a config baked into a custom image, as the real platform ended up doing).
 */
function owsConfig(domain: string) {
  const url = `https://ows.${domain}`;
  return {
    global: {
      title: 'Piksel Open Data Cube web services',
      abstract: 'WMS and WMTS views of the Open Data Cube products indexed on this platform.',
      allowed_urls: [url],
      info_url: `${url}/`,
      services: { wms: true, wmts: true, wcs: false },
      published_CRSs: {
        'EPSG:3857': { geographic: false, horizontal_coord: 'x', vertical_coord: 'y' },
        'EPSG:4326': { geographic: true, vertical_coord_first: true },
      },
    },
    wms: {},
    wmts: {},
    layers: [],
  };
}

export const odc = defineComponent({
  name: 'odc',
  layer: 'apps',
  title: 'Open Data Cube (Explorer and OWS)',
  summary: 'datacube-explorer to browse the indexed products and datacube-ows serving them as WMS/WMTS',
  namespace: NAMESPACE,
  needs: ['db-proxy', ...INGRESS_NEEDS],
  charts: {},
  hosts: ['explorer', 'ows'],
  secrets: () => [DB_SECRET],
  sharedView: () => ({
    images: {
      explorer: `${IMAGES.explorer.name}:${IMAGES.explorer.tag}`,
      ows: `${IMAGES.ows.name}:${IMAGES.ows.tag}`,
    },
    db: { ...DB_PROXY_ENDPOINT, name: DATABASE, secret: DB_SECRET.name },
    owsConfig: OWS_CONFIG,
  }),
  clusterView: ({ answers, cluster }) => {
    const owsConfigJson = `${JSON.stringify(owsConfig(cluster.domain), null, 2)}\n`;
    const serviceAccount = irsaServiceAccount(cluster, 'odc');
    // OWS configures S3 access only when AWS_DEFAULT_REGION is set; unsigned (public data) unless
    // the cluster gives odc an IAM role. On EKS the IRSA webhook also injects the region.
    const owsEnv = [
      ...(cluster.cloud === 'aws' && cluster.aws ? [{ name: 'AWS_DEFAULT_REGION', value: cluster.aws.region }] : []),
      ...(serviceAccount ? [{ name: 'AWS_NO_SIGN_REQUEST', value: 'no' }] : []),
    ];
    return {
      ingress: { explorer: ingressFor(answers, cluster, 'explorer'), ows: ingressFor(answers, cluster, 'ows') },
      serviceAccount,
      owsConfigJson,
      // OWS parses its configuration once at start: a changed ConfigMap must roll the pods.
      owsConfigChecksum: createHash('sha256').update(owsConfigJson).digest('hex'),
      owsEnv: owsEnv.length > 0 ? owsEnv : undefined,
    };
  },
});
