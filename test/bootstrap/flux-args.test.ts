import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { redactor, showCommand } from '../../src/bootstrap/command-line.js';
import { fluxBootstrapArgs, tokenVariable } from '../../src/bootstrap/flux-args.js';
import { compareVersions, parseFluxVersion } from '../../src/bootstrap/preflight.js';
import { repositoryRemoteUrl } from '../../src/bootstrap/remote.js';
import { checkWebhookUrl } from '../../src/bootstrap/slack-secret.js';
import { secretManifest } from '../../src/secrets/kubectl.js';

const repo = (repository: Record<string, unknown>) => parseAnswers({ repository }).repository;

describe('flux bootstrap argv per provider', () => {
  const cases: Array<{ name: string; repository: Record<string, unknown>; argv: string[]; token: string | undefined; remote: string }> = [
    {
      name: 'github (organisation, private)',
      repository: { provider: 'github', owner: 'piksel-ina', name: 'piksel-gitops' },
      argv: ['bootstrap', 'github', '--owner=piksel-ina', '--repository=piksel-gitops', '--branch=main', '--path=clusters/development', '--personal=false', '--private=true'],
      token: 'GITHUB_TOKEN',
      remote: 'https://github.com/piksel-ina/piksel-gitops.git',
    },
    {
      name: 'github enterprise (personal, public, own branch)',
      repository: { provider: 'github', owner: 'ana', name: 'fleet', branch: 'gitops', personal: true, private: false, hostname: 'github.example.org' },
      argv: ['bootstrap', 'github', '--owner=ana', '--repository=fleet', '--branch=gitops', '--path=clusters/development', '--personal=true', '--private=false', '--hostname=github.example.org'],
      token: 'GITHUB_TOKEN',
      remote: 'https://github.example.org/ana/fleet.git',
    },
    {
      name: 'gitlab (visibility instead of the deprecated --private)',
      repository: { provider: 'gitlab', owner: 'piksel', name: 'gitops' },
      argv: ['bootstrap', 'gitlab', '--owner=piksel', '--repository=gitops', '--branch=main', '--path=clusters/development', '--personal=false', '--visibility=private'],
      token: 'GITLAB_TOKEN',
      remote: 'https://gitlab.com/piksel/gitops.git',
    },
    {
      name: 'gitlab self-hosted, public',
      repository: { provider: 'gitlab', owner: 'piksel', name: 'gitops', private: false, hostname: 'gitlab.example.org' },
      argv: ['bootstrap', 'gitlab', '--owner=piksel', '--repository=gitops', '--branch=main', '--path=clusters/development', '--personal=false', '--visibility=public', '--hostname=gitlab.example.org'],
      token: 'GITLAB_TOKEN',
      remote: 'https://gitlab.example.org/piksel/gitops.git',
    },
    {
      name: 'gitea',
      repository: { provider: 'gitea', owner: 'piksel', name: 'gitops', hostname: 'gitea.example.org' },
      argv: ['bootstrap', 'gitea', '--owner=piksel', '--repository=gitops', '--branch=main', '--path=clusters/development', '--personal=false', '--private=true', '--hostname=gitea.example.org'],
      token: 'GITEA_TOKEN',
      remote: 'https://gitea.example.org/piksel/gitops.git',
    },
    {
      name: 'bitbucket-server (hostname required)',
      repository: { provider: 'bitbucket-server', owner: 'PIK', name: 'gitops', hostname: 'bitbucket.example.org' },
      argv: ['bootstrap', 'bitbucket-server', '--owner=PIK', '--repository=gitops', '--branch=main', '--path=clusters/development', '--personal=false', '--private=true', '--hostname=bitbucket.example.org'],
      token: 'BITBUCKET_TOKEN',
      remote: 'https://bitbucket.example.org/scm/PIK/gitops.git',
    },
    {
      name: 'plain git over https (password becomes the sync credential)',
      repository: { provider: 'git', url: 'https://git.example.org/piksel/gitops.git' },
      argv: ['bootstrap', 'git', '--url=https://git.example.org/piksel/gitops.git', '--branch=main', '--path=clusters/development', '--token-auth'],
      token: 'GIT_PASSWORD',
      remote: 'https://git.example.org/piksel/gitops.git',
    },
    {
      name: 'plain git over ssh (deploy key, no variable)',
      repository: { provider: 'git', url: 'ssh://git@git.example.org/piksel/gitops.git' },
      argv: ['bootstrap', 'git', '--url=ssh://git@git.example.org/piksel/gitops.git', '--branch=main', '--path=clusters/development', '--silent'],
      token: undefined,
      remote: 'ssh://git@git.example.org/piksel/gitops.git',
    },
  ];

  it.each(cases)('$name', ({ repository, argv, token, remote }) => {
    const r = repo(repository);
    expect(fluxBootstrapArgs({ repository: r }, { name: 'development' })).toEqual(argv);
    expect(tokenVariable(r)).toBe(token);
    expect(repositoryRemoteUrl(r)).toBe(remote);
  });

  it('pins the kube context and uses the cluster folder for --path', () => {
    const argv = fluxBootstrapArgs({ repository: repo({}) }, { name: 'staging' }, { context: 'eks-staging' });
    expect(argv).toContain('--path=clusters/staging');
    expect(argv.at(-1)).toBe('--context=eks-staging');
  });

  it('never puts a token-looking flag on the command line', () => {
    for (const { repository } of cases) {
      const argv = fluxBootstrapArgs({ repository: repo(repository) }, { name: 'development' });
      expect(argv.filter((a) => /^--(token|password|p)=|^-p$/.test(a))).toEqual([]);
    }
  });
});

