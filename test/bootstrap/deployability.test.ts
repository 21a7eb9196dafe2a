import { describe, expect, it } from 'vitest';
import { allowedFor, childEnv } from '../../src/bootstrap/child-env.js';
import { isPlaceholderDomain } from '../../src/answers/placeholders.js';
import { bootstrap, scenario } from './setup.js';

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

  it('a placeholder ACME e-mail or domain is refused in one line, exit 2, before any flux or kubectl call', async () => {
    for (const [sets, message] of [
      [['certManager.email=ops@example.com'], /^certManager\.email 'ops@example\.com' is a placeholder: /],
      [['clusters.0.domain=dev.piksel.example.org'], /^cluster development has the placeholder domain 'dev\.piksel\.example\.org': /],
    ] as const) {
      const s = await scenario({ remote: 'empty', sets: [...sets] });
      const result = await bootstrap([s.dir, '--yes'], s.env());
      expect(result.error?.exitCode, result.output).toBe(2);
      expect(result.error?.message).toMatch(message);
      expect(result.error?.message).not.toContain('\n');
      expect(await s.fakes.rawLog()).toBe('');
    }
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
});
