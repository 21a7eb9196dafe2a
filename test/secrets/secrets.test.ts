import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { secretInventory, secretId } from '../../src/secrets/inventory.js';
import { listTree, runCli } from '../support/cli.js';
import { scriptedPrompts } from '../support/prompts.js';
import { bootstrap, scenario, secrets, type Scenario } from '../bootstrap/setup.js';

const ADMIN = { PIKSEL_DB_ADMIN_USERNAME: 'piksel_admin', PIKSEL_DB_ADMIN_PASSWORD: `pw-${Math.random().toString(36).slice(2)}-${Date.now()}` };

async function inventoryOf(s: Scenario) {
  const { parse } = await import('yaml');
  return secretInventory(parseAnswers(parse(await readFile(join(s.dir, 'piksel-answers.yaml'), 'utf8'))));
}

const generatedIds = async (s: Scenario) => (await inventoryOf(s)).filter((x) => x.source.kind === 'generated').map(secretId).sort();
const kubectlCalls = async (s: Scenario, verb: string) => (await s.fakes.calls()).filter((c) => c.tool === 'kubectl' && c.args[1] === verb);

describe('Secrets: create what is missing, keep what exists, rotate on purpose', { timeout: 120_000 }, () => {
  it('a first bootstrap creates every generated Secret (groups agree, ≥ 32 random characters); a second run creates none', async () => {
    const s = await scenario({ remote: 'empty' });
    const first = await bootstrap([s.dir, '--yes'], s.env(ADMIN));
    expect(first.error, first.output).toBeUndefined();
    const cluster = await s.fakes.clusterSecrets();
    const generated = await generatedIds(s);
    expect(generated).toEqual(expect.arrayContaining(['odc/odc-db', 'database/odc-db', 'jupyterhub/dask-gateway-token', 'dask-gateway/dask-gateway-token', 'monitoring/grafana-admin']));
    for (const id of generated) expect(Object.keys(cluster), id).toContain(id);
    expect([...first.summary!.secrets!.created].sort()).toEqual([...generated, 'database/database-admin', 'flux-system/slack-webhook'].sort());
    // One group, one value; different groups, different values.
    expect(cluster['odc/odc-db']).toEqual(cluster['database/odc-db']);
    expect(cluster['odc/odc-db']!.username).toBe('odc');
    expect(cluster['jupyterhub/dask-gateway-token']).toEqual(cluster['dask-gateway/dask-gateway-token']);
    expect(cluster['odc/odc-db']!.password).not.toBe(cluster['stac/stac-db']!.password);
    expect(cluster['odc/odc-db']!.password).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(cluster['jupyterhub/dask-gateway-token']!.token).toMatch(/^[A-Za-z0-9]{64}$/);
    expect(cluster['database/database-admin']).toEqual({ username: ADMIN.PIKSEL_DB_ADMIN_USERNAME, password: ADMIN.PIKSEL_DB_ADMIN_PASSWORD });
    // Namespaces Flux has not made yet are created first (the stand-in refuses a Secret in a missing namespace).
    const applied = (await kubectlCalls(s, 'apply')).map((c) => JSON.parse(c.stdin) as { kind: string; metadata: { name: string } });
    expect(applied.filter((m) => m.kind === 'Namespace').map((m) => m.metadata.name)).toEqual(expect.arrayContaining(['odc', 'database', 'dask-gateway']));
    expect(first.output).toMatch(/still missing, 1 Secret .*\n  jupyterhub\/jupyterhub-auth \(the operator creates it\)/);

    const before = (await s.fakes.calls()).length;
    const second = await bootstrap([s.dir, '--yes'], s.env(ADMIN));
    expect(second.error, second.output).toBeUndefined();
    expect(second.summary!.secrets!.created).toEqual([]);
    expect(second.summary!.secrets!.rotated).toEqual([]);
    expect(second.summary!.slackSecret).toBe('kept');
    expect((await s.fakes.calls()).slice(before).filter((c) => c.tool === 'kubectl' && c.args[1] === 'apply')).toEqual([]);
    expect(await s.fakes.clusterSecrets()).toEqual(cluster);
    expect(second.output).toMatch(/kept existing Secrets \(never rotated without --rotate\): .*odc\/odc-db/);
  });

  it('`secrets --rotate odc-db` changes exactly odc-db and its copies, then runs its afterRotate steps once', async () => {
    const s = await scenario({ remote: 'empty' });
    const created = await secrets([s.dir, '--yes'], s.env(ADMIN));
    expect(created.error, created.output).toBeUndefined();
    const before = await s.fakes.clusterSecrets();
    const callsBefore = (await s.fakes.calls()).length;

    const rotated = await secrets([s.dir, '--yes', '--rotate', 'odc-db'], s.env(ADMIN));
    expect(rotated.error, rotated.output).toBeUndefined();
    const after = await s.fakes.clusterSecrets();
    const changed = Object.keys(after).filter((id) => JSON.stringify(after[id]) !== JSON.stringify(before[id])).sort();
    // The indexing workflows' copy in argo changes with the others; no Deployment there restarts.
    expect(changed).toEqual(['argo/odc-db', 'database/odc-db', 'odc/odc-db']);
    expect(after['odc/odc-db']).toEqual(after['database/odc-db']);
    expect(after['argo/odc-db']).toEqual(after['database/odc-db']);
    expect(after['odc/odc-db']!.password).not.toBe(before['odc/odc-db']!.password);
    expect(rotated.summary!.report!.rotated.sort()).toEqual(['argo/odc-db', 'database/odc-db', 'odc/odc-db']);
    for (const id of ['odc/odc-db', 'database/odc-db', 'argo/odc-db']) expect(rotated.output).toMatch(new RegExp(`rotated Secrets: .*${id}`));

    const steps = (await s.fakes.calls()).slice(callsBefore).filter((c) => c.tool === 'kubectl' && ['rollout', 'delete', 'annotate'].includes(c.args[1]!));
    expect(steps.map((c) => c.args.slice(1).join(' ').replace(/requestedAt=\S+/, 'requestedAt=<now>'))).toEqual([
      'delete job database-setup --namespace=database --ignore-not-found',
      'annotate kustomization.kustomize.toolkit.fluxcd.io/database --namespace=flux-system reconcile.fluxcd.io/requestedAt=<now> --overwrite',
      'rollout restart deployment/db-proxy --namespace=database',
      'rollout restart deployment --namespace=odc',
    ]);
  });

  it('a missing partner gets the existing partner’s values (read into memory, applied on stdin), never a disagreeing one', async () => {
    const s = await scenario({ remote: 'empty' });
    await s.fakes.seedSecrets({ 'database/stac-db': { username: 'stac', password: 'Existing0Password0That0Db0Proxy0Knows0' } });
    const result = await secrets([s.dir, '--yes'], s.env(ADMIN));
    expect(result.error, result.output).toBeUndefined();
    const cluster = await s.fakes.clusterSecrets();
    expect(cluster['stac/stac-db']).toEqual({ username: 'stac', password: 'Existing0Password0That0Db0Proxy0Knows0' });
    expect(result.summary!.report!.kept).toContain('database/stac-db');
    expect(result.summary!.report!.created).toContain('stac/stac-db');
    expect(result.output).not.toContain('Existing0Password');
    expect((await s.fakes.calls()).some((c) => c.args.includes('--output=json') && c.args.includes('stac-db'))).toBe(true);
  });

  it('--rotate with an unknown name is a usage error (exit 2) before the cluster is touched', async () => {
    const s = await scenario({ remote: 'empty' });
    const result = await secrets([s.dir, '--yes', '--rotate', 'odc-database'], s.env());
    expect(result.error?.exitCode).toBe(2);
    expect(result.error?.message).toMatch(/--rotate odc-database: no such Secret .*odc-db/);
    expect((await s.fakes.calls()).filter((c) => c.args[1] === 'apply' || c.args[1] === 'get')).toEqual([]);
  });

  it('a typo at a hidden prompt is refused where it was typed and asked again, and the run goes on', async () => {
    const s = await scenario({ remote: 'empty' });
    const env = s.env(ADMIN);
    delete env.SLACK_WEBHOOK_URL;
    // A person at the terminal: types a webhook without https://, reads the refusal, types it right.
    const typed = ['hooks.slack.com/services/T0/B0/typo', s.webhook];
    const refusals: string[] = [];
    const result = await secrets([s.dir, '--yes'], env, {
      prompts: scriptedPrompts({
        password: async ({ validate }) => {
          for (;;) {
            const value = typed.shift() ?? '';
            const problem = validate?.(value);
            if (problem === undefined) return value;
            refusals.push(problem);
          }
        },
      }),
    });
    expect(result.error, result.output).toBeUndefined();
    expect(refusals).toEqual([expect.stringMatching(/is not an https:\/\/ URL \(value not shown\)/)]);
    expect(refusals.join('')).not.toContain('typo');
    expect((await s.fakes.clusterSecrets())['flux-system/slack-webhook']).toEqual({ address: s.webhook });
    expect(result.summary!.report!.created).toContain('flux-system/slack-webhook');
  });

  it('--dry-run checks the --rotate names as the real run does: an unknown or operator-made one is exit 2, one line', async () => {
    const s = await scenario({ remote: 'empty' });
    for (const [name, message] of [
      ['nosuch', /^--rotate nosuch: no such Secret in this repository: use one of .*odc-db/],
      ['jupyterhub-auth', /^--rotate jupyterhub-auth: the operator creates this Secret/],
    ] as const) {
      const result = await secrets([s.dir, '--dry-run', '--rotate', name], s.env());
      expect(result.error?.exitCode).toBe(2);
      expect(result.error?.message).toMatch(message);
      expect([result.error?.message.includes('\n'), result.error?.details]).toEqual([false, []]);
    }
    expect((await secrets([s.dir, '--dry-run', '--rotate', 'odc-db'], s.env())).error).toBeUndefined();
    // bootstrap takes --rotate too: checked before anything runs, dry run or not.
    for (const args of [['--dry-run'], ['--yes']]) {
      const result = await bootstrap([s.dir, ...args, '--rotate', 'nosuch'], s.env());
      expect([result.error?.exitCode, result.error?.message]).toEqual([2, expect.stringMatching(/^--rotate nosuch: no such Secret/)]);
    }
    expect(await s.fakes.rawLog()).toBe('');
  });
});

