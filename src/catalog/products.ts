/**
 * The well-known public collections the platform can index on day one: plain data, a leaf module
 * (the answers schema reads the names, the indexing component the rest). Each product's ODC definition
 * is its publisher's file, a partial under templates/_partials/products/ nested in the
 * definitions ConfigMap: values unchanged, blank lines dropped, its source in a comment; nothing
 * here invents a band.
 */

/** Where a product's items come from: a public STAC API collection. */
export interface StacSource {
  readonly catalog: string;
  readonly collection: string;
  /**
   * A STAC `query` that narrows a collection several products share (Landsat 8 and 9 are one collection).
   * stac-to-dc takes it as `--options query=<JSON>`: odc-tools' stac_api_to_dc.py `_parse_options`
   * splits the value on '#', then on '=', JSON-decodes the right side and hands it to pystac-client's
   * search (develop-1.9 at d0768be4, 2024-10-10); so the JSON may hold neither character.
   */
  readonly query?: Readonly<Record<string, unknown>>;
  /**
   * Asset URLs the STAC API gives over HTTPS that the data also has on S3: stac-to-dc's
   * `--url-string-replace=<from>,<to>` (exactly two strings split by ','), a plain string replace
   * of the item's self link and asset hrefs. Added by odc-tools PR #647 (opened 2025-06-23), running
   * without it fixed by PR #649 (opened 2025-07-01); test/data/stac-to-dc.test.ts records the options read.
   */
  readonly rewriteUrls?: readonly [from: string, to: string];
}

/** An OWS style of a product: true colour from three bands, or an index such as NDVI. */
export type ProductStyle =
  | { readonly kind: 'rgb'; readonly name: string; readonly title: string; readonly bands: readonly [red: string, green: string, blue: string]; readonly range: readonly [number, number] }
  | { readonly kind: 'ndvi'; readonly name: string; readonly title: string; readonly nir: string; readonly red: string }
  | { readonly kind: 'ramp'; readonly name: string; readonly title: string; readonly band: string; readonly range: readonly [number, number] };

export interface ProductSpec {
  /** The ODC product name, as in its definition (also the key in `data.products`). */
  readonly name: string;
  readonly title: string;
  readonly stac: StacSource;
  /** Where the data lives, for the README and the workflow's S3 settings. */
  readonly bucket: { readonly name: string; readonly region: string; readonly requesterPays: boolean };
  /** The first date a backfill indexes when the answers give none. */
  readonly defaultStart: string;
  /** The definition (its key in the ConfigMap, its partial's name) and where it was taken from. */
  readonly definition: { readonly file: string; readonly source: string; readonly license: string };
  /** OWS: how nodata is marked, native resolution in degrees, styles (the first is the default). */
  readonly ows: { readonly nodata: 'value' | 'nan'; readonly resolution: number; readonly styles: readonly [ProductStyle, ...ProductStyle[]] };
}

const EARTH_SEARCH = 'https://earth-search.aws.element84.com/v1';
const USGS_LANDSATLOOK = 'https://landsatlook.usgs.gov/stac-server';
const DEAFRICA_CONFIG = 'digitalearthafrica/config products/ at 92cfd7423158bb945e9e4a34043f37f22eda202f (2026-05-15), Apache-2.0';
const DATASET_CONFIG = 'opendatacube/datacube-dataset-config products/ at 5b2d7b61d8e23ac407869f5bbb0ccf0d1341381a (2024-08-27); the repository states no license';
// Piksel's copy of the Landsat file is byte for byte datacube-dataset-config's (unchanged there since 2022-02), under a license.
const PIKSEL_CORE = 'piksel-ina/piksel-core products/ at c30c76141891c397a96ab38804ecefd44a3c2a5c (2026-05-22), Apache-2.0';

