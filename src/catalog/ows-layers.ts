import type { ProductSpec, ProductStyle } from './products.js';

/**
 * OWS layers for the chosen products, in datacube-ows 1.9's configuration format (keys as in
 * datacube_ows/ows_cfg_example.py of opendatacube/datacube-ows, 1.9 line, fc499cf8): one folder
 * of layers, one layer per product, named after the product; styles from the product catalog.
 * Plain data: rendered to JSON into the ConfigMap OWS reads (DATACUBE_OWS_CFG).
 */

/** Band functions of datacube_ows.band_utils (norm_diff, single_band) and extent masks of ogc_utils. */
const BAND_UTILS = 'datacube_ows.band_utils';
const OGC_UTILS = 'datacube_ows.ogc_utils';

function style(s: ProductStyle): Record<string, unknown> {
  switch (s.kind) {
    case 'rgb': {
      const [red, green, blue] = s.bands;
      return {
        name: s.name,
        title: s.title,
        abstract: `${s.title} from the ${s.bands.join(', ')} bands`,
        components: { red: { [red]: 1.0 }, green: { [green]: 1.0 }, blue: { [blue]: 1.0 } },
        scale_range: [...s.range],
      };
    }
    case 'ndvi':
      return {
        name: s.name,
        title: s.title,
        abstract: 'Normalised Difference Vegetation Index',
        index_function: { function: `${BAND_UTILS}.norm_diff`, mapped_bands: true, kwargs: { band1: s.nir, band2: s.red } },
        needed_bands: [s.red, s.nir],
        mpl_ramp: 'RdYlGn',
        range: [-1.0, 1.0],
      };
    case 'ramp':
      return {
        name: s.name,
        title: s.title,
        abstract: `${s.title} (${s.band})`,
        index_function: { function: `${BAND_UTILS}.single_band`, mapped_bands: true, kwargs: { band: s.band } },
        needed_bands: [s.band],
        mpl_ramp: 'terrain',
        range: [...s.range],
      };
  }
}

/** The bands a product's styles read; OWS loads only these (each with no extra aliases). */
export function styleBands(product: ProductSpec): string[] {
  const bands = product.ows.styles.flatMap((s) => (s.kind === 'rgb' ? [...s.bands] : s.kind === 'ndvi' ? [s.red, s.nir] : [s.band]));
  return [...new Set(bands)];
}

/** One OWS layer per product, in a folder; no products, no folder (OWS accepts an empty list). */
export function owsLayers(products: readonly ProductSpec[]): Record<string, unknown>[] {
  if (products.length === 0) return [];
  return [
    {
      title: 'Earth observation',
      abstract: 'Public collections indexed daily into this data cube',
      layers: products.map((p) => {
        const bands = styleBands(p);
        return {
          title: p.title,
          abstract: `${p.title}, indexed from ${p.stac.collection} (${p.stac.catalog})`,
          name: p.name,
          product_name: p.name,
          // Indexed every day: the ranges are read again when used, not cached at start, so each
          // run's new dates show without a restart (datacube-ows docs/cfg_layers.rst, "dynamic").
          dynamic: true,
          bands: Object.fromEntries(bands.map((b) => [b, []])),
          // The products mix UTM zones (or have no storage section): OWS reprojects from this grid.
          native_crs: 'EPSG:4326',
          native_resolution: [p.ows.resolution, -p.ows.resolution],
          image_processing: {
            // The DEM marks nodata as NaN, the reflectance products with a value.
            extent_mask_func: p.ows.nodata === 'nan' ? `${OGC_UTILS}.mask_by_nan` : `${OGC_UTILS}.mask_by_val`,
            always_fetch_bands: [],
            manual_merge: false,
          },
          styling: { default_style: p.ows.styles[0].name, styles: p.ows.styles.map(style) },
        };
      }),
    },
  ];
}

/** The product every OWS layer (at any depth) serves: what `validate` compares with the workflows. */
export function layerProducts(layers: readonly unknown[]): string[] {
  const found: string[] = [];
  const walk = (items: readonly unknown[]) => {
    for (const item of items) {
      if (!item || typeof item !== 'object') continue;
      const layer = item as { product_name?: unknown; product_names?: unknown; layers?: unknown };
      if (typeof layer.product_name === 'string') found.push(layer.product_name);
      if (Array.isArray(layer.product_names)) found.push(...layer.product_names.filter((n): n is string => typeof n === 'string'));
      if (Array.isArray(layer.layers)) walk(layer.layers);
    }
  };
  walk(layers);
  return found;
}
