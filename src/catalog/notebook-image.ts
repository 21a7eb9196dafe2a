import type { ImageSpec } from './component.js';

/**
 * pangeo-notebook: JupyterLab with the Pangeo geoscience stack (odc-stac, rasterio, xarray) and the
 * dask-gateway client. The notebooks run it, and so do their Dask schedulers and workers: a task
 * built in a notebook unpickles on a worker only where the same packages are (pangeo-docker-images
 * README, "Dask-gateway compatibility": the images are made to run on dask-gateway).
 */
export const NOTEBOOK_IMAGE = {
  name: 'docker.io/pangeo/pangeo-notebook',
  tag: '2026.06.04',
  source: 'pangeo-data/pangeo-docker-images: date tags (Docker Hub pangeo/pangeo-notebook)',
} as const satisfies ImageSpec;