const landsat = (platform: 8 | 9): ProductSpec => ({
  name: `ls${platform}_c2l2_sr`,
  title: `USGS Landsat ${platform} Collection 2 Level-2 surface reflectance`,
  // One collection for every Landsat; the platform property tells them apart (USGS STAC items carry `platform: LANDSAT_<n>`).
  // piksel-core's Makefile (c30c7614) indexes landsat-c2l2-sr from LandsatLook with the same query
  // and the same rewrite (there without the trailing '/'); odc-tools PR #647's example does so for landsat-c2l2-st.
  stac: {
    catalog: USGS_LANDSATLOOK,
    collection: 'landsat-c2l2-sr',
    query: { platform: { in: [`LANDSAT_${platform}`] } },
    rewriteUrls: ['https://landsatlook.usgs.gov/data/', 's3://usgs-landsat/'],
  },
  bucket: { name: 'usgs-landsat', region: 'us-west-2', requesterPays: true },
  defaultStart: '2024-01-01',
  definition: {
    file: `ls${platform}_c2l2_sr.odc-product.yaml`,
    source: `${PIKSEL_CORE}: the ls${platform}_c2l2_sr document of products/lsX_c2l2_sr.odc-product.yaml (its Makefile indexes it from ${USGS_LANDSATLOOK}); the same file as datacube-dataset-config's at 5b2d7b61`,
    license: 'Apache-2.0',
  },
  ows: {
    nodata: 'value',
    resolution: 0.00027,
    styles: [
      { kind: 'rgb', name: 'true_colour', title: 'True colour', bands: ['red', 'green', 'blue'], range: [7272, 18181] },
      { kind: 'ndvi', name: 'ndvi', title: 'NDVI', nir: 'nir08', red: 'red' },
    ],
  },
});

/** Every product the answers may name, in the order the README and the question list them. */
export const PRODUCTS: readonly ProductSpec[] = [
  {
    name: 's2_l2a_c1',
    title: 'Sentinel-2 Collection 1 Level-2A surface reflectance',
    stac: { catalog: EARTH_SEARCH, collection: 'sentinel-2-c1-l2a' },
    bucket: { name: 'e84-earth-search-sentinel-data', region: 'us-west-2', requesterPays: false },
    defaultStart: '2024-01-01',
    definition: { file: 's2_l2a_c1.odc-product.yaml', source: `${DEAFRICA_CONFIG}: s2_l2a_c1.odc-product.yaml`, license: 'Apache-2.0' },
    ows: {
      nodata: 'value',
      resolution: 0.0001,
      styles: [
        // The product's add_offset is -1000: reflectance 0–0.3 is stored as 1000–4000.
        { kind: 'rgb', name: 'true_colour', title: 'True colour', bands: ['red', 'green', 'blue'], range: [1000, 4000] },
        { kind: 'ndvi', name: 'ndvi', title: 'NDVI', nir: 'nir', red: 'red' },
      ],
    },
  },
  landsat(9),
  landsat(8),
  {
    name: 'cop_dem_glo_30',
    title: 'Copernicus DEM GLO-30',
    stac: { catalog: EARTH_SEARCH, collection: 'cop-dem-glo-30' },
    bucket: { name: 'copernicus-dem-30m', region: 'eu-central-1', requesterPays: false },
    // Every tile carries one date (the DEM's release); a backfill from 2021 finds them all.
    defaultStart: '2021-01-01',
    definition: {
      file: 'cop_dem_glo_30.odc-product.yaml',
      source: `${DATASET_CONFIG}: cop_dem_glo_30.odc-product.yaml (band 'data', the asset key of Earth Search's cop-dem-glo-30)`,
      license: 'none stated (a factual description of the DEM grid and its one band)',
    },
    ows: { nodata: 'nan', resolution: 0.00027, styles: [{ kind: 'ramp', name: 'elevation', title: 'Elevation', band: 'data', range: [0, 3000] }] },
  },
];

export const PRODUCT_NAMES = ['s2_l2a_c1', 'ls9_c2l2_sr', 'ls8_c2l2_sr', 'cop_dem_glo_30'] as const;
export type ProductName = (typeof PRODUCT_NAMES)[number];

/** The products `--yes` indexes: Sentinel-2, Landsat 9 and the DEM. */
export const DEFAULT_PRODUCTS: readonly ProductName[] = ['s2_l2a_c1', 'ls9_c2l2_sr', 'cop_dem_glo_30'];

/**
 * The platform's region, Indonesia (lon-min, lat-min, lon-max, lat-max, EPSG:4326): Sabang to
 * Merauke, Miangas to Rote, rounded outwards to whole degrees.
 */
export const DEFAULT_BBOX = [95, -11, 141, 6] as const;

/** The chosen products (the answers' `data.products`) with their catalog entries and start dates. */
export const chosenProducts = (chosen: readonly { readonly name: string; readonly start?: string | undefined }[]): { spec: ProductSpec; start: string }[] =>
  chosen.map((p) => {
    const spec = productNamed(p.name);
    return { spec, start: p.start ?? spec.defaultStart };
  });

export const productNamed = (name: string): ProductSpec => {
  const spec = PRODUCTS.find((p) => p.name === name);
  if (!spec) throw new Error(`no product named ${name}`);
  return spec;
};
