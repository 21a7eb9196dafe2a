import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { gitCredentialEnv, probeRemote, repositoryIdentity, type GitSession } from '../../src/bootstrap/remote.js';
import { runProcess } from '../../src/process.js';
import { tempDir } from '../support/cli.js';

const repository = (raw: Record<string, unknown> = {}) => parseAnswers({ repository: raw }).repository;

describe('remote helpers', () => {
  it('compares repositories whatever the URL form', () => {
    const https = repositoryIdentity('https://github.com/piksel-ina/piksel-gitops.git');
    expect(repositoryIdentity('git@github.com:piksel-ina/piksel-gitops.git')).toBe(https);
    expect(repositoryIdentity('ssh://git@GitHub.com/piksel-ina/piksel-gitops')).toBe(https);
    expect(repositoryIdentity('https://github.com/piksel-ina/other.git')).not.toBe(https);
    expect(repositoryIdentity('ssh://git@bitbucket.example.org:7999/PIK/gitops.git')).toBe(repositoryIdentity('https://bitbucket.example.org/scm/PIK/gitops.git'));
  });

  it('the credential helper names the variable, not its value, and appends to GIT_CONFIG_* already set', () => {
    const extra = gitCredentialEnv(repository(), 'GITHUB_TOKEN', { GITHUB_TOKEN: 'ghp_secretvalue', GIT_CONFIG_COUNT: '1' });
    expect(extra.GIT_CONFIG_COUNT).toBe('3');
    expect(extra.GIT_CONFIG_KEY_1).toBe('credential.helper');
    expect(extra.GIT_CONFIG_VALUE_1).toBe(''); // the user's helpers never see the token
    expect(extra.GIT_CONFIG_KEY_2).toBe('credential.helper');
    expect(extra.GIT_CONFIG_VALUE_2).toContain('"$GITHUB_TOKEN"');
    expect(JSON.stringify(extra)).not.toContain('ghp_secretvalue');
    expect(gitCredentialEnv(repository(), 'GITHUB_TOKEN', {})).toEqual({});
  });

  it.each([
    [{ provider: 'github' }, 'GITHUB_TOKEN', 'x-access-token'],
    [{ provider: 'gitlab' }, 'GITLAB_TOKEN', 'oauth2'],
    [{ provider: 'bitbucket-server', hostname: 'bitbucket.example.org' }, 'BITBUCKET_TOKEN', 'x-token-auth'],
    [{ provider: 'git', url: 'https://git.example.org/o/r.git' }, 'GIT_PASSWORD', 'git'],
  ])('real git gets the token from the helper (%o)', async (raw, variable, username) => {
    const token = `tok-${Math.random().toString(36).slice(2)}`;
    const env = { [variable]: token, GIT_TERMINAL_PROMPT: '0' };
    const result = await execa('git', ['credential', 'fill'], {
      env: { ...env, ...gitCredentialEnv(repository(raw), variable, env) },
      input: 'protocol=https\nhost=example.org\n\n',
    });
    expect(result.stdout).toContain(`username=${username}\npassword=${token}`);
  });
});

describe('the hosted repository, probed with real git before anything changes', () => {
  const session = async (): Promise<GitSession> => ({ run: runProcess, dir: await tempDir('piksel-probe-'), remoteEnv: { GIT_TERMINAL_PROMPT: '0' }, redact: (t) => t });

  it('a repository that answers exists; one the remote says is not there is missing', async () => {
    const root = await tempDir('piksel-remotes-');
    await execa('git', ['init', '--quiet', '--bare', join(root, 'there.git')]);
    expect(await probeRemote(await session(), join(root, 'there.git'))).toBe('exists');
    expect(await probeRemote(await session(), join(root, 'not-there.git'))).toBe('missing');
  });

  it('anything else is not taken for "missing": a host that does not resolve stops (exit 1) naming the cause', async () => {
    await expect(probeRemote(await session(), 'https://piksel.invalid/piksel-ina/piksel-gitops.git')).rejects.toMatchObject({
      kind: 'step',
      message: expect.stringMatching(/^could not reach https:\/\/piksel\.invalid\/piksel-ina\/piksel-gitops\.git \(.*Could not resolve host: piksel\.invalid\)/),
    });
  });
});