describe('secrets through the CLI', { timeout: 180_000 }, () => {
  it('--check lists present and missing Secrets and exits 1 while any is missing; never prints a value', async () => {
    const s = await scenario({ remote: 'empty' });
    const check = await runCli(['secrets', s.dir, '--check', '--json'], { env: s.env() });
    expect(check.exitCode, check.stderr).toBe(1);
    const summary = JSON.parse(check.stdout) as { mode: string; present: string[]; missing: Array<{ secret: string; command: string }> };
    expect(summary.mode).toBe('check');
    expect(summary.present).toEqual([]);
    expect(summary.missing.map((m) => m.secret)).toEqual(expect.arrayContaining(['odc/odc-db', 'database/database-admin', 'jupyterhub/jupyterhub-auth']));
    expect(summary.missing.find((m) => m.secret === 'database/database-admin')!.command).toBe(
      `read -rs PIKSEL_DB_ADMIN_USERNAME && read -rs PIKSEL_DB_ADMIN_PASSWORD && printf 'username=%s\\npassword=%s\\n' "$PIKSEL_DB_ADMIN_USERNAME" "$PIKSEL_DB_ADMIN_PASSWORD" | kubectl --context=kind-piksel --namespace=database create secret generic database-admin --from-env-file=/dev/stdin`,
    );
    expect((await s.fakes.calls()).filter((c) => c.args[1] === 'apply')).toEqual([]);

    const create = await runCli(['secrets', s.dir, '--yes'], { env: s.env(ADMIN) });
    expect(create.exitCode, create.stderr).toBe(0);
    const again = await runCli(['secrets', s.dir, '--check'], { env: s.env() });
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/✖ jupyterhub\/jupyterhub-auth \(the operator creates it\)/);
    expect(again.stderr).toMatch(/✔ odc\/odc-db/);
    await s.fakes.seedSecrets({ 'jupyterhub/jupyterhub-auth': { 'values.yaml': 'hub: {}' } });
    const complete = await runCli(['secrets', s.dir, '--check'], { env: s.env() });
    expect(complete.exitCode, complete.stderr).toBe(0);
    // The generated values (user names such as 'odc' are fixed and appear in Secret names, so not these).
    const values = Object.values(await s.fakes.clusterSecrets()).flatMap((secret) => Object.values(secret)).filter((v) => v.length >= 32);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(again.stdout + again.stderr + complete.stdout + complete.stderr).not.toContain(value);
  });

  it('--dry-run lists names only and runs nothing', async () => {
    const s = await scenario({ remote: 'empty' });
    const run = await runCli(['secrets', s.dir, '--dry-run', '--json'], { env: s.env() });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).planned).toEqual(expect.arrayContaining([{ secret: 'odc/odc-db', createdBy: 'bootstrap', source: 'generated', group: 'database-odc' }]));
    expect(await s.fakes.rawLog()).toBe('');
  });

  it('no generated or given value reaches any argv, the work tree, a git object, stdout/stderr or --json; kubectl and flux get only their env', async () => {
    const s = await scenario({ remote: 'empty' });
    const outputs: string[] = [];
    for (const args of [['bootstrap', s.dir, '--yes', '--json'], ['secrets', s.dir, '--yes', '--rotate', 'all', '--json'], ['secrets', s.dir, '--check', '--json'], ['secrets', s.dir, '--dry-run', '--json']]) {
      const run = await runCli(args, { env: s.env(ADMIN) });
      expect(run.exitCode, run.stderr).toBeLessThanOrEqual(1);
      outputs.push(run.stdout, run.stderr);
    }
    const cluster = await s.fakes.clusterSecrets();
    const values = Object.entries(cluster)
      .filter(([id]) => id !== 'jupyterhub/jupyterhub-auth')
      .flatMap(([, data]) => Object.values(data))
      .filter((v) => v.length >= 20);
    expect(values.length).toBeGreaterThan(10);
    expect(values).toContain(ADMIN.PIKSEL_DB_ADMIN_PASSWORD);
    expect(values).toContain(s.webhook);

    const calls = await s.fakes.calls();
    const argv = calls.flatMap((c) => c.args).join('\n');
    const allObjects = (await execa('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: s.dir })).stdout;
    const remoteObjects = (await execa('git', ['cat-file', '--batch-all-objects', '--batch'], { cwd: s.bare })).stdout;
    const files = await Promise.all((await listTree(s.dir)).filter((p) => !p.startsWith('.git/objects')).map((p) => readFile(join(s.dir, p), 'utf8').catch(() => '')));
    const everywhere = { argv, output: outputs.join('\n'), objects: allObjects + remoteObjects, files: files.join('\n') };
    for (const value of values) for (const [where, text] of Object.entries(everywhere)) expect(text.includes(value), `${where} holds a Secret value`).toBe(false);

    // Each tool's environment: kubectl never sees the token or the facts; flux sees only its token.
    expect(calls.filter((c) => c.tool === 'kubectl').flatMap((c) => c.secrets)).toEqual([]);
    expect([...new Set(calls.filter((c) => c.tool === 'flux').flatMap((c) => c.secrets))]).toEqual(['GITHUB_TOKEN']);
    // Values reached kubectl on stdin only.
    expect(calls.some((c) => c.stdin.includes(ADMIN.PIKSEL_DB_ADMIN_PASSWORD))).toBe(true);
  });
});
