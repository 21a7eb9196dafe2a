import { createHash } from 'node:crypto';
import { irsaServiceAccount, type ServiceAccountRole } from '../cloud.js';
import { INGRESS_NEEDS, allOrNone, ingressFor, routeFor, type Ingress, type Route } from '../ingress.js';
import { defineComponent, imageRef, type ImageSpec } from '../component.js';
import {
  DATABASE_VARIABLES,
  RESTRICTED_CONTAINER,
  databaseSecretName,
  databaseSecrets,
  pooledDatabase,
  type EnvVar,
  type PooledDatabase,
} from '../database.js';

const NAMESPACE = 'odc';
/**
 * ODC uses prepared statements and temporary tables: session pooling. The postgis index driver
 * needs only PostGIS (datacube-core drivers/postgis/_core.py: `create extension if not exists
 * postgis`), which the odc role may not create itself; `datacube system init --no-init-users`
 * (scripts/system.py) then creates the schema without roles.
 */
const DATABASE = { name: 'odc', pooling: 'session', extensions: ['postgis'], schema: true } as const;
const DB_SECRET = databaseSecretName('odc');

/**
 * Images, pinned here and rendered once into apps/base (the real repo repeated tags in base and
 * overlay and had to commit twice per bump). Both run as the image's uid 1000 (`ubuntu`): their
 * entrypoint (remap-user.sh) only drops privileges with gosu when started as root.
 */
const IMAGES = {
  // 3.0.1 is the newest Explorer tag on Docker Hub (GHCR has only build tags), and the one the real platform ran.
  explorer: {
    name: 'docker.io/opendatacube/explorer',
    tag: '3.0.1',
    source: 'Docker Hub opendatacube/explorer 3.0.1 (newest there; the piksel platform ran it); has cubedash-gen and datacube',
  },
  ows: {
    name: 'ghcr.io/opendatacube/ows',
    tag: '1.9.13',
    source: 'datacube-ows release 1.9.13 (PR #1572 "Prepare for 1.9.13 release", 2026-04-24, the newest seen); images go to GHCR since PR #1170, tagged with the package version (PR #907: no v)',
  },
} as const satisfies Record<string, ImageSpec>;

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

/** GetMap/GetCoverage on large extents can take as long as the gunicorn timeout (121 s). */
const OWS_INGRESS_ANNOTATIONS = { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '120' };
const OWS_ROUTE_TIMEOUTS = { request: '0s', streamIdle: '120s' };

export const odc = defineComponent({
  name: 'odc',
  layer: 'apps',
  title: 'Open Data Cube (Explorer and OWS)',
  summary: 'datacube-explorer to browse the indexed products and datacube-ows serving them as WMS/WMTS',
  namespace: NAMESPACE,
  needs: ['db-proxy', ...INGRESS_NEEDS],
  charts: {},
  hosts: ['explorer', 'ows'],
  templates: ['infrastructure/schemas/odc/'],
  images: IMAGES,
  database: DATABASE,
  secrets: () => databaseSecrets('odc', NAMESPACE, DATABASE).filter((s) => s.namespace === NAMESPACE),
  sharedView: (): OdcView => ({
    images: { explorer: imageRef(IMAGES.explorer), ows: imageRef(IMAGES.ows) },
    db: pooledDatabase('odc', DATABASE),
    // The schema Job connects to the database itself (not the pooler), as the odc role.
    schemaDb: { name: DATABASE.name },
    schemaEnv: [
      { name: 'ODC_DEFAULT_INDEX_DRIVER', value: 'postgis' },
      { name: 'ODC_DEFAULT_DB_HOSTNAME', value: `\${${DATABASE_VARIABLES.host}}` },
      { name: 'ODC_DEFAULT_DB_PORT', value: `\${${DATABASE_VARIABLES.port}}` },
      { name: 'ODC_DEFAULT_DB_DATABASE', value: DATABASE.name },
      { name: 'ODC_DEFAULT_DB_USERNAME', valueFrom: { secretKeyRef: { name: DB_SECRET, key: 'username' } } },
      { name: 'ODC_DEFAULT_DB_PASSWORD', valueFrom: { secretKeyRef: { name: DB_SECRET, key: 'password' } } },
    ],
    restricted: RESTRICTED_CONTAINER,
    // datacube-ows-update reads an OWS configuration even for --schema (without DATACUBE_OWS_CFG it
    // imports a module the image does not have): the schema Job gets a minimal one of its own.
    schemaOwsConfig: { ...OWS_CONFIG, configMap: 'odc-schema-ows-config' },
    schemaOwsConfigJson: `${JSON.stringify(owsConfig('localhost'), null, 2)}\n`,
    owsConfig: OWS_CONFIG,
  }),
  clusterView: ({ answers, cluster }): OdcClusterView => {
    const owsConfigJson = `${JSON.stringify(owsConfig(cluster.domain), null, 2)}\n`;
    const serviceAccount = irsaServiceAccount(cluster, 'odc');
    // OWS configures S3 access only when AWS_DEFAULT_REGION is set; unsigned (public data) unless
    // the cluster gives odc an IAM role. On EKS the IRSA webhook also injects the region.
    const owsEnv = [
      ...(cluster.cloud === 'aws' && cluster.aws ? [{ name: 'AWS_DEFAULT_REGION', value: cluster.aws.region }] : []),
      ...(serviceAccount ? [{ name: 'AWS_NO_SIGN_REQUEST', value: 'no' }] : []),
    ];
    return {
      ingress: allOrNone({ explorer: ingressFor(answers, cluster, 'explorer'), ows: ingressFor(answers, cluster, 'ows', OWS_INGRESS_ANNOTATIONS) }),
      route: allOrNone({
        explorer: routeFor(answers, cluster, 'explorer', { service: 'explorer', port: 80 }),
        ows: routeFor(answers, cluster, 'ows', { service: 'ows', port: 80, timeouts: OWS_ROUTE_TIMEOUTS }),
      }),
      serviceAccount,
      owsConfigJson,
      // OWS parses its configuration once at start: a changed ConfigMap must roll the pods.
      owsConfigChecksum: createHash('sha256').update(owsConfigJson).digest('hex'),
      owsEnv: owsEnv.length > 0 ? owsEnv : undefined,
    };
  },
});

/** What odc's templates see beside the common fields (apps/base/odc/, infrastructure/schemas/odc/). */
interface OdcView {
  readonly images: { readonly explorer: string; readonly ows: string };
  readonly db: PooledDatabase;
  readonly schemaDb: { readonly name: string };
  readonly schemaEnv: readonly EnvVar[];
  readonly restricted: typeof RESTRICTED_CONTAINER;
  readonly schemaOwsConfig: OwsConfigFile;
  readonly schemaOwsConfigJson: string;
  readonly owsConfig: OwsConfigFile;
}

/** Where a pod finds an OWS configuration: a ConfigMap's key, mounted as a file. */
interface OwsConfigFile {
  readonly configMap: string;
  readonly mountPath: string;
  readonly file: string;
}

/** What odc's overlay sees beside that (apps/[environment]/odc/). */
interface OdcClusterView {
  readonly ingress: { readonly explorer: Ingress; readonly ows: Ingress } | undefined;
  readonly route: { readonly explorer: Route; readonly ows: Route } | undefined;
  readonly serviceAccount: ServiceAccountRole | undefined;
  readonly owsConfigJson: string;
  readonly owsConfigChecksum: string;
  /** Absent: no AWS settings for OWS on this cluster. */
  readonly owsEnv: readonly { readonly name: string; readonly value: string }[] | undefined;
}
