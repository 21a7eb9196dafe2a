import { describe, expect, it } from 'vitest';
import { allowedFor, childEnv } from '../../src/bootstrap/child-env.js';
import { isPlaceholderDomain } from '../../src/answers/placeholders.js';
import { join } from 'node:path';
import { runCli, tempDir } from '../support/cli.js';
import { bootstrap, scenario, secrets } from './setup.js';

describe('bootstrap refuses placeholders and reports missing AWS prerequisites', { timeout: 90_000 }, () => {
  it.each([
    ['example.org', true],
    ['dev.piksel.example.org', true],
    ['example.com', true],
    ['x.example.net', true],
    ['apps.example.co.uk', true],
    ['piksel.id', false],
    ['myexample.org', false],
    ['example-platform.org', false],
  ])('isPlaceholderDomain(%s) is %s', (domain, placeholder) => expect(isPlaceholderDomain(domain)).toBe(placeholder));

  it('every placeholder is refused at once, in one line naming each and the command that replaces them, exit 2, before any flux or kubectl call', async () => {
    for (const [sets, message] of [
      [['certManager.email=ops@example.com'], /^an answer is a placeholder cluster development cannot run with: certManager\.email 'ops@example\.com' \(Let's Encrypt needs an address you read\): set it with `npx create-piksel-gitops \S+ --set certManager\.email=…` \(it updates the repository\), then bootstrap again$/],
      [['database.host=postgres.example.org'], /^an answer is a placeholder .*: database\.host 'postgres\.example\.org' \(the PostgreSQL server db-proxy connects to\): set it with `npx create-piksel-gitops \S+ --set database\.host=…`/],
      [
        ['certManager.email=ops@example.com', 'clusters.0.domain=dev.piksel.example.org', 'database.host=postgres.example.org'],
        /^3 answers are placeholders .*: certManager\.email 'ops@example\.com' .*, database\.host 'postgres\.example\.org' .*, clusters\.0\.domain 'dev\.piksel\.example\.org' .*: set them with `npx create-piksel-gitops \S+ --set certManager\.email=… --set database\.host=… --set clusters\.0\.domain=…`/,
      ],
    ] as const) {
      const s = await scenario({ remote: 'empty', sets: [...sets] });
      const result = await bootstrap([s.dir, '--yes'], s.env());
      expect(result.error?.exitCode, result.output).toBe(2);
      expect(result.error?.message).toMatch(message);
      expect(result.error?.message).not.toContain('\n');
      expect(await s.fakes.rawLog()).toBe('');
    }
  });

  it('what create warns about, what its next steps replace and what bootstrap refuses are the same answers', async () => {
    const dir = join(await tempDir('piksel-defaults-'), 'repo');
    const created = await runCli([dir, '--yes', '--set', 'repository.owner=acme', '--set', 'clusters.0.domain=dev.example.org']);
    expect(created.exitCode, created.stderr).toBe(0);
    const warned = /placeholders in the answers[^:]*: (.*)/.exec(created.stderr)?.[1]?.split(', ').map((p) => p.split(' ')[0]);
    expect(warned).toEqual(['certManager.email', 'database.host', 'clusters.0.domain']);
    const nextSteps = created.stderr.slice(created.stderr.indexOf('Next steps'));
    expect(nextSteps).toContain(`npx create-piksel-gitops . \\\n${warned!.map((p) => `      --set ${p}=…`).join(' \\\n')}\n`);
    const refused = await bootstrap([dir, '--yes'], process.env);
    expect(refused.error?.message).toContain(`${warned!.length} answers are placeholders`);
    for (const path of warned!) expect(refused.error?.message).toContain(`--set ${path}=…`);
  });

  it('bootstrap and secrets take no --set or --answers (they would be ignored): exit 2, pointing at create', async () => {
    const s = await scenario({ remote: 'empty' });
    const set = await bootstrap([s.dir, '--yes', '--set', 'certManager.email=me@piksel.id'], s.env());
    expect(set.error?.exitCode).toBe(2);
    expect(set.error?.message).toBe(
      `bootstrap takes no --set: it uses the answers stored in the repository; change them with \`npx create-piksel-gitops ${s.dir} --set certManager.email=me@piksel.id\` (it updates the repository), then run bootstrap again`,
    );
    const answers = await secrets([s.dir, '--yes', '--answers', 'mine.yaml'], s.env());
    expect(answers.error?.exitCode).toBe(2);
    expect(answers.error?.message).toMatch(/^secrets takes no --answers: .*`npx create-piksel-gitops \S+ --answers mine\.yaml`/);
    expect(await s.fakes.rawLog()).toBe('');
  });

  it('cloud: aws lists every missing prerequisite at once, as a warning, and bootstrap goes on', async () => {
    const s = await scenario({ remote: 'empty', sets: ['clusters.0.cloud=aws'] });
    const result = await bootstrap([s.dir, '--yes'], s.env({ FAKE_AWS_PRESENT: 'alb' }));
    expect(result.error, result.output).toBeUndefined();
    expect(result.output).toMatch(/cloud: aws, but 2 prerequisites are missing/);
    expect(result.output).toMatch(/EBS CSI driver \(csidriver ebs\.csi\.aws\.com\): persistent volumes stay Pending/);
    expect(result.output).toMatch(/external-dns .*: no DNS records/);
    expect(result.output).not.toMatch(/AWS Load Balancer Controller \(deployment/);
    const gets = (await s.fakes.calls()).filter((c) => c.tool === 'kubectl' && c.args[1] === 'get' && c.args[2] !== 'secret' && c.args[2] !== 'namespace' && !c.args[2]!.includes('fluxcd.io'));
    expect(gets.map((c) => c.args.slice(1).join(' '))).toEqual([
      'get csidriver ebs.csi.aws.com --ignore-not-found --output=name',
      'get deployment aws-load-balancer-controller --namespace=kube-system --ignore-not-found --output=name',
      'get deployment --all-namespaces --selector=app.kubernetes.io/name=external-dns --output=name',
    ]);

    const complete = await bootstrap([s.dir, '--yes'], s.env({ FAKE_AWS_PRESENT: 'ebs,alb,external-dns' }));
    expect(complete.output).toMatch(/EBS CSI driver, AWS Load Balancer Controller and external-dns are installed/);
  });
});

describe('child environments', () => {
  const env = {
    PATH: '/bin',
    HOME: '/home/me',
    KUBECONFIG: '/k',
    AWS_PROFILE: 'eks',
    HTTPS_PROXY: 'http://proxy',
    LC_ALL: 'C',
    GITHUB_TOKEN: 'ghp_x',
    GITLAB_TOKEN: 'glpat',
    GIT_PASSWORD: 'pw',
    PIKSEL_DB_ADMIN_PASSWORD: 'admin',
    SLACK_WEBHOOK_URL: 'https://hooks',
    NPM_TOKEN: 'npm',
  };
  it('kubectl and flux get an allow-list: no tokens, no Secret values; git keeps its helpers but not the values', () => {
    for (const tool of ['kubectl', 'flux']) {
      const child = childEnv(tool, env);
      const kept = Object.keys(child).filter((k) => child[k] !== undefined).sort();
      expect(kept).toEqual(['AWS_PROFILE', 'HOME', 'HTTPS_PROXY', 'KUBECONFIG', 'LC_ALL', 'PATH']);
    }
    expect(childEnv('flux', env, { GITHUB_TOKEN: 'ghp_x' }).GITHUB_TOKEN).toBe('ghp_x');
    expect(allowedFor('git', 'GITHUB_TOKEN')).toBe(true);
    expect(allowedFor('git', 'PIKSEL_DB_ADMIN_PASSWORD')).toBe(false);
    expect(allowedFor('git', 'SLACK_WEBHOOK_URL')).toBe(false);
    // Every variable of the parent process that is not allowed is removed (execa merges over process.env).
    process.env.SOME_OTHER_TOKEN = 'x';
    expect('SOME_OTHER_TOKEN' in childEnv('kubectl', {})).toBe(true);
    expect(childEnv('kubectl', {}).SOME_OTHER_TOKEN).toBeUndefined();
    delete process.env.SOME_OTHER_TOKEN;
  });

  it('flux sees the ssh-agent socket and known_hosts files (`flux bootstrap git` over SSH), kubectl does not', () => {
    const ssh = { ...env, SSH_AUTH_SOCK: '/run/user/1000/ssh-agent.sock', SSH_KNOWN_HOSTS: '/home/me/.ssh/known_hosts', SSH_ASKPASS: '/bin/askpass' };
    const flux = childEnv('flux', ssh);
    expect(Object.keys(flux).filter((k) => flux[k] !== undefined).sort()).toEqual([
      'AWS_PROFILE', 'HOME', 'HTTPS_PROXY', 'KUBECONFIG', 'LC_ALL', 'PATH', 'SSH_AUTH_SOCK', 'SSH_KNOWN_HOSTS',
    ]);
    const kubectl = childEnv('kubectl', ssh);
    expect([kubectl.SSH_AUTH_SOCK, kubectl.SSH_KNOWN_HOSTS]).toEqual([undefined, undefined]);
  });
});
