import { templateRoots, type ComponentSpec } from '../catalog/component.js';

/** One Renovate group: every dependency in a component's files moves in one pull request. */
export interface RenovateGroup {
  readonly name: string;
  /** Globs of the component's generated files (Renovate's `matchFileNames`). */
  readonly files: readonly string[];
}

/**
 * A component's template roots as globs over the generated repository: a folder is everything
 * under it, an environment overlay is any environment's.
 */
const outputGlob = (root: string): string =>
  root.replace('[environment]', '*').replace(/\/$/, '/**').replace(/\.hbs$/, '');

/**
 * renovate.json's groups, from the catalog: one per component that pins something, so a pull
 * request bumps one app (its chart, its images, its schema Job's image) and can be reviewed and
 * reverted on its own.
 */
export function renovateGroups(components: readonly ComponentSpec[]): RenovateGroup[] {
  return components
    .filter((c) => Object.keys(c.charts).length > 0 || Object.keys(c.images ?? {}).length > 0)
    .map((c) => ({ name: c.name, files: templateRoots(c).map(outputGlob) }));
}
