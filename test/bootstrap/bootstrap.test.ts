import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listTree, tempDir } from '../support/cli.js';
import { scriptedPrompts } from '../support/prompts.js';
import { installFakes, type Fakes } from './fakes.js';
import { bootstrap, git, GITHUB_URL, head, randomToken, remoteFiles, scenario } from './setup.js';

const GITHUB_ARGV = [
  'bootstrap',
  'github',
  '--owner=piksel-ina',
  '--repository=piksel-gitops',
  '--branch=main',
  '--path=clusters/development',
  '--personal=false',
  '--private=true',
  '--context=kind-piksel',
];

const fluxCalls = async (fakes: Fakes, sub: string) => (await fakes.calls()).filter((c) => c.tool === 'flux' && c.args[0] === sub);

describe('bootstrap', { timeout: 60_000 }, () => {
  it('pushes the generated tree, runs flux bootstrap github with clusters/<name>, pulls its commits and creates the Slack Secret', async () => {
    const s = await scenario({ remote: 'empty' });
    const generated = (await git(s.dir, 'ls-files')).split('\n');
    const result = await bootstrap([s.dir, '--yes'], s.env());
    expect(result.error, result.output).toBeUndefined();

    const calls = await s.fakes.calls();
    const steps = calls.map((c) => `${c.tool} ${c.args.slice(0, 2).join(' ')}`);
    // Secrets are looked up before anything changes, created after flux bootstrap.
    expect([...new Set(steps)]).toEqual([
      'flux --version',
      'kubectl config current-context',
      'flux check --pre',
      'kubectl --context=kind-piksel get',
      'flux bootstrap github',
      'kubectl --context=kind-piksel apply',
    ]);
    const lookups = calls.flatMap((c, i) => (c.args[1] === 'get' && c.args[2] === 'secret' ? [i] : []));
    expect(lookups.at(-1)).toBeLessThan(steps.indexOf('flux bootstrap github'));
    expect(calls[2]!.args).toEqual(['check', '--pre', '--context=kind-piksel']);
    const fluxBootstrap = calls.find((c) => c.tool === 'flux' && c.args[0] === 'bootstrap')!;
    expect(fluxBootstrap.args).toEqual(GITHUB_ARGV);
    expect(fluxBootstrap.secrets).toEqual(['GITHUB_TOKEN']);
    // kubectl never sees the token, the webhook or the database admin login in its environment.
    expect(calls.filter((c) => c.tool === 'kubectl').flatMap((c) => c.secrets)).toEqual([]);

    // The remote holds every generated file plus what flux committed; nothing of ours in flux-system/.
    const remote = await remoteFiles(s.bare);
    for (const path of generated) expect(remote).toContain(path);
    expect(remote).toContain('clusters/development/flux-system/gotk-sync.yaml');
    expect(generated.filter((p) => p.includes('/flux-system/'))).toEqual([]);
    // The local branch took flux's commit and matches the remote.
    expect(await head(s.dir)).toBe(await git(s.bare, 'rev-parse', 'main'));
    expect(await git(s.dir, 'remote', 'get-url', 'origin')).toBe(GITHUB_URL);
    expect(await git(s.dir, 'status', '--porcelain')).toBe('');

    expect(result.summary).toMatchObject({
      mode: 'bootstrap',
      cluster: 'development',
      path: 'clusters/development',
      provider: 'github',
      context: 'kind-piksel',
      fluxVersion: '2.9.4',
      pushedAfterBootstrap: false,
      slackSecret: 'applied',
    });
  });

  it('when the hosted repository does not exist, lets flux create it and pushes on top of its commits', async () => {
    const s = await scenario({ remote: 'missing' });
    const generatedHead = await head(s.dir);
    const result = await bootstrap([s.dir, '--yes'], s.env());
    expect(result.error, result.output).toBeUndefined();
    expect(result.summary?.pushedAfterBootstrap).toBe(true);
    expect(result.output).toMatch(/flux bootstrap will create https:\/\/github\.com\/piksel-ina\/piksel-gitops\.git/);
    const remote = await remoteFiles(s.bare);
    expect(remote).toContain('clusters/development/flux-system/gotk-components.yaml');
    expect(remote).toContain('clusters/development/apps.yaml');
    expect(remote).toContain('piksel-answers.yaml');
    // History: flux's commit first, the generated commit rebased on top.
    const log = (await git(s.bare, 'log', '--format=%s', 'main')).split('\n');
    expect(log[0]).toMatch(/^Generate piksel-gitops/);
    expect(log[1]).toMatch(/^Add Flux v2\.9\.4 component manifests/);
    expect(await head(s.dir)).not.toBe(generatedHead);
    expect(await head(s.dir)).toBe(await git(s.bare, 'rev-parse', 'main'));
  });

  it('a hosted repository that cannot be reached (a host that does not resolve) stops in preflight: nothing pushed, flux bootstrap never runs', async () => {
    const s = await scenario({ remote: 'missing' });
    const before = await head(s.dir);
    // `.invalid` never resolves (RFC 2606), without asking the network.
    const result = await bootstrap([s.dir, '--yes'], s.env({ GIT_CONFIG_KEY_0: 'url.https://piksel.invalid/piksel-gitops.git.insteadOf' }));
    expect(result.error?.kind, result.output).toBe('step');
    expect(result.error?.message).toMatch(/^could not reach https:\/\/github\.com\/piksel-ina\/piksel-gitops\.git \(.*Could not resolve host: piksel\.invalid\): check your network/);
    expect(result.output).not.toMatch(/flux bootstrap will create/);
    expect((await s.fakes.calls()).map((c) => `${c.tool} ${c.args[0]}`)).toEqual(['flux --version', 'kubectl config']);
    expect(await head(s.dir)).toBe(before);
    expect(existsSync(s.bare)).toBe(false);
  });

  it('keeps a random token and webhook out of every argv, the repository and the output; the webhook reaches kubectl on stdin', async () => {
    const s = await scenario({ remote: 'missing' });
    const result = await bootstrap([s.dir, '--yes'], s.env());
    expect(result.error, result.output).toBeUndefined();
    const secrets = [s.token, s.webhook];

    // Every process we started (git included), and what the fakes saw.
    const argv = result.commands.flatMap((c) => [c.command, ...c.args]).join('\n');
    const calls = await s.fakes.calls();
    const fakeArgv = calls.flatMap((c) => c.args).join('\n');
    for (const secret of secrets) {
      expect(argv).not.toContain(secret);
      expect(fakeArgv).not.toContain(secret);
      expect(result.output).not.toContain(secret);
      expect(JSON.stringify(result.summary)).not.toContain(secret);
    }
    // stdin: only the kubectl apply got any, and it carried the webhook in the Secret.
    expect([...new Set(result.commands.filter((c) => c.input !== undefined).map((c) => c.command))]).toEqual(['kubectl']);
    const apply = calls.find((c) => c.tool === 'kubectl' && c.args.includes('apply') && c.stdin.includes('slack-webhook'))!;
    expect(apply.args).toEqual(['--context=kind-piksel', 'apply', '--server-side', '--field-manager=create-piksel-gitops', '--force-conflicts', '--filename=-']);
    const secret = JSON.parse(apply.stdin) as { metadata: { name: string; namespace: string }; stringData: { address: string } };
    expect(secret.metadata).toMatchObject({ name: 'slack-webhook', namespace: 'flux-system' });
    expect(secret.stringData.address).toBe(s.webhook);
    expect(calls.filter((c) => c.tool === 'flux').every((c) => !c.stdin.includes(s.webhook) && !c.stdin.includes(s.token))).toBe(true);

    // Nothing in the working tree, the local history or the remote's history.
    for (const dir of [s.dir, s.bare]) {
      const history = (await execa('git', ['log', '--all', '-p', '--format=%H %s%n%b'], { cwd: dir })).stdout;
      for (const secret of secrets) expect(history).not.toContain(secret);
    }
    for (const path of (await listTree(s.dir)).filter((p) => !p.startsWith('.git/'))) {
      const text = await readFile(join(s.dir, path), 'utf8').catch(() => '');
      for (const secret of secrets) expect(text, path).not.toContain(secret);
    }
    expect(await readFile(join(s.dir, '.git', 'config'), 'utf8')).not.toContain(s.token);
  });

  describe('failures exit 1 naming the cause, leave the repository intact, and a re-run succeeds', () => {
    const cases: Array<{ name: string; broken: Record<string, string | undefined>; withoutFlux?: boolean; message: RegExp }> = [
      { name: 'flux missing', broken: {}, withoutFlux: true, message: /flux was not found on PATH: install the flux CLI/ },
      { name: 'flux too old', broken: { FAKE_FLUX_VERSION: '2.8.3' }, message: /flux 2\.8\.3 is too old: .*2\.9\.0 or newer/ },
      { name: 'token missing', broken: { GITHUB_TOKEN: undefined }, message: /GITHUB_TOKEN is not set: .*export GITHUB_TOKEN/ },
      { name: 'flux check --pre failing', broken: { FAKE_FLUX_FAIL: 'check' }, message: /flux check --pre failed for kubectl context 'kind-piksel': Kubernetes version v1\.29\.0 does not match/ },
      { name: 'flux bootstrap failing', broken: { FAKE_FLUX_FAIL: 'bootstrap' }, message: /flux bootstrap failed: failed to push manifests: .*protected branch hook declined/ },
    ];

    it.each(cases)('$name', async ({ broken, withoutFlux, message }) => {
      const s = await scenario({ remote: 'empty' });
      const before = await head(s.dir);
      const env = s.env(broken, { withoutFlux });
      for (const [key, value] of Object.entries(broken)) if (value === undefined) delete env[key];

      const failed = await bootstrap([s.dir, '--yes'], env);
      expect(failed.error?.kind).toBe('step');
      expect(failed.error?.exitCode).toBe(1);
      expect(failed.error?.message).toMatch(message);
      expect(failed.output).not.toContain(s.token);
      expect(failed.output).not.toContain(s.webhook);
      // Intact: same commit, clean tree, no flux-system written here, no Secret applied.
      expect(await head(s.dir)).toBe(before);
      expect(await git(s.dir, 'status', '--porcelain')).toBe('');
      expect(existsSync(join(s.dir, 'clusters/development/flux-system'))).toBe(false);
      expect((await s.fakes.calls()).some((c) => c.args.includes('apply'))).toBe(false);

      const fixed = await bootstrap([s.dir, '--yes'], s.env());
      expect(fixed.error, fixed.output).toBeUndefined();
      expect(await remoteFiles(s.bare)).toContain('clusters/development/flux-system/gotk-sync.yaml');
      expect(await head(s.dir)).toBe(await git(s.bare, 'rev-parse', 'main'));
    });

    it('a failing bootstrap shows flux\'s lines once, as they came, then the cause and the next step', async () => {
      const s = await scenario({ remote: 'empty' });
      const failed = await bootstrap([s.dir, '--yes'], s.env({ FAKE_FLUX_FAIL: 'bootstrap' }));
      expect(failed.output.split('► connecting to the Git provider')).toHaveLength(2);
      expect(failed.output.split('protected branch hook declined')).toHaveLength(3); // flux's line, then the cause in the message
      expect(failed.error?.details.at(-1)).toMatch(/branch main is protected: .*re-run: npx create-piksel-gitops bootstrap .* --cluster development/);

      const logged: string[] = [];
      const live = await bootstrap([s.dir], s.env({ FAKE_FLUX_FAIL: 'bootstrap' }), {
        prompts: scriptedPrompts({ confirm: async () => true, taskLog: () => ({ message: (l) => logged.push(l), success: () => undefined, error: () => undefined }) }),
      });
      expect(logged).toContain('► connecting to the Git provider');
      expect(live.output).not.toContain('► connecting to the Git provider');
    });
  });

  it('--dry-run prints every command with secrets as *** and runs none', async () => {
    const s = await scenario({ remote: 'missing' });
    const before = await head(s.dir);
    const result = await bootstrap([s.dir, '--dry-run'], s.env());
    expect(result.error, result.output).toBeUndefined();
    expect(await s.fakes.rawLog()).toBe('');
    expect(result.commands).toEqual([]);
    expect(existsSync(s.bare)).toBe(false);
    expect(await head(s.dir)).toBe(before);
    expect(result.summary?.mode).toBe('dry-run');
    const shown = result.summary!.commands;
    expect(shown).toContain(`GITHUB_TOKEN=*** flux bootstrap github --owner=piksel-ina --repository=piksel-gitops --branch=main --path=clusters/development --personal=false --private=true '--context=<current context>'`);
    expect(shown.some((c) => c.startsWith('kubectl') && c.includes('--filename=-') && c.includes('SLACK_WEBHOOK_URL') && c.includes('never shown'))).toBe(true);
    expect(result.output).toContain('flux check --pre');
    for (const secret of [s.token, s.webhook]) expect(result.output + JSON.stringify(result.summary)).not.toContain(secret);
  });

  it('--dry-run shows the same flux and kubectl commands the real run then runs', async () => {
    const s = await scenario({ remote: 'empty' });
    const plan = await bootstrap([s.dir, '--dry-run', '--context', 'kind-piksel'], s.env({ FAKE_KUBE_CONTEXTS: 'kind-piksel other' }));
    const real = await bootstrap([s.dir, '--yes', '--context', 'kind-piksel'], s.env({ FAKE_KUBE_CONTEXTS: 'kind-piksel other' }));
    expect(real.error, real.output).toBeUndefined();
    const shownFluxKubectl = plan.summary!.commands.filter((c) => /^(\w+=\*\*\* )?(flux|kubectl) /.test(c)).map((c) => c.replace(/^\w+=\*\*\* /, '').replace(/  # .*$/, ''));
    // The Secrets' lookups are shown as they run (one per namespace); the namespace check and the apply once each: compare their shape.
    const shape = (c: string) => c.replace(/ get namespace \S+ /, ' get namespace NAME ');
    const ran = [...new Set((await s.fakes.calls()).map((c) => shape([c.tool, ...c.args].join(' '))))];
    // Both ways: nothing runs that was not shown, and nothing shown is left out of the run.
    expect(ran, JSON.stringify({ ran, shownFluxKubectl }, null, 1)).toEqual([...new Set(shownFluxKubectl)]);
  });

  it('without a terminal and without --yes it refuses to touch a cluster (exit 2)', async () => {
    const s = await scenario({ remote: 'empty' });
    const result = await bootstrap([s.dir], s.env());
    expect(result.error?.kind).toBe('input');
    expect(result.error?.exitCode).toBe(2);
    expect(result.error?.message).toMatch(/no terminal .*--yes/);
    expect(await s.fakes.rawLog()).toBe('');
  });

  it('in a terminal it shows the kube context for confirmation, and reads a hidden webhook', async () => {
    const s = await scenario({ remote: 'empty' });
    const questions: string[] = [];
    const declined = await bootstrap([s.dir], s.env({ SLACK_WEBHOOK_URL: undefined }), {
      prompts: scriptedPrompts({
        confirm: async ({ message }) => (questions.push(message), false),
        password: async () => s.webhook,
      }),
    });
    expect(declined.error?.kind).toBe('cancelled');
    expect(questions[0]).toMatch(/kubectl context 'kind-piksel' \(cluster development, https:\/\/github\.com\/piksel-ina\/piksel-gitops\.git branch main\)/);
    expect(await fluxCalls(s.fakes, 'bootstrap')).toEqual([]);

    const prompts: string[] = [];
    const env = s.env();
    delete env.SLACK_WEBHOOK_URL;
    const logged: string[] = [];
    const accepted = await bootstrap([s.dir], env, {
      prompts: scriptedPrompts({
        confirm: async () => true,
        password: async ({ message }) => (prompts.push(message), s.webhook),
        taskLog: (title) => ({ message: (l) => logged.push(`${title}: ${l}`), success: (m) => logged.push(`done: ${m}`), error: (m) => logged.push(`error: ${m}`) }),
      }),
    });
    expect(accepted.error, accepted.output).toBeUndefined();
    expect(logged).toEqual(['flux bootstrap github: ► connecting to the Git provider', 'flux bootstrap github: ✔ committed component manifests to "main"', 'flux bootstrap github: ✔ bootstrap finished', 'done: flux bootstrap github finished']);
    expect(prompts.find((p) => p.includes('slack-webhook'))).toMatch(/address of Secret flux-system\/slack-webhook \(the Slack incoming-webhook URL .*; SLACK_WEBHOOK_URL; hidden/);
    const apply = (await s.fakes.calls()).find((c) => c.args.includes('apply') && c.stdin.includes('slack-webhook'))!;
    expect(apply.stdin).toContain(s.webhook);
    expect(apply.secrets).not.toContain('SLACK_WEBHOOK_URL');
    expect(accepted.output).not.toContain(s.webhook);
  });

  it('without a webhook it warns with the command to create the Secret later, and still succeeds', async () => {
    const s = await scenario({ remote: 'empty' });
    const env = s.env();
    delete env.SLACK_WEBHOOK_URL;
    const result = await bootstrap([s.dir, '--yes'], env);
    expect(result.error, result.output).toBeUndefined();
    expect(result.summary?.slackSecret).toBe('not-given');
    expect(result.output).toMatch(/still missing, 3 Secrets/);
    expect(result.output).toContain("read -rs SLACK_WEBHOOK_URL && printf 'address=%s\\n' \"$SLACK_WEBHOOK_URL\" | kubectl --context=kind-piksel --namespace=flux-system create secret generic slack-webhook --from-env-file=/dev/stdin");
    expect((await s.fakes.calls()).some((c) => c.args.includes('apply') && c.stdin.includes('slack-webhook'))).toBe(false);
  });

  it('with Slack off it creates no Secret', async () => {
    const s = await scenario({ remote: 'empty', sets: ['slack.enabled=false'] });
    const result = await bootstrap([s.dir, '--yes'], s.env());
    expect(result.error, result.output).toBeUndefined();
    expect(result.summary?.slackSecret).toBe('disabled');
    expect((await s.fakes.calls()).some((c) => c.tool === 'kubectl' && c.args.includes('apply') && c.stdin.includes('slack-webhook'))).toBe(false);
  });

  it('with several clusters it asks for --cluster (exit 2), and bootstraps the one named', async () => {
    const s = await scenario({ remote: 'empty', sets: ['clusters.1.name=staging'] });
    const unnamed = await bootstrap([s.dir, '--yes'], s.env());
    expect(unnamed.error?.exitCode).toBe(2);
    expect(unnamed.error?.message).toMatch(/2 clusters: choose one with --cluster \(development, staging\)/);
    const unknown = await bootstrap([s.dir, '--yes', '--cluster', 'prod'], s.env());
    expect(unknown.error?.message).toMatch(/cluster 'prod' is not in piksel-answers\.yaml: choose one of development, staging/);
    expect(await s.fakes.rawLog()).toBe('');

    const named = await bootstrap([s.dir, '--yes', '--cluster', 'staging'], s.env());
    expect(named.error, named.output).toBeUndefined();
    expect((await fluxCalls(s.fakes, 'bootstrap'))[0]!.args).toContain('--path=clusters/staging');
    expect(await remoteFiles(s.bare)).toContain('clusters/staging/flux-system/gotk-sync.yaml');
  });

  it('--context must name an existing context, and then pins every flux and kubectl call to it', async () => {
    const s = await scenario({ remote: 'empty' });
    const env = s.env({ FAKE_KUBE_CONTEXTS: 'kind-piksel eks-dev', FAKE_KUBE_CONTEXT: 'kind-piksel' });
    const wrong = await bootstrap([s.dir, '--yes', '--context', 'eks-prod'], env);
    expect(wrong.error?.kind).toBe('step');
    expect(wrong.error?.message).toMatch(/context 'eks-prod' does not exist: use one of kind-piksel, eks-dev/);
    const right = await bootstrap([s.dir, '--yes', '--context', 'eks-dev'], env);
    expect(right.error, right.output).toBeUndefined();
    const calls = (await s.fakes.calls()).filter((c) => c.args.includes('apply') || c.args.includes('get') || c.args[0] === 'check' || c.args[0] === 'bootstrap');
    expect(calls.length).toBeGreaterThan(3);
    expect(new Set(calls.map((c) => c.args.find((a) => a.startsWith('--context='))))).toEqual(new Set(['--context=eks-dev']));
  });

  it('plain git: keeps an existing origin, passes --url and GIT_PASSWORD (never on argv)', async () => {
    const url = 'https://git.example.org/piksel/piksel-gitops.git';
    const s = await scenario({ remote: 'empty', sets: ['repository.provider=git', `repository.url=${url}`] });
    await git(s.dir, 'remote', 'add', 'origin', s.bare);
    const password = randomToken();
    const result = await bootstrap([s.dir, '--yes'], s.env({ GITHUB_TOKEN: undefined, GIT_PASSWORD: password }));
    expect(result.error, result.output).toBeUndefined();
    const call = (await fluxCalls(s.fakes, 'bootstrap'))[0]!;
    expect(call.args).toEqual(['bootstrap', 'git', `--url=${url}`, '--branch=main', '--path=clusters/development', '--token-auth', '--context=kind-piksel']);
    expect(call.secrets).toContain('GIT_PASSWORD');
    expect(await git(s.dir, 'remote', 'get-url', 'origin')).toBe(s.bare);
    expect(result.output).toMatch(/origin is .*remote\.git, but flux bootstrap will use https:\/\/git\.example\.org/);
    expect(result.commands.flatMap((c) => c.args).join('\n')).not.toContain(password);
    expect(await remoteFiles(s.bare)).toContain('clusters/development/apps.yaml');
  });

  it('a re-run is idempotent, and rebases local commits made before flux\'s commits were pulled', async () => {
    const s = await scenario({ remote: 'empty' });
    const generatedHead = await head(s.dir);
    expect((await bootstrap([s.dir, '--yes'], s.env())).error).toBeUndefined();
    const bootstrappedHead = await head(s.dir);

    const again = await bootstrap([s.dir, '--yes'], s.env());
    expect(again.error, again.output).toBeUndefined();
    expect(again.output).toMatch(/component manifests are up to date/);
    expect(await head(s.dir)).toBe(bootstrappedHead);

    // A clone that never pulled flux's commit, with a commit of its own and an uncommitted edit.
    await git(s.dir, 'reset', '--quiet', '--hard', generatedHead);
    await writeFile(join(s.dir, 'notes.md'), 'ops notes\n');
    await git(s.dir, 'add', 'notes.md');
    await git(s.dir, '-c', 'user.name=t', '-c', 'user.email=t@example.org', 'commit', '--quiet', '-m', 'Add notes');
    await writeFile(join(s.dir, 'README.md'), 'edited, not committed\n');
    const rebased = await bootstrap([s.dir, '--yes'], s.env());
    expect(rebased.error, rebased.output).toBeUndefined();
    expect(rebased.output).toMatch(/uncommitted changes .* are not pushed/);
    const log = (await git(s.bare, 'log', '--format=%s', 'main')).split('\n');
    expect(log.slice(0, 3)).toEqual(['Add notes', 'Add Flux v2.9.4 component manifests', expect.stringMatching(/^Generate piksel-gitops/)]);
    expect(await readFile(join(s.dir, 'README.md'), 'utf8')).toBe('edited, not committed\n');
  });

  it('commits a repository generated with --no-git before pushing it', async () => {
    const s = await scenario({ remote: 'empty', flags: ['--no-git'] });
    expect(existsSync(join(s.dir, '.git'))).toBe(false);
    const result = await bootstrap([s.dir, '--yes'], s.env());
    expect(result.error, result.output).toBeUndefined();
    expect(result.output).toMatch(/committed the repository on branch main/);
    const log = (await git(s.bare, 'log', '--format=%s', 'main')).split('\n');
    expect(log).toEqual(['Add Flux v2.9.4 component manifests', expect.stringMatching(/^Generate piksel-gitops/)]);
    expect(await remoteFiles(s.bare)).toContain('clusters/development/apps.yaml');
  });

  it('refuses a folder that create-piksel-gitops did not generate (exit 2)', async () => {
    const fakes = await installFakes();
    const result = await bootstrap([await tempDir(), '--yes'], fakes.env());
    expect(result.error?.exitCode).toBe(2);
    expect(result.error?.message).toMatch(/not a repository made by create-piksel-gitops/);
    expect(await fakes.rawLog()).toBe('');
  });
});
