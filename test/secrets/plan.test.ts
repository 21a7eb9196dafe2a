import { describe, expect, it } from 'vitest';
import type { SecretRequirement } from '../../src/catalog/component.js';
import { manualCommand } from '../../src/secrets/ensure.js';
import { planGroups, rotationTargets } from '../../src/secrets/plan.js';
import { generateValues, randomText } from '../../src/secrets/values.js';

const db = (namespace: string): SecretRequirement => ({
  name: 'odc-db',
  namespace,
  keys: ['username', 'password'],
  purpose: 'odc login',
  createdBy: 'bootstrap',
  source: { kind: 'generated', values: { username: { fixed: 'odc' }, password: { random: 40 } } },
  group: 'database-odc',
  afterRotate: [{ kind: 'restart', namespace: 'database', deployment: 'db-proxy' }],
});
const admin: SecretRequirement = {
  name: 'database-admin',
  namespace: 'database',
  keys: ['username', 'password'],
  purpose: 'admin',
  createdBy: 'bootstrap',
  source: { kind: 'external', env: { username: 'PIKSEL_DB_ADMIN_USERNAME', password: 'PIKSEL_DB_ADMIN_PASSWORD' }, hint: 'admin' },
};
const auth: SecretRequirement = { name: 'jupyterhub-auth', namespace: 'jupyterhub', keys: ['values.yaml'], purpose: 'auth', createdBy: 'operator', source: { kind: 'external', env: {}, hint: 'idp' } };
const hub: SecretRequirement = { name: 'hub', namespace: 'jupyterhub', keys: ['k'], purpose: 'hub', createdBy: 'chart', source: { kind: 'chart', by: 'the jupyterhub chart' } };
const inventory = [db('odc'), db('database'), admin, auth, hub];

describe('secret plan (pure)', () => {
  it('decides per group: create, copy from an existing partner, keep, provide, missing, chart', () => {
    const none = planGroups(inventory, () => false, new Set());
    expect(none.map((p) => [p.key, p.action])).toEqual([
      ['database-odc', 'create'],
      ['database/database-admin', 'provide'],
      ['jupyterhub/jupyterhub-auth', 'missing'],
      ['jupyterhub/hub', 'chart'],
    ]);
    const half = planGroups(inventory, (s) => s.namespace === 'database', new Set());
    expect(half[0]).toMatchObject({ action: 'copy', existing: [expect.objectContaining({ namespace: 'database' })] });
    expect(half[1]!.action).toBe('keep');
    const all = planGroups(inventory, () => true, new Set(['database-odc']));
    expect(all.map((p) => p.action)).toEqual(['rotate', 'keep', 'keep', 'chart']);
    expect(all[0]!.afterRotate).toHaveLength(1);
  });

  it('--rotate matches a name, namespace/name or group; all means every generated group; unknown names and chart Secrets are refused', () => {
    expect([...rotationTargets(inventory, ['odc-db'])]).toEqual(['database-odc']);
    expect([...rotationTargets(inventory, ['database/odc-db'])]).toEqual(['database-odc']);
    expect([...rotationTargets(inventory, ['all'])]).toEqual(['database-odc']);
    expect(() => rotationTargets(inventory, ['hub'])).toThrow(/no such Secret/);
    expect(() => planGroups(inventory, () => true, rotationTargets(inventory, ['jupyterhub-auth']))).toThrow(/the operator creates this Secret/);
  });

  it('values are random: letters and digits, never shorter than 32, fixed ones as given', () => {
    expect(randomText(8)).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(randomText(64)).toHaveLength(64);
    expect(randomText(40)).not.toBe(randomText(40));
    expect(generateValues({ username: { fixed: 'odc' }, password: { random: 40 } })).toEqual({ username: 'odc', password: expect.stringMatching(/^[A-Za-z0-9]{40}$/) });
  });

  it('the manual command reads values without echo and passes them on stdin (never export, never argv)', () => {
    const { command, env } = manualCommand(admin, 'eks-dev');
    expect(env).toEqual(['PIKSEL_DB_ADMIN_USERNAME', 'PIKSEL_DB_ADMIN_PASSWORD']);
    expect(command).toBe(
      `read -rs PIKSEL_DB_ADMIN_USERNAME && read -rs PIKSEL_DB_ADMIN_PASSWORD && printf 'username=%s\\npassword=%s\\n' "$PIKSEL_DB_ADMIN_USERNAME" "$PIKSEL_DB_ADMIN_PASSWORD" | kubectl --context=eks-dev --namespace=database create secret generic database-admin --from-env-file=/dev/stdin`,
    );
    expect(command).not.toMatch(/export /);
    expect(manualCommand(auth, 'eks-dev').command).toBe('kubectl --context=eks-dev --namespace=jupyterhub create secret generic jupyterhub-auth --from-file=values.yaml=./values.yaml');
  });

  it('the manual command shell-quotes the kube context', () => {
    expect(manualCommand(auth, 'dev $(touch owned) ctx').command).toBe(
      "kubectl '--context=dev $(touch owned) ctx' --namespace=jupyterhub create secret generic jupyterhub-auth --from-file=values.yaml=./values.yaml",
    );
    expect(manualCommand(admin, "it's").command).toMatch(/\| kubectl '--context=it'\\''s' --namespace=database create/);
    expect(manualCommand(auth, 'arn:aws:eks:eu-west-1:123456789012:cluster/dev').command).toMatch(/^kubectl --context=arn:aws:eks:eu-west-1:123456789012:cluster\/dev --namespace/);
  });
});
