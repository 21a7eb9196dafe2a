import type { Answers } from '../../answers/schema.js';
import { indexingAnswers } from '../../answers/sections/indexing.js';
import { defineComponent, imageRef, type DatabaseNeed, type ImageSpec, type RenderContext } from '../component.js';
import { RESTRICTED_CONTAINER, databaseSecretName, databaseSecrets, pooledDatabase, type EnvVar } from '../database.js';
import { chosenProducts } from '../products.js';
import { WORKFLOW_SERVICE_ACCOUNT, argo } from './argo.js';
import { ODC_DATABASE, ODC_IMAGES, odc, owsUpdateConfigJson } from './odc.js';
import { STAC_DATABASE } from './stac.js';

/**
 * The images the workflows run. datacube-index bundles odc-apps-dc-tools (stac-to-dc) with
 * datacube-core; Explorer's own image refreshes its summaries (the odc component pins it).
 */
const IMAGES = {
  index: {
    name: 'ghcr.io/opendatacube/datacube-index',
    tag: '0.4.14',
    source:
      'opendatacube/datacube-docker index/version.txt 0.4.14 (5c9896c, 2026-04-16); .github/workflows/index-image.yml pushes ghcr.io/opendatacube/datacube-index:<version.txt> when it changes; its uv.lock pins datacube 1.9.18, odc-apps-dc-tools 1.9.9',
  },
} as const satisfies Record<string, ImageSpec>;

/** The ConfigMap that carries the product definitions into the product-sync step. */
const DEFINITIONS = { configMap: 'odc-product-definitions', mountPath: '/etc/odc/products' } as const;

/** OWS's layers, for the range update after indexing (datacube-ows-update reads DATACUBE_OWS_CFG). */
const OWS_UPDATE_CONFIG = { configMap: 'ows-update-config', mountPath: '/etc/datacube-ows', file: 'ows_cfg.json' } as const;

/**
 * OWS (odc's Deployment, and its Service of the same name on port 80) and the Role that lets the
 * workflows restart it when a layer's first indexing run finds the layer not served.
 */
const OWS_RESTART = { deployment: 'ows', service: 'ows', role: 'ows-restart' } as const;

/** How far back a daily run (no datetime given) looks for new items, in days. */
export const LOOKBACK_DAYS = 3;

/** Daily runs start at 17:05 UTC (00:05 in Jakarta, as the real platform's), one product every ten minutes. */
const FIRST_RUN = { hour: 17, minute: 5 } as const;
export const DAILY_START = `${FIRST_RUN.hour}:${String(FIRST_RUN.minute).padStart(2, '0')}`;
const scheduleOf = (index: number) => `${FIRST_RUN.minute + ((index * 10) % 55)} ${FIRST_RUN.hour + Math.floor((index * 10) / 55)} * * *`;

/** A Kubernetes name for a product (ODC names use '_'). */
const slugOf = (product: string) => product.replaceAll('_', '-');

/** One product as its workflows see it. */
interface ProductView {
  readonly name: string;
  readonly slug: string;
  readonly title: string;
  readonly catalog: string;
  readonly collection: string;
  readonly bbox: string;
  /** The backfill's STAC datetime: from the start date on, open-ended. */
  readonly backfill: string;
  readonly query: string;
  readonly urlReplace: string;
  readonly schedule: string;
  /** Its definition: the key in the definitions ConfigMap, and the partial that holds the text. */
  readonly file: string;
  readonly partial: string;
  /** Where the data lives, for the README. */
  readonly bucket: string;
  readonly start: string;
}

const productView = (answers: Answers) =>
  chosenProducts(answers.data.products).map(
    ({ spec, start }, index): ProductView => ({
      name: spec.name,
      slug: slugOf(spec.name),
      title: spec.title,
      catalog: spec.stac.catalog,
      collection: spec.stac.collection,
      bbox: answers.data.bbox.join(','),
      backfill: `${start}/..`,
      query: spec.stac.query ? JSON.stringify(spec.stac.query) : '',
      urlReplace: spec.stac.rewriteUrls ? spec.stac.rewriteUrls.join(',') : '',
      schedule: scheduleOf(index),
      file: spec.definition.file,
      partial: `products/${spec.definition.file}`,
      bucket: `s3://${spec.bucket.name} (${spec.bucket.region}${spec.bucket.requesterPays ? ', requester pays' : ''})`,
      start,
    }),
  );

/** The commands that backfill each chosen product (the generated indexing README lists them too). */
export const backfillCommands = (answers: Answers): string[] =>
  productView(answers).map((p) => `argo submit -n ${argo.namespace} --from workflowtemplate/index-${p.slug} --watch`);

/**
 * An app's database login, in the workflows' namespace (one group with the app's own copies).
 * Workflow pods read it when they start: a rotation restarts no Deployment of Argo's namespace.
 */
const workflowLogin = (app: string, need: DatabaseNeed, ctx: RenderContext) =>
  databaseSecrets(app, argo.namespace, need, ctx)
    .filter((s) => s.namespace === argo.namespace)
    .map((s) => ({
      ...s,
      purpose: s.purpose.replace(/\(read by [^)]*\)$/, '(read by the indexing workflows)'),
      afterRotate: s.afterRotate?.filter((step) => !(step.kind === 'restart' && step.namespace === argo.namespace)),
    }));

