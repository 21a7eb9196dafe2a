import { execa } from 'execa';
import { cp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listTree, runCli, tempDir } from './support/cli.js';
import { runMain } from './support/main.js';
import { kustomizationDirs, kustomizeFailures, hasKubectl, hasYamllint, yamllintFailures } from './support/repo-checks.js';
import { patchedTemplates, V2_EDITS } from './support/templates.js';

const git = (cwd: string, ...args: string[]) => execa('git', args, { cwd }).then((r) => r.stdout);
const read = (dir: string, path: string) => readFile(join(dir, path), 'utf8');
const edit = async (dir: string, path: string, from: string, to: string) => {
  const text = await read(dir, path);
  if (!text.includes(from)) throw new Error(`${path} has no '${from}'`);
  await writeFile(join(dir, path), text.replace(from, to));
};
const commitAll = (dir: string, message: string) => git(dir, 'commit', '-qam', message);

/** Generated repositories (real CLI, --yes), made once per set of arguments in this file and copied per test. */
const generated = new Map<string, Promise<string>>();
async function generate(args: string[] = []): Promise<string> {
  const key = args.join('\n');
  if (!generated.has(key))
    generated.set(
      key,
      (async () => {
        const dir = join(await tempDir(), 'repo');
        const run = await runCli([dir, '--yes', ...args]);
        expect(run.exitCode, run.stderr).toBe(0);
        return dir;
      })(),
    );
  const copy = join(await tempDir(), 'repo');
  await cp(await generated.get(key)!, copy, { recursive: true });
  return copy;
}

/** Every file's bytes, except git internals (for "nothing changed" assertions). */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const paths = (await listTree(dir)).filter((p) => !p.startsWith('.git'));
  const files = await Promise.all(paths.map(async (p) => [p, await read(dir, p).catch(() => '<dir>')] as const));
  return new Map(files);
}

let v2: string;
beforeAll(async () => {
  v2 = await patchedTemplates(V2_EDITS);
});

describe('the merge base .piksel/base.yaml', () => {
  it("trips none of the repository's own checks: yamllint skips it, git marks it generated and shows no diff", async () => {
    const dir = await generate();
    const base = await read(dir, '.piksel/base.yaml');
    // The base keeps every generated file exactly, so some of its lines exceed yamllint's 200.
    expect(Math.max(...base.split('\n').map((l) => l.length))).toBeGreaterThan(200);
    if (hasYamllint) expect(await yamllintFailures(dir)).toEqual([]);
    const attributes = await git(dir, 'check-attr', 'linguist-generated', 'diff', '--', '.piksel/base.yaml');
    expect(attributes.split('\n')).toEqual(['.piksel/base.yaml: linguist-generated: set', '.piksel/base.yaml: diff: unset']);
  });
});

