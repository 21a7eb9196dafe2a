import { execa } from 'execa';
import { cp, readFile, symlink } from 'node:fs/promises';
import { dirname, join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTree, REPO_ROOT, tempDir } from './support/cli.js';

interface PackResult {
  filename: string;
  size: number;
  files: { path: string }[];
}

/** The relative modules a bundled file imports, statically or with `import()`. */
const relativeImports = (code: string) => [...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.\.?\/[^"']+)["']/g)].map((m) => m[1]!);

describe('the published package', () => {
  it('is built by npm itself before packing (a clean checkout has no dist/), and says where it comes from', async () => {
    const manifest = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, any>;
    expect(manifest.scripts.prepack).toBe('projen prepack');
    const tasks = JSON.parse(await readFile(join(REPO_ROOT, '.projen', 'tasks.json'), 'utf8')) as Record<string, any>;
    expect(tasks.tasks.prepack.steps).toEqual([{ spawn: 'compile' }]);
    expect(manifest.repository).toEqual({ type: 'git', url: 'https://github.com/piksel-ina/create-piksel-gitops.git' });
    expect(manifest.homepage).toBe('https://github.com/piksel-ina/create-piksel-gitops#readme');
    expect(manifest.bugs).toEqual({ url: 'https://github.com/piksel-ina/create-piksel-gitops/issues' });
    expect(manifest.keywords).toEqual(expect.arrayContaining(['flux', 'gitops', 'kubernetes']));
  });

  it('holds only what users need, and `npm exec` of the tarball generates a repository', async () => {
    const out = await tempDir('piksel-pack-');
    // Packed from a copy: prepack rebuilds dist/ (removing it first), which would pull the CLI
    // from under the tests of other files running at the same time.
    const checkout = join(await tempDir('piksel-checkout-'), 'create-piksel-gitops');
    await cp(REPO_ROOT, checkout, { recursive: true, filter: (path) => !/^(node_modules|dist|\.git)$/.test(relative(REPO_ROOT, path)) });
    await symlink(join(REPO_ROOT, 'node_modules'), join(checkout, 'node_modules'));
    // Its own temp folder: the build's tools keep caches there (tsx's tsx-<uid>/), gone with the test's.
    const pack = await execa('npm', ['pack', '--json', '--pack-destination', out], { cwd: checkout, env: { TMPDIR: await tempDir('piksel-pack-tmp-') } });
    // prepack (the build) prints its progress first; the report is the JSON array after it.
    const [result] = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[/m))) as PackResult[];
    const tarball = join(out, result!.filename);
    const paths = result!.files.map((f) => f.path);
    expect(paths).toContain('bin/create-piksel-gitops.js');
    expect(paths).toContain('templates/clusters/[cluster]/infrastructure.yaml.hbs');
    // The bundle: one CommonJS file (bin/ keeps V8's compiled code beside it, never packed).
    const dist = paths.filter((p) => p.startsWith('dist/'));
    expect(dist).toEqual(['dist/cli.cjs']);
    const unwanted = paths.filter((p) => /^(src|test|examples|scripts|node_modules|\.ci|\.projen)\//.test(p) || p.endsWith('.ts'));
    expect(unwanted).toEqual([]);
    expect(result!.size).toBeLessThan(1_000_000);
    const manifest = JSON.parse((await execa('tar', ['-xOzf', tarball, 'package/package.json'])).stdout) as Record<string, unknown>;
    expect(manifest.dependencies ?? {}).toEqual({});

    // Every file a shipped file loads is in the tarball (bin/ loads the bundle by its URL).
    const unpacked = await tempDir('piksel-unpacked-');
    await execa('tar', ['-xzf', tarball, '-C', unpacked]);
    for (const file of [...dist, 'bin/create-piksel-gitops.js']) {
      const code = await readFile(join(unpacked, 'package', file), 'utf8');
      const missing = relativeImports(code)
        .map((specifier) => posix.join(dirname(file), specifier))
        .filter((target) => !paths.includes(target));
      expect(missing, `${file} imports files the package lacks`).toEqual([]);
    }

    const work = await tempDir('piksel-npx-');
    const run = await execa('npm', ['exec', '--yes', '--package', tarball, '--', 'create-piksel-gitops', 'my-repo', '--yes'], {
      cwd: work,
      env: { CI: 'true', npm_config_cache: join(out, 'npm-cache') },
      reject: false,
    });
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(await listTree(join(work, 'my-repo'))).toContain('clusters/development/infrastructure.yaml');
    expect(await readFile(join(unpacked, 'package', 'bin', 'create-piksel-gitops.js'), 'utf8')).toContain("'../dist/cli.cjs'");
  });
});
