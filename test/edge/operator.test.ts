import { describe, expect, it } from 'vitest';
import { bootstrap, scenario } from '../bootstrap/setup.js';

interface FluxInstance {
  readonly kind: string;
  readonly metadata: { name: string; namespace: string };
  readonly spec: { distribution: { version: string }; sync: { kind: string; url: string; ref: string; path: string; pullSecret?: string } };
}

describe('bootstrap --method operator', { timeout: 60_000 }, () => {
  it('installs the Flux Operator and a FluxInstance syncing the same repository and path, instead of flux bootstrap; the token only on stdin', async () => {
    const s = await scenario({ remote: 'empty' });
    const result = await bootstrap([s.dir, '--yes', '--method', 'operator'], s.env());
    expect(result.error, result.output).toBeUndefined();
    const calls = await s.fakes.calls();
    // No flux bootstrap; the operator from its pinned release manifest, rolled out before the instance.
    expect(calls.some((c) => c.tool === 'flux' && c.args[0] === 'bootstrap')).toBe(false);
    const kubectl = calls.filter((c) => c.tool === 'kubectl').map((c) => c.args.slice(1, 3).join(' '));
    const install = kubectl.indexOf('apply --server-side');
    expect(calls.find((c) => c.args.some((a) => a.startsWith('--filename=https://')))!.args).toContain(
      '--filename=https://github.com/controlplaneio-fluxcd/flux-operator/releases/download/v0.58.1/install.yaml',
    );
    expect(kubectl.indexOf('rollout status')).toBeGreaterThan(install);
    const applied = calls.filter((c) => c.tool === 'kubectl' && c.stdin.includes('"FluxInstance"'));
    expect(applied).toHaveLength(1);
    const instance = JSON.parse(applied[0]!.stdin) as FluxInstance;
    expect(instance.metadata).toEqual({ name: 'flux', namespace: 'flux-system' });
    expect(instance.spec.distribution.version).toBe('2.9.x');
    expect(instance.spec.sync).toEqual({
      kind: 'GitRepository',
      url: 'https://github.com/piksel-ina/piksel-gitops.git',
      ref: 'refs/heads/main',
      path: 'clusters/development',
      pullSecret: 'flux-system',
    });
    // Waited for after it is applied (the Secrets the apps need are created after that).
    const order = calls.filter((c) => c.tool === 'kubectl');
    expect(order.findIndex((c) => c.args[1] === 'wait' && c.args[2] === 'fluxinstance/flux')).toBeGreaterThan(order.indexOf(applied[0]!));
    // The pull Secret carries the token, on stdin only; no argv, output or summary has it.
    const pull = calls.find((c) => c.tool === 'kubectl' && c.stdin.includes('"Secret"') && c.stdin.includes('"flux-system","namespace":"flux-system"'))!;
    expect(JSON.parse(pull.stdin).stringData).toEqual({ username: 'x-access-token', password: s.token });
    expect(calls.flatMap((c) => c.args).join('\n')).not.toContain(s.token);
    expect(result.output).not.toContain(s.token);
    expect(JSON.stringify(result.summary)).not.toContain(s.token);
  });

  it('--dry-run lists the operator steps, secrets as a description', async () => {
    const s = await scenario({ remote: 'empty' });
    const result = await bootstrap([s.dir, '--dry-run', '--method', 'operator'], s.env());
    expect(result.error, result.output).toBeUndefined();
    const commands = result.summary!.commands.join('\n');
    expect(commands).toContain('releases/download/v0.58.1/install.yaml');
    expect(commands).toMatch(/FluxInstance flux-system\/flux: Flux 2\.9\.x, syncing clusters\/development/);
    expect(commands).not.toMatch(/flux bootstrap/);
    expect(commands).not.toContain(s.token);
  });

  it('refuses a repository it cannot create, and an SSH URL, each with what to do', async () => {
    const missing = await scenario({ remote: 'missing' });
    const failed = await bootstrap([missing.dir, '--yes', '--method', 'operator'], missing.env());
    expect(failed.error?.message).toMatch(/does not create repositories: create it/);
    expect((await missing.fakes.calls()).some((c) => c.tool === 'kubectl' && c.stdin.includes('FluxInstance'))).toBe(false);

    const ssh = await scenario({ remote: 'empty', sets: ['repository.provider=git', 'repository.url=ssh://git@git.example.org/platform/gitops.git'] });
    const refused = await bootstrap([ssh.dir, '--yes', '--method', 'operator'], ssh.env({ GIT_PASSWORD: 'x' }));
    expect(refused.error?.message).toMatch(/--method operator pulls over HTTPS.*set repository\.url to its https:\/\/ address/);
    expect(await ssh.fakes.calls()).toEqual([]);
  });

  it('takes only bootstrap or operator', async () => {
    const s = await scenario({ remote: 'empty' });
    const result = await bootstrap([s.dir, '--yes', '--method', 'helm'], s.env());
    expect(result.error?.message).toMatch(/--method helm: use bootstrap .* or operator/);
  });
});
