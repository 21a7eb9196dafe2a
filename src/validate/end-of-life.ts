import type { EndOfLife } from '../catalog/component.js';
import { CATALOG } from '../catalog/index.js';
import { getPath, groupOf, isMap, kindOf, objectLabel, specOf, str } from './objects.js';
import type { Finding, KubeObject, SourceDoc } from './types.js';
import { lineOfPath } from './yaml.js';

/** What the catalog knows to be end of life: charts by name and repository, images by name. */
interface Retired {
  readonly what: string;
  readonly endOfLife: EndOfLife;
}

const RETIRED_CHARTS = CATALOG.flatMap((c) => Object.values(c.charts)).filter((chart) => chart.endOfLife);
const RETIRED_IMAGES = CATALOG.flatMap((c) => Object.values(c.images ?? {})).filter((image) => image.endOfLife);

const chartNamed = (name: string | undefined): Retired | undefined => {
  const chart = RETIRED_CHARTS.find((c) => c.chart === name);
  return chart && { what: `chart ${chart.chart}`, endOfLife: chart.endOfLife! };
};

const sourceAt = (url: string | undefined): Retired | undefined => {
  const chart = RETIRED_CHARTS.find((c) => c.repositoryUrl.replace(/\/$/, '') === url?.replace(/\/$/, ''));
  return chart && { what: `the ${chart.chart} chart repository`, endOfLife: chart.endOfLife! };
};

const imageOf = (ref: string): Retired | undefined => {
  const image = RETIRED_IMAGES.find((i) => ref === i.name || ref.startsWith(`${i.name}:`) || ref.startsWith(`${i.name}@`));
  return image && { what: `image ${image.name}`, endOfLife: image.endOfLife! };
};

/** Container lists of a workload's pod template (or a Pod's own spec). */
function containerImages(object: KubeObject): { path: (string | number)[]; image: string }[] {
  const spec = specOf(object);
  const podPath = kindOf(object) === 'Pod' ? ['spec'] : kindOf(object) === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template', 'spec'] : ['spec', 'template', 'spec'];
  const pod = getPath({ spec }, podPath);
  return ['containers', 'initContainers'].flatMap((list) => {
    const containers = isMap(pod) && Array.isArray(pod[list]) ? (pod[list] as unknown[]) : [];
    return containers.flatMap((c, i) => (isMap(c) && str(c.image) ? [{ path: [...podPath, list, i, 'image'], image: str(c.image)! }] : []));
  });
}

/**
 * What is deployed that its upstream no longer maintains (no releases, no security fixes): a
 * warning naming the successor. Found by the catalog's own knowledge, so a repository that was
 * generated long ago, or written by hand, hears it too.
 */
export function checkEndOfLife(doc: SourceDoc & { value: KubeObject }): Finding[] {
  const object = doc.value;
  const group = groupOf(object);
  const kind = kindOf(object);
  const found: { retired: Retired; path: (string | number)[] }[] = [];
  if (group === 'helm.toolkit.fluxcd.io' && kind === 'HelmRelease') {
    const retired = chartNamed(str(getPath(object, ['spec', 'chart', 'spec', 'chart'])));
    if (retired) found.push({ retired, path: ['spec', 'chart', 'spec', 'chart'] });
  }
  if (group === 'source.toolkit.fluxcd.io' && (kind === 'HelmRepository' || kind === 'OCIRepository')) {
    const retired = sourceAt(str(getPath(object, ['spec', 'url'])));
    if (retired) found.push({ retired, path: ['spec', 'url'] });
  }
  for (const { path, image } of containerImages(object)) {
    const retired = imageOf(image);
    if (retired) found.push({ retired, path });
  }
  return found.map(({ retired, path }) => ({
    severity: 'warning',
    check: 'api-version',
    file: doc.file,
    line: lineOfPath(doc, path),
    object: objectLabel(object),
    message: `${retired.what} is end of life since ${retired.endOfLife.since}: no more releases or security fixes (${retired.endOfLife.source})`,
    hint: `move to ${retired.endOfLife.successor}`,
  }));
}