// Most upgrade runs go through main() in this process; the two marked end-to-end run the built CLI.
describe('re-run', () => {
  it('with nothing new is a no-op: no file changes, no commit', async () => {
    const dir = await generate();
    const before = await snapshot(dir);
    const run = await runMain([dir]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/already up to date/);
    expect(await snapshot(dir)).toEqual(before);
    expect((await git(dir, 'log', '--oneline')).split('\n')).toHaveLength(1);
  });

  it('refuses a dirty tree unless --allow-dirty, and says why', async () => {
    const dir = await generate();
    await edit(dir, 'README.md', '# repo', '# our platform');
    const refused = await runMain([dir]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/uncommitted changes.*reviewed and undone.*--allow-dirty/);
    const allowed = await runMain([dir, '--allow-dirty', '--no-git']);
    expect(allowed.exitCode, allowed.stderr).toBe(0);
  });

  it('applies template changes and keeps edits far from them (end-to-end)', async () => {
    const dir = await generate();
    await edit(dir, 'infrastructure/controllers/cert-manager.yaml', '      retryInterval: 2m\n  upgrade:', '      retryInterval: 5m # ours\n  upgrade:');
    await edit(dir, 'infrastructure/controllers/envoy-gateway.yaml', '  interval: 12h\n', '  interval: 6h # ours\n');
    await commitAll(dir, 'hand edits');
    const run = await runCli([dir, '--templates', v2]);
    expect(run.exitCode, run.stderr).toBe(0);
    const certManager = await read(dir, 'infrastructure/controllers/cert-manager.yaml');
    expect(certManager).toContain('retryInterval: 5m # ours');
    expect(certManager).toContain('  interval: 20m\n');
    expect(certManager).toContain('    prometheus:\n      enabled: true\n');
    const edge = await read(dir, 'infrastructure/controllers/envoy-gateway.yaml');
    expect(edge).toContain('interval: 6h # ours');
    expect(edge).toContain('  timeout: 10m\n');
    expect(run.stderr).toMatch(/M infrastructure\/controllers\/cert-manager\.yaml\s+merged/);
    expect(await git(dir, 'log', '-1', '--format=%s')).toMatch(/^Upgrade repo to /);
    expect(await git(dir, 'status', '--porcelain')).toBe('');
  });

  it('marks a real conflict (an edit of the same line), lists it and exits 3 without committing (end-to-end)', async () => {
    const dir = await generate();
    await edit(dir, 'infrastructure/controllers/cert-manager.yaml', '  interval: 30m\n', '  interval: 2h\n');
    await commitAll(dir, 'slower');
    const run = await runCli([dir, '--templates', v2]);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/conflicts in 1 file.*\n.*infrastructure\/controllers\/cert-manager\.yaml/);
    const text = await read(dir, 'infrastructure/controllers/cert-manager.yaml');
    expect(text).toMatch(/<<<<<<< yours\n  interval: 2h\n\|\|\|\|\|\|\| generated by create-piksel-gitops [^\n]+\n  interval: 30m\n=======\n  interval: 20m\n>>>>>>> create-piksel-gitops/);
    expect(text).toContain('    prometheus:\n      enabled: true\n'); // the clean hunk still applied
    expect((await git(dir, 'log', '--oneline')).split('\n')).toHaveLength(2);

    // Left unresolved, the markers are neither kept as "your edit" by a re-run nor passed by validate.
    const again = await runCli([dir, '--templates', v2, '--allow-dirty']);
    expect(again.exitCode).toBe(2);
    expect(again.stderr).toMatch(/still have conflict markers.*\n.*infrastructure\/controllers\/cert-manager\.yaml/);
    const validate = await runCli(['validate', dir]);
    expect(validate.exitCode).toBe(1);
    expect(validate.stdout).toMatch(/infrastructure\/controllers\/cert-manager\.yaml:\d+: error \[yaml\] unresolved merge conflict/);
  });

  it('changed answers (GPU on, Slack channel) merge with edits elsewhere in the same files', async () => {
    const dir = await generate(['--set', 'gpu.enabled=false']);
    await edit(dir, 'infrastructure/controllers/notifications.yaml', 'spec:\n', 'spec:\n  timeout: 30s\n');
    await edit(dir, 'infrastructure/controllers/kustomization.yaml', 'resources:\n', 'commonLabels:\n  team: geo\nresources:\n');
    await commitAll(dir, 'edits');
    const run = await runMain([dir, '--set', 'gpu.enabled=true', '--set', 'slack.channel=ops']);
    expect(run.exitCode, run.stderr).toBe(0);
    const provider = await read(dir, 'infrastructure/controllers/notifications.yaml');
    expect(provider).toContain('timeout: 30s');
    expect(provider).toMatch(/channel: "?ops"?/);
    const kustomization = await read(dir, 'infrastructure/controllers/kustomization.yaml');
    expect(kustomization).toContain('team: geo');
    expect(kustomization).toContain('- nvidia-device-plugin.yaml');
    expect(await listTree(dir)).toContain('infrastructure/controllers/nvidia-device-plugin.yaml');
  });

  it('turning a component off removes its unmodified files and keeps a modified one, reported', async () => {
    const dir = await generate();
    await edit(dir, 'apps/base/terria/kustomization.yaml', 'resources:\n', '# ours\nresources:\n');
    await commitAll(dir, 'edit terria');
    const run = await runMain([dir, '--set', 'components.apps=[argo, jupyterhub, jupyterdask, monitoring, odc, stac, tileserver]']);
    expect(run.exitCode, run.stderr).toBe(0);
    const tree = await listTree(dir);
    expect(tree).toContain('apps/base/terria/kustomization.yaml');
    expect(tree.filter((p) => p.startsWith('apps/development/terria/') || (p.startsWith('apps/base/terria/') && !p.endsWith('kustomization.yaml')))).toEqual([]);
    expect(run.stderr).toMatch(/O apps\/base\/terria\/kustomization\.yaml\s+kept, no longer generated/);
    expect(await read(dir, 'apps/development/kustomization.yaml')).not.toMatch(/\bterria\b/);
    // The kept kustomization lists files that are gone: the upgrade says so instead of staying silent.
    expect(run.stderr).toMatch(/validate` reports errors in files you changed[\s\S]*apps\/base\/terria\/kustomization\.yaml/);
  });

  it('a generated file the user deleted stays deleted, and --restore-deleted brings it back', async () => {
    const dir = await generate();
    await rm(join(dir, 'clusters/development/README.md'));
    await commitAll(dir, 'no readme');
    const run = await runMain([dir, '--templates', v2]);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/X clusters\/development\/README\.md\s+left deleted/);
    expect(await listTree(dir)).not.toContain('clusters/development/README.md');
    const restored = await runMain([dir, '--restore-deleted']);
    expect(restored.exitCode, restored.stderr).toBe(0);
    expect(await listTree(dir)).toContain('clusters/development/README.md');
  });

  it('works the same in a fresh clone (the merge base travels with the repository)', async () => {
    const origin = await generate();
    await edit(origin, 'infrastructure/controllers/cert-manager.yaml', '      retryInterval: 2m\n  upgrade:', '      retryInterval: 5m # ours\n  upgrade:');
    await commitAll(origin, 'edit');
    const clone = join(await tempDir(), 'clone');
    await execa('git', ['clone', '-q', origin, clone]);
    const run = await runMain([clone, '--templates', v2]);
    expect(run.exitCode, run.stderr).toBe(0);
    const text = await read(clone, 'infrastructure/controllers/cert-manager.yaml');
    expect(text).toContain('retryInterval: 5m # ours');
    expect(text).toContain('interval: 20m');
  });

  it('--dry-run prints the plan with diffs and writes nothing', async () => {
    const dir = await generate();
    const before = await snapshot(dir);
    const run = await runMain([dir, '--templates', v2, '--dry-run']);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/U infrastructure\/controllers\/cert-manager\.yaml\s+updated/);
    expect(run.stderr).toContain('-  interval: 30m\n+  interval: 20m');
    expect(await snapshot(dir)).toEqual(before);
  });

  it('--json gives the plan machine-readable', async () => {
    const dir = await generate();
    const run = await runMain([dir, '--templates', v2, '--dry-run', '--json']);
    const summary = JSON.parse(run.stdout) as { plan: { files: { path: string; outcome: string }[] } };
    expect(summary.plan.files.find((f) => f.path === 'infrastructure/controllers/cert-manager.yaml')?.outcome).toBe('updated');
  });
});

describe('adding a cluster', () => {
  it('adds clusters/staging and apps/staging, leaves development byte-identical, and builds', async () => {
    const dir = await generate();
    const before = await snapshot(dir);
    const run = await runMain([dir, '--cluster', 'staging', '--yes']);
    expect(run.exitCode, run.stderr).toBe(0);
    const after = await snapshot(dir);
    for (const [path, text] of before)
      if (path.startsWith('clusters/development/') || path.startsWith('apps/development/') || path.startsWith('apps/base/') || path.startsWith('infrastructure/'))
        expect(after.get(path), path).toBe(text);
    expect(after.get('clusters/staging/apps.yaml')).toContain('path: ./apps/staging');
    expect(after.get('apps/staging/argo/httproute.yaml')).toContain('argo.staging.piksel.example.org');
    expect(await git(dir, 'log', '-1', '--format=%s')).toMatch(/^Add cluster staging/);
    if (hasKubectl) expect(await kustomizeFailures(dir, kustomizationDirs(after).filter((d) => !d.startsWith('.piksel')))).toEqual([]);
  });
});
