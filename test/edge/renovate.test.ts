import { execa } from 'execa';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';
import { runMain } from '../support/main.js';
import { parseAnswers } from '../../src/answers/load.js';
import { selectComponents } from '../../src/catalog/selection.js';
import { render } from '../support/render.js';
import { patchedTemplates } from '../support/templates.js';

const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd }).then((r) => r.stdout);
const read = (dir: string, path: string) => readFile(join(dir, path), 'utf8');

interface RenovateConfig {
  readonly flux: { readonly managerFilePatterns: readonly string[] };
  readonly kubernetes: { readonly managerFilePatterns: readonly string[] };
  readonly packageRules: readonly { readonly matchFileNames: readonly string[]; readonly groupName: string }[];
}

/** Renovate's `/regex/` patterns, as Renovate reads them. */
const matches = (patterns: readonly string[], path: string) => patterns.some((p) => new RegExp(p.slice(1, -1)).test(path));

/** A minimatch-style glob of matchFileNames (`*` one segment, `**` any), enough for the globs we write. */
const globMatches = (glob: string, path: string) =>
  new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\0').replace(/\*/g, '[^/]*').replace(/\0/g, '.*')}$`).test(path);

describe('renovate.json', () => {
  it("lets Renovate's flux manager see every HelmRelease and OCIRepository file, and its kubernetes manager every image in a manifest", async () => {
    const { files } = await render();
    const config = JSON.parse(files.get('renovate.json')!) as RenovateConfig;
    const withFlux = [...files].filter(([p, t]) => p.endsWith('.yaml') && /^kind: (HelmRelease|OCIRepository|HelmRepository)\n/m.test(t) && !p.startsWith('.piksel/'));
    expect(withFlux.length).toBeGreaterThan(5);
    for (const [path] of withFlux) expect(matches(config.flux.managerFilePatterns, path), path).toBe(true);
    const withImages = [...files].filter(([p, t]) => p.endsWith('.yaml') && /^\s+image: \S+:\S+/m.test(t) && !p.startsWith('.piksel/'));
    expect(withImages.length).toBeGreaterThan(5);
    for (const [path] of withImages) expect(matches(config.kubernetes.managerFilePatterns, path), path).toBe(true);
    // Neither the merge base nor bootstrap's files.
    expect(matches(config.flux.managerFilePatterns, '.piksel/base.yaml')).toBe(false);
  });

  it('sees every image the catalog pins: in a manifest (kubernetes manager) or as image.name/tag in HelmRelease values (the regex manager)', async () => {
    const { files } = await render();
    const config = JSON.parse(files.get('renovate.json')!) as RenovateConfig & {
      customManagers: { managerFilePatterns: string[]; matchStrings: string[] }[];
    };
    const seen = new Set<string>();
    for (const [path, text] of files) {
      if (matches(config.kubernetes.managerFilePatterns, path)) for (const m of text.matchAll(/^\s+(?:- )?image: "?([^\s":]+):([^\s"]+)"?$/gm)) seen.add(`${m[1]}:${m[2]}`);
      for (const manager of config.customManagers)
        if (matches(manager.managerFilePatterns, path))
          for (const pattern of manager.matchStrings) for (const m of text.matchAll(new RegExp(pattern, 'g'))) seen.add(`${m.groups!.depName}:${m.groups!.currentValue}`);
    }
    const pinned = selectComponents(parseAnswers({})).components.flatMap((c) => Object.values(c.images ?? {}).map((i) => `${i.name}:${i.tag}`));
    expect(pinned.length).toBeGreaterThan(5);
    for (const image of pinned) expect(seen, image).toContain(image);
  });

  it('groups updates so that one pull request bumps one component: every pinned file belongs to exactly one group', async () => {
    const { files } = await render();
    const config = JSON.parse(files.get('renovate.json')!) as RenovateConfig;
    const pinned = [...files.keys()].filter((p) => /^(apps|infrastructure)\//.test(p) && /(version|tag): "?[\w.-]+"?\n|image: \S+:\S+/.test(files.get(p)!));
    expect(pinned.length).toBeGreaterThan(5);
    for (const path of pinned) {
      const groups = config.packageRules.filter((r) => r.matchFileNames.some((g) => globMatches(g, path))).map((r) => r.groupName);
      expect(groups, path).toHaveLength(1);
    }
    expect(config.packageRules.map((r) => r.groupName)).toEqual(expect.arrayContaining(['envoy-gateway', 'odc', 'stac', 'jupyterhub']));
  });
});

describe('a version bumped by Renovate and then by a template upgrade to the same value', () => {
  async function renovated(): Promise<string> {
    const dir = join(await tempDir(), 'repo');
    const made = await runMain([dir, '--yes']);
    expect(made.exitCode, made.stderr).toBe(0);
    // What Renovate's pull request changes: the version value, nothing else.
    for (const [path, from, to] of [
      ['infrastructure/controllers/nvidia-device-plugin.yaml', 'version: "0.20.1"', 'version: "0.20.2"'],
      ['infrastructure/controllers/envoy-gateway.yaml', 'tag: "v1.9.0"', 'tag: "v1.9.1"'],
    ] as const) {
      const text = await read(dir, path);
      expect(text).toContain(from);
      await writeFile(join(dir, path), text.replace(from, to));
    }
    await git(dir, 'commit', '-qam', 'chore(deps): update nvidia-device-plugin to 0.20.2, envoy-gateway to v1.9.1');
    return dir;
  }

  it('merges cleanly, alone or beside other template changes close to it, and leaves nothing to do after', async () => {
    const dir = await renovated();
    const v2 = await patchedTemplates({
      // A HelmRepository chart's version line…
      'infrastructure/controllers/nvidia-device-plugin.yaml.hbs': [
        ['version: {{quote charts.devicePlugin.version}}', 'version: "0.20.2"'],
        // …with another change of the same release four lines below it.
        ['      interval: 12h\n', '      interval: 6h\n'],
      ],
      // …and an OCIRepository's tag (the partial every OCI chart shares; only Envoy Gateway's moves).
      '_partials/oci-repository.hbs': [['tag: {{quote chart.version}}', 'tag: {{#if (eq chart.repositoryName "gateway-helm")}}"v1.9.1"{{else}}{{quote chart.version}}{{/if}}']],
    });
    const run = await runMain([dir, '--templates', v2]);
    expect(run.exitCode, run.stderr).toBe(0);
    const plugin = await read(dir, 'infrastructure/controllers/nvidia-device-plugin.yaml');
    expect(plugin).toContain('version: "0.20.2"');
    expect(plugin).toContain('      interval: 6h\n');
    expect(plugin).not.toMatch(/^(<<<<<<<|=======|>>>>>>>)/m);
    expect(await read(dir, 'infrastructure/controllers/envoy-gateway.yaml')).toContain('tag: "v1.9.1"');
    expect(await git(dir, 'status', '--porcelain')).toBe('');
    const again = await runMain([dir, '--templates', v2]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/already up to date/);
  });
});
