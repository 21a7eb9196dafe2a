import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { render } from '../support/render.js';

type Obj = { kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: Record<string, unknown>; data?: Record<string, string> };
const docs = (text: string) => parseAllDocuments(text).map((d) => d.toJS() as Obj);
/** Flux's postBuild substitution, for one cluster's values. */
const substitute = (text: string, vars: Record<string, string>) => text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, n: string) => vars[n] ?? '');

async function layer(raw: Record<string, unknown>) {
  const { files } = await render(raw);
  const vars = docs(files.get('clusters/development/database.yaml')!).find((d) => d.metadata.name === 'database')!.spec!.postBuild as { substitute: Record<string, string> };
  const proxy = docs(substitute(files.get('infrastructure/database/db-proxy.yaml')!, vars.substitute));
  return { files, proxy, deployment: proxy.find((d) => d.kind === 'Deployment')! };
}

describe('the database layer as generated', () => {
  it('rolls db-proxy when the database host or port changes (PgBouncer reads its file once)', async () => {
    const podTemplate = async (database: Record<string, unknown>) => JSON.stringify((await layer({ database })).deployment.spec!.template);
    const base = await podTemplate({ host: 'db-a.example.org', port: 5432 });
    expect(await podTemplate({ host: 'db-b.example.org', port: 5432 })).not.toBe(base);
    expect(await podTemplate({ host: 'db-a.example.org', port: 5433 })).not.toBe(base);
  });

  it('keeps one db-proxy up through a drain and admits only the app namespaces', async () => {
    const { proxy } = await layer({});
    expect(proxy.find((d) => d.kind === 'PodDisruptionBudget')?.spec).toMatchObject({ minAvailable: 1 });
    const policy = proxy.find((d) => d.kind === 'NetworkPolicy')!;
    expect(JSON.stringify(policy.spec)).toContain('"values":["argo","jupyterhub","odc","stac"]');
  });

  it('never prunes the namespaces that hold database logins', async () => {
    const { files } = await render({});
    for (const path of ['infrastructure/database/namespace.yaml', 'apps/base/argo/namespace.yaml', 'apps/base/odc/namespace.yaml', 'apps/base/stac/namespace.yaml'])
      expect(docs(files.get(path)!)[0]!.metadata.annotations?.['kustomize.toolkit.fluxcd.io/prune'], path).toBe('disabled');
  });

  it('lets failed database Jobs be retried without hand work', async () => {
    const { files } = await render({});
    for (const path of ['infrastructure/database/database-setup.yaml', 'infrastructure/schemas/odc/odc-schema.yaml', 'infrastructure/schemas/stac/stac-schema.yaml']) {
      const job = docs(files.get(path)!).find((d) => d.kind === 'Job')!;
      expect(job.spec!.ttlSecondsAfterFinished, path).toBeGreaterThan(0);
    }
  });
});
