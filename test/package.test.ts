import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTree, REPO_ROOT, tempDir } from './support/cli.js';

interface PackResult {
  filename: string;
  size: number;
  files: { path: string }[];
}

describe('the published package', () => {
  it('holds only what users need, and `npm exec` of the tarball generates a repository', async () => {
    const out = await tempDir('piksel-pack-');
    const pack = await execa('npm', ['pack', '--json', '--pack-destination', out], { cwd: REPO_ROOT });
    const [result] = JSON.parse(pack.stdout) as PackResult[];
    const paths = result!.files.map((f) => f.path);
    expect(paths).toContain('dist/cli.js');
    expect(paths).toContain('bin/create-piksel-gitops.js');
    expect(paths).toContain('templates/clusters/[cluster]/infrastructure.yaml.hbs');
    const unwanted = paths.filter((p) => /^(src|test|examples|scripts|node_modules|\.ci|\.projen)\//.test(p) || p.endsWith('.ts'));
    expect(unwanted).toEqual([]);
    expect(result!.size).toBeLessThan(1_000_000);
    const manifest = JSON.parse((await execa('tar', ['-xOzf', join(out, result!.filename), 'package/package.json'])).stdout) as Record<string, unknown>;
    expect(manifest.dependencies ?? {}).toEqual({});

    const work = await tempDir('piksel-npx-');
    const run = await execa('npm', ['exec', '--yes', '--package', join(out, result!.filename), '--', 'create-piksel-gitops', 'my-repo', '--yes'], {
      cwd: work,
      env: { CI: 'true', npm_config_cache: join(out, 'npm-cache') },
      reject: false,
    });
    expect(run.exitCode, String(run.stderr)).toBe(0);
    expect(await listTree(join(work, 'my-repo'))).toContain('clusters/development/infrastructure.yaml');
  });
});