/**
 * The platform's STAC API (pgstac) gets a copy of every item the data cube indexes, through
 * db-proxy as the stac role (a member of pgstac_ingest): pgstac's upsert functions, one statement
 * per batch, so transaction pooling suits it. libpq reads the PG* variables.
 */
const stacCopyView = () => {
  const db = pooledDatabase('stac', STAC_DATABASE);
  return {
    secret: db.secret,
    env: [
      { name: 'PGHOST', value: db.host },
      { name: 'PGPORT', value: String(db.port) },
      { name: 'PGDATABASE', value: db.name },
      { name: 'PGUSER', valueFrom: { secretKeyRef: { name: db.secret, key: 'username' } } },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: db.secret, key: 'password' } } },
      { name: 'PGAPPNAME', value: 'stac-copy' },
    ] satisfies EnvVar[],
  };
};

/**
 * The README's notebook example: the first chosen product anyone may read (no requester-pays
 * bucket, so no credentials), with the bands of its first OWS style (its ODC measurements, which
 * stac-to-dc took from the STAC asset keys).
 */
const notebookExample = (answers: Answers) => {
  const found = chosenProducts(answers.data.products).find(({ spec }) => !spec.bucket.requesterPays);
  if (!found) return undefined;
  const style = found.spec.ows.styles[0];
  const bands = style.kind === 'rgb' ? style.bands : style.kind === 'ndvi' ? [style.red, style.nir] : [style.band];
  return { collection: found.spec.stac.collection, bands: JSON.stringify(bands) };
};

export const indexing = defineComponent({
  name: 'indexing',
  layer: 'apps',
  title: 'Data (indexing workflows)',
  summary: 'Argo workflows that define the chosen ODC products, index them daily from public STAC APIs, and refresh Explorer and OWS',
  // The workflows run where Argo's controller watches and its workflow service account lives.
  namespace: argo.namespace,
  needs: ['argo', 'odc'],
  waitsFor: ['argo', 'odc'],
  charts: {},
  hosts: [],
  images: IMAGES,
  answers: indexingAnswers,
  secrets: (ctx) => [workflowLogin('odc', ODC_DATABASE, ctx), ...(ctx.selected.has('stac') ? [workflowLogin('stac', STAC_DATABASE, ctx)] : [])].flat(),
  sharedView: ({ answers, selected }): IndexingView => {
    const db = pooledDatabase('odc', ODC_DATABASE);
    const products = productView(answers);
    return {
      productList: products,
      bbox: answers.data.bbox.join(', '),
      odcSecret: databaseSecretName('odc'),
      owsNamespace: odc.namespace,
      owsCapabilitiesUrl: `http://${OWS_RESTART.service}.${odc.namespace}.svc/wms?service=WMS&version=1.3.0&request=GetCapabilities`,
      owsRestart: OWS_RESTART,
      lookbackDays: LOOKBACK_DAYS,
      definitions: DEFINITIONS,
      images: { index: imageRef(IMAGES.index), explorer: imageRef(ODC_IMAGES.explorer), ows: imageRef(ODC_IMAGES.ows) },
      owsUpdate: OWS_UPDATE_CONFIG,
      owsUpdateConfigJson: owsUpdateConfigJson(selected, answers),
      serviceAccount: WORKFLOW_SERVICE_ACCOUNT,
      odcEnv: [
        { name: 'ODC_DEFAULT_INDEX_DRIVER', value: 'postgis' },
        { name: 'ODC_DEFAULT_DB_HOSTNAME', value: db.host },
        { name: 'ODC_DEFAULT_DB_PORT', value: String(db.port) },
        { name: 'ODC_DEFAULT_DB_DATABASE', value: db.name },
        { name: 'ODC_DEFAULT_DB_USERNAME', valueFrom: { secretKeyRef: { name: databaseSecretName('odc'), key: 'username' } } },
        { name: 'ODC_DEFAULT_DB_PASSWORD', valueFrom: { secretKeyRef: { name: databaseSecretName('odc'), key: 'password' } } },
      ],
      restricted: RESTRICTED_CONTAINER,
      stacCopy: selected.has('stac') ? stacCopyView() : undefined,
      notebook: selected.has('jupyterhub') && selected.has('stac') ? notebookExample(answers) : undefined,
    };
  },
});

/** What indexing's templates see beside the common fields (apps/base/indexing/). */
interface IndexingView {
  readonly productList: readonly ProductView[];
  readonly bbox: string;
  readonly odcSecret: string;
  readonly owsNamespace: string;
  readonly definitions: typeof DEFINITIONS;
  readonly images: { readonly index: string; readonly explorer: string; readonly ows: string };
  readonly owsUpdate: typeof OWS_UPDATE_CONFIG;
  readonly owsUpdateConfigJson: string;
  /** OWS's WMS capabilities inside the cluster (its Service, port 80), for the check that a layer is served. */
  readonly owsCapabilitiesUrl: string;
  readonly owsRestart: typeof OWS_RESTART;
  readonly lookbackDays: number;
  readonly serviceAccount: string;
  readonly odcEnv: readonly EnvVar[];
  readonly restricted: typeof RESTRICTED_CONTAINER;
  /** How a notebook reads a product from the STAC API: with jupyterhub and stac, a product whose bucket is public. */
  readonly notebook: ReturnType<typeof notebookExample>;
  /** The STAC API's copy of the items, when the stac component is deployed. */
  readonly stacCopy: ReturnType<typeof stacCopyView> | undefined;
}
