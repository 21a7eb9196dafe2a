import { describe, expect, it } from 'vitest';
import type { ProcessRunner } from '../../src/process.js';
import { kubectlBackend } from '../../src/secrets/kubectl.js';

/** kubectl's answer to `get secret A B --ignore-not-found --output=name`: a `secret/<name>` line for each one that exists. */
const cluster = (existing: readonly string[]) => {
  const calls: string[][] = [];
  const run: ProcessRunner = async (_command, args) => {
    calls.push([...args]);
    const namespace = args.find((a) => a.startsWith('--namespace='))!.slice('--namespace='.length);
    const names = args.slice(args.indexOf('secret') + 1).filter((a) => !a.startsWith('--'));
    const stdout = names.filter((n) => existing.includes(`${namespace}/${n}`)).map((n) => `secret/${n}\n`).join('');
    return { exitCode: 0, stdout, stderr: '', notFound: false };
  };
  return { run, calls };
};

describe('looking up which Secrets exist', () => {
  it('asks once per namespace, for its names together, and reads back only those kubectl printed', async () => {
    const { run, calls } = cluster(['database/odc-db', 'odc/odc-db']);
    const found = await kubectlBackend(run, 'kind-piksel').existing([
      { namespace: 'database', name: 'odc-db' },
      { namespace: 'database', name: 'stac-db' },
      { namespace: 'odc', name: 'odc-db' },
      { namespace: 'stac', name: 'stac-db' },
      { namespace: 'database', name: 'odc-db' },
    ]);
    expect([...found].sort()).toEqual(['database/odc-db', 'odc/odc-db']);
    expect(calls).toEqual([
      ['--context=kind-piksel', 'get', 'secret', 'odc-db', 'stac-db', '--namespace=database', '--ignore-not-found', '--output=name'],
      ['--context=kind-piksel', 'get', 'secret', 'odc-db', '--namespace=odc', '--ignore-not-found', '--output=name'],
      ['--context=kind-piksel', 'get', 'secret', 'stac-db', '--namespace=stac', '--ignore-not-found', '--output=name'],
    ]);
  });

  it('a refused lookup names the namespace and never continues as if nothing existed', async () => {
    const run: ProcessRunner = async () => ({ exitCode: 1, stdout: '', stderr: 'Error from server (Forbidden): secrets "odc-db" is forbidden\n', notFound: false });
    await expect(kubectlBackend(run, 'kind-piksel').existing([{ namespace: 'odc', name: 'odc-db' }])).rejects.toThrow(/could not look up the Secrets of namespace odc .*Forbidden/);
  });
});
