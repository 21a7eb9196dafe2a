import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkDeployability, checkSharedDatabaseServers, type DeployCluster, type ExpectedObjects } from '../../src/validate/deploy.js';
import type { Finding, LocatedObject } from '../../src/validate/types.js';
import { isObjectDoc, parseYamlFile } from '../../src/validate/yaml.js';
import { render } from '../support/render.js';

const objects = (file: string, text: string): LocatedObject[] =>
  parseYamlFile(file, text).docs.filter(isObjectDoc).map((d) => ({ object: d.value, file, line: d.line, source: d }));
const NONE: ExpectedObjects = { secrets: new Set(), storageClasses: () => new Set(), known: true };
const inCluster = (texts: string[], expected: ExpectedObjects) => {
  const all = texts.flatMap((t, i) => objects(`infrastructure/f${i}.yaml`, t));
  const cluster: DeployCluster = { name: 'dev', objects: all, builds: [{ objects: all }] };
  return checkDeployability(cluster, expected).filter((f) => /PgBouncer|whose SQL uses role/.test(f.message));
};
const check = (...texts: string[]) => inCluster(texts, NONE);
const brief = (findings: Finding[]) => findings.map((f) => `${f.line}: ${f.message}`);

const configMap = (data: Record<string, string>) => stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'database' }, data });
const job = (command: string[]) =>
  stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'odc-schema', namespace: 'database' },
    spec: { template: { spec: { containers: [{ name: 'x', image: 'ghcr.io/opendatacube/ows:1.9.9', command }] } } },
  });

describe('validate deploy: the database layer', () => {
  it("flags a '*' route in PgBouncer's configuration, not an explicit list", () => {
    const wildcard = configMap({ 'pgbouncer.ini': '[databases]\nodc = host=db dbname=odc\n* = host=db port=5432\n\n[pgbouncer]\nlisten_port = 6432\n' });
    expect(brief(check(wildcard))).toEqual([expect.stringMatching(/routes every database name/)]);
    expect(check(configMap({ 'pgbouncer.ini': '[databases]\nodc = host=db dbname=odc\n[pgbouncer]\nlisten_port = 6432\n' }))).toEqual([]);
  });

  it('flags a schema Job whose tool uses roles nothing creates', () => {
    expect(brief(check(job(['datacube', 'system', 'init', '--no-init-users']))).join('\n')).toMatch(/odc_user, odc_manage, odc_admin, but nothing in cluster dev creates them/);
    expect(brief(check(job(['/bin/sh', '-c', 'exec datacube-ows-update --schema --write-role "$U"'])))).toEqual([expect.stringMatching(/role odc_user/)]);
    // datacube with users creates them itself; the setup's SQL creating them satisfies every tool.
    expect(check(job(['datacube', 'system', 'init']))).toEqual([]);
    const roles = configMap({ 'odc.sql': "SELECT 'CREATE ROLE odc_user NOLOGIN'\\gexec\nCREATE ROLE odc_manage;\nCREATE ROLE odc_admin;\n" });
    expect(check(roles, job(['cubedash-gen', '--init']), job(['datacube', 'system', 'init', '--no-init-users']))).toEqual([]);
    // Without the answers the roles may come from outside Git (Terraform): a warning.
    expect(inCluster([job(['cubedash-gen', '--init'])], { ...NONE, known: false }).map((f) => f.severity)).toEqual(['warning']);
  });

  it('flags two clusters on one server with the same database names', () => {
    const layer = (host: string, names: Record<string, string>) =>
      stringify({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        metadata: { name: 'database', namespace: 'flux-system' },
        spec: { path: './infrastructure/database', postBuild: { substitute: { DATABASE_HOST: host, DATABASE_PORT: '5432', ...names } } },
      });
    const same = [
      { path: 'clusters/a/database.yaml', text: layer('db.example.org', { DATABASE_NAME_ODC: 'odc' }) },
      { path: 'clusters/b/database.yaml', text: layer('db.example.org', { DATABASE_NAME_ODC: 'odc' }) },
    ];
    expect(brief(checkSharedDatabaseServers(same))).toEqual([expect.stringMatching(/clusters a and b use the same PostgreSQL server \(db\.example\.org:5432\).*\(odc\)/)]);
    const apart = [same[0]!, { path: 'clusters/b/database.yaml', text: layer('db.example.org', { DATABASE_NAME_ODC: 'b_odc' }) }];
    expect(checkSharedDatabaseServers(apart)).toEqual([]);
    const elsewhere = [same[0]!, { path: 'clusters/b/database.yaml', text: layer('other.example.org', { DATABASE_NAME_ODC: 'odc' }) }];
    expect(checkSharedDatabaseServers(elsewhere)).toEqual([]);
  });

  it('the generated repository passes all three, with two clusters on one server', async () => {
    const { files } = await render({ clusters: [{ name: 'staging' }, { name: 'production' }], database: { host: 'db.example.org' } });
    const texts = [...files].map(([path, text]) => ({ path, text }));
    expect(checkSharedDatabaseServers(texts)).toEqual([]);
    const all = [...files].filter(([p]) => p.startsWith('infrastructure/') && p.endsWith('.yaml')).map(([, t]) => t);
    expect(check(...all)).toEqual([]);
  });
});