describe('preflight helpers', () => {
  it('reads the flux version in its usual forms', () => {
    expect(parseFluxVersion('flux version 2.9.4\n')).toBe('2.9.4');
    expect(parseFluxVersion('flux: v2.7.0')).toBe('2.7.0');
    expect(parseFluxVersion('command not found')).toBeUndefined();
  });

  it('compares versions numerically', () => {
    expect(compareVersions('2.10.0', '2.7.0')).toBeGreaterThan(0);
    expect(compareVersions('2.6.9', '2.7.0')).toBeLessThan(0);
    expect(compareVersions('2.7.0', '2.7.0')).toBe(0);
  });
});

describe('Slack Secret and display', () => {
  it('builds the Secret the Provider reads (key address) in flux-system', () => {
    const manifest = JSON.parse(secretManifest({ name: 'slack-webhook', namespace: 'flux-system' }, { address: 'https://hooks.slack.com/services/T/B/x' })) as Record<string, any>;
    expect(manifest).toMatchObject({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'slack-webhook', namespace: 'flux-system' } });
    expect(manifest.stringData).toEqual({ address: 'https://hooks.slack.com/services/T/B/x' });
  });

  it('rejects a webhook that is not an https URL without repeating it', () => {
    expect(() => checkWebhookUrl('not-a-url-secret', 'SLACK_WEBHOOK_URL')).toThrow(/SLACK_WEBHOOK_URL is not an https/);
    try {
      checkWebhookUrl('not-a-url-secret', 'SLACK_WEBHOOK_URL');
    } catch (e) {
      expect((e as Error).message).not.toContain('not-a-url-secret');
    }
  });

  it('shows commands shell-quoted with secret variables as ***, and masks values', () => {
    expect(showCommand({ command: 'flux', args: ['bootstrap', 'git', '--url=https://h/o r.git'], secretEnv: ['GIT_PASSWORD'] })).toBe(
      "GIT_PASSWORD=*** flux bootstrap git '--url=https://h/o r.git'",
    );
    expect(redactor(['s3cr3t-token', undefined])('x s3cr3t-token y')).toBe('x *** y');
  });
});
