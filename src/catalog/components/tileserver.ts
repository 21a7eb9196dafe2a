import { irsaServiceAccount, type ServiceAccountRole } from '../cloud.js';
import { defineComponent } from '../component.js';
import { INGRESS_NEEDS, ingressFor, routeFor, type Ingress, type Route } from '../ingress.js';
import type { ComponentName } from '../names.js';
import { chosenProducts } from '../products.js';

const NAMESPACE = 'tileserver';
/** The component that indexes the products whose COGs TiTiler may read. */
const INDEXER: ComponentName = 'indexing';

/**
 * TiTiler image, pinned here and rendered once into apps/base: the newest release (2.2.1,
 * 2026-07-29). Its Dockerfile (gunicorn on $PORT) and /healthz are unchanged since 2.0.5.
 * The image has no USER (root by default); the Deployment runs it as uid 1000 instead.
 */
const IMAGE = {
  name: 'ghcr.io/developmentseed/titiler',
  tag: '2.2.1',
  source: 'developmentseed/titiler tag 2.2.1 (2026-07-29); .github/workflows/ci.yml pushes ghcr.io/developmentseed/titiler with docker/metadata-action type=semver {{version}} (no v)',
} as const;

export const tileserver = defineComponent({
  name: 'tileserver',
  layer: 'apps',
  title: 'TiTiler',
  summary: 'TiTiler dynamic tile server for Cloud Optimized GeoTIFFs and STAC items on S3',
  namespace: NAMESPACE,
  needs: [...INGRESS_NEEDS],
  charts: {},
  hosts: ['tiles'],
  secrets: () => [],
  images: { titiler: IMAGE },
  sharedView: (): TileserverView => ({ image: `${IMAGE.name}:${IMAGE.tag}` }),
  clusterView: ({ answers, cluster, selected }): TileserverClusterView => {
    const serviceAccount = irsaServiceAccount(cluster, 'tileserver');
    return {
      ingress: ingressFor(answers, cluster, 'tiles'),
      route: routeFor(answers, cluster, 'tiles', { service: 'titiler', port: 80 }),
      serviceAccount,
      // With an IAM role GDAL signs its S3 requests (private buckets); otherwise reads stay unsigned.
      signedS3: Boolean(serviceAccount),
      // The same COGs OWS serves: a requester-pays bucket (USGS Landsat) needs GDAL's AWS_REQUEST_PAYER.
      requesterPays:
        Boolean(serviceAccount) && selected.has(INDEXER) && chosenProducts(answers.data.products).some((p) => p.spec.bucket.requesterPays),
    };
  },
});

/** What tileserver's templates see beside the common fields (apps/base/tileserver/). */
interface TileserverView {
  readonly image: string;
}

/** What tileserver's overlay sees beside that (apps/[environment]/tileserver/). */
interface TileserverClusterView {
  readonly ingress: Ingress | undefined;
  readonly route: Route | undefined;
  readonly serviceAccount: ServiceAccountRole | undefined;
  readonly signedS3: boolean;
  readonly requesterPays: boolean;
}
