import { describe, expect, it } from 'vitest';
import { CATALOG } from '../src/catalog/index.js';
import { ANSWERS_FILE } from '../src/project/files.js';
import { tempDir } from './support/cli.js';
import {
  hasKubectl,
  hasYamllint,
  kustomizationDirs,
  kustomizeFailures,
  secretLeaks,
  whitespaceProblems,
  yamllintFailures,
  yamlProblems,
} from './support/repo-checks.js';
import { renderTo } from './support/render.js';

if (!hasKubectl) console.warn('SKIPPED: kubectl is not installed, kustomize builds are not checked');
if (!hasYamllint) console.warn('SKIPPED: yamllint is not installed, generated files are not linted');

const APP_SUBSETS = {
  'data apps': ['odc', 'stac', 'terria', 'tileserver'],
  'notebooks and workflows': ['argo', 'jupyterdask', 'monitoring'],
} as const;

type Cloud = 'generic' | 'aws';
type Subset = keyof typeof APP_SUBSETS;

/**
 * GPU on/off × Slack on/off × cloud generic/aws × two app subsets, covered pairwise: every value
 * of each switch meets every value of every other switch in some row (a covering array of five
 * rows instead of the sixteen of the full product; the switches' templates do not reach into
 * each other further than pairs).
 */
const PAIRWISE: readonly (readonly [gpu: boolean, slack: boolean, cloud: Cloud, subset: Subset])[] = [
  [false, false, 'generic', 'data apps'],
  [false, true, 'aws', 'notebooks and workflows'],
  [true, false, 'aws', 'notebooks and workflows'],
  [true, true, 'generic', 'notebooks and workflows'],
  [true, true, 'aws', 'data apps'],
];

const MATRIX = PAIRWISE.map(([gpu, slack, cloud, subset]) => ({
  title: `gpu ${gpu ? 'on' : 'off'}, slack ${slack ? 'on' : 'off'}, ${cloud}, ${subset}`,
  switches: [gpu, slack, cloud, subset] as const,
  raw: {
    gpu: { enabled: gpu },
    slack: { enabled: slack },
    clusters: [
      {
        name: 'development',
        cloud,
        ...(cloud === 'aws' ? { aws: { serviceAccountRoles: { argo: 'arn:aws:iam::111122223333:role/argo', jupyterhub: 'arn:aws:iam::111122223333:role/hub' } } } : {}),
      },
    ],
    components: { apps: [...APP_SUBSETS[subset]] },
  },
}));

it('the matrix covers every pair of switch values', () => {
  const values = [[false, true], [false, true], ['generic', 'aws'], Object.keys(APP_SUBSETS)] as const;
  for (let a = 0; a < values.length; a++)
    for (let b = a + 1; b < values.length; b++)
      for (const x of values[a]!)
        for (const y of values[b]!) expect(MATRIX.some((m) => m.switches[a] === x && m.switches[b] === y), `switch ${a} = ${String(x)} with switch ${b} = ${String(y)}`).toBe(true);
});

const CASES = [{ title: 'defaults (--yes)', raw: {} }, ...MATRIX];

describe.each(CASES)('generated repository: $title', ({ raw }) => {
  it('parses, lints, builds, and leaks nothing', async () => {
    const dir = await tempDir();
    const { files, selection } = await renderTo(dir, raw);
    expect(yamlProblems(files)).toEqual([]);
    expect(whitespaceProblems(files)).toEqual([]);
    expect(secretLeaks(files)).toEqual([]);
    if (hasYamllint) expect(await yamllintFailures(dir)).toEqual([]);
    if (hasKubectl) expect(await kustomizeFailures(dir, kustomizationDirs(files))).toEqual([]);

    // A component that is off leaves no file and no reference behind: no file of its own, no
    // kustomization entry or link naming its file or folder, no object in its namespace.
    const namespacesInUse = new Set(selection.components.map((c) => c.namespace));
    for (const off of CATALOG.filter((c) => !selection.names.has(c.name))) {
      const reference = new RegExp(`(^|[\\s/(\\[\`])${off.name}(\\.yaml|/|$)|^\\s+- ${off.name}$`, 'm');
      const ownNamespace = namespacesInUse.has(off.namespace) || off.namespace === 'flux-system' ? undefined : new RegExp(`namespace: ${off.namespace}$`, 'm');
      const mentions = [...files]
        .filter(([path, text]) => path !== ANSWERS_FILE && (path.split('/').includes(off.name) || path.endsWith(`/${off.name}.yaml`) || reference.test(text) || ownNamespace?.test(text)))
        .map(([p]) => p);
      expect(mentions, `${off.name} is off but referenced`).toEqual([]);
    }
  });
});
