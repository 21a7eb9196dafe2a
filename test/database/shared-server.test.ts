import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { secretInventory } from '../../src/catalog/selection.js';
import { clusterKustomizations } from '../../src/render/flux-graph.js';
import { selectComponents } from '../../src/catalog/selection.js';

const twoClusters = (second: Record<string, unknown> = {}) =>
  parseAnswers({ clusters: [{ name: 'staging' }, { name: 'prod-east', ...second }], database: { host: 'db.example.org', port: 5432 } });

/** A cluster's role names as bootstrap creates them, and its database names as Flux fills them in. */
function names(answers: ReturnType<typeof parseAnswers>, index: number) {
  const cluster = answers.clusters[index]!;
  const roles = secretInventory(answers, undefined, cluster)
    .filter((s) => s.namespace === 'database' && s.source.kind === 'generated')
    .map((s) => (s.source.kind === 'generated' && 'fixed' in s.source.values.username! ? s.source.values.username.fixed : ''));
  const database = clusterKustomizations(answers, cluster, selectComponents(answers)).find((k) => k.name === 'database')!;
  const databases = Object.entries(database.substitute ?? {}).filter(([k]) => k.startsWith('DATABASE_NAME_')).map(([, v]) => v);
  return { roles, databases };
}

describe('two clusters on one PostgreSQL server', () => {
  it('the second gets its own role and database names by default; the first keeps the plain ones', () => {
    const answers = twoClusters();
    // odc_read: the notebooks' read-only login to the data cube.
    expect(names(answers, 0)).toEqual({ roles: ['argo', 'jupyterhub', 'odc', 'odc_read', 'stac'], databases: ['argo', 'jupyterhub', 'odc', 'stac'] });
    expect(names(answers, 1)).toEqual({
      roles: ['prod_east_argo', 'prod_east_jupyterhub', 'prod_east_odc', 'prod_east_odc_read', 'prod_east_stac'],
      databases: ['prod_east_argo', 'prod_east_jupyterhub', 'prod_east_odc', 'prod_east_stac'],
    });
  });

  it('a cluster on a server of its own keeps the plain names', () => {
    expect(names(twoClusters({ database: { host: 'other.example.org' } }), 1).roles).toEqual(['argo', 'jupyterhub', 'odc', 'odc_read', 'stac']);
  });

  it('an explicit prefix names them', () => {
    expect(names(twoClusters({ database: { prefix: 'east' } }), 1).databases).toContain('east_odc');
  });

  it('refuses two clusters on one server with the same names, naming the field to change', () => {
    expect(() =>
      parseAnswers({ clusters: [{ name: 'a', database: { prefix: 'x' } }, { name: 'b', database: { prefix: 'x' } }], database: { host: 'db.example.org' } }),
    ).toThrow(/clusters\.1\.database\.prefix/);
  });
});
