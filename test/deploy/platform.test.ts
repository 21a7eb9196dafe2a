import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { render, renderTo } from '../support/render.js';

/** Every object of a rendered file, as plain data. */
const objectsOf = (text: string | undefined): Record<string, any>[] =>
  parseAllDocuments(text ?? '').map((d) => d.toJS()).filter((o) => o && typeof o === 'object');

const build = (dir: string) =>
  parseAllDocuments(execFileSync('kubectl', ['kustomize', '--load-restrictor=LoadRestrictionsNone', dir], { encoding: 'utf8' }))
    .map((d) => d.toJS())
    .filter(Boolean) as Record<string, any>[];

const kustomizationsOf = (files: ReadonlyMap<string, string>, cluster = 'development', environment = cluster) =>
  [
    ...objectsOf(files.get(`clusters/${cluster}/infrastructure.yaml`)),
    ...objectsOf(files.get(`clusters/${cluster}/database.yaml`)),
    ...objectsOf(files.get(`clusters/${cluster}/apps.yaml`)),
    ...objectsOf(files.get(`apps/${environment}/kustomizations.yaml`)),
  ].filter((o) => o.kind === 'Kustomization');

describe('the generated platform comes up in order and never stalls', () => {
  let dir: string;
  let files: ReadonlyMap<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'piksel-deploy-'));
    files = (await renderTo(dir, {})).files;
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('keeps the seed chain and gives each app its own Kustomization, waiting only for what it needs', () => {
    const byName = new Map(kustomizationsOf(files).map((k) => [k.metadata.name, k.spec]));
    expect(byName.get('infra-controllers')).toMatchObject({ interval: '1h', path: './infrastructure/controllers' });
    expect(byName.get('infra-controllers').dependsOn).toBeUndefined();
    expect(byName.get('infra-configs').dependsOn).toEqual([{ name: 'infra-controllers' }]);
    expect(byName.get('apps')).toMatchObject({ interval: '1m', path: './apps/development', dependsOn: [{ name: 'infra-configs' }] });
    expect(byName.get('database').dependsOn).toBeUndefined();
    expect(byName.get('odc-schema').dependsOn).toEqual([{ name: 'database' }]);
    expect(byName.get('stac-schema').dependsOn).toEqual([{ name: 'database' }]);
    expect(byName.get('argo').dependsOn).toEqual([{ name: 'database' }]);
    expect(byName.get('jupyterhub').dependsOn).toEqual([{ name: 'database' }]);
    expect(byName.get('odc').dependsOn).toEqual([{ name: 'odc-schema' }]);
    expect(byName.get('stac').dependsOn).toEqual([{ name: 'stac-schema' }]);
    // The indexing workflows are Argo objects that write to the data cube: Argo's CRDs and odc first.
    expect(byName.get('indexing').dependsOn).toEqual([{ name: 'argo' }, { name: 'odc' }]);
    for (const app of ['terria', 'tileserver', 'monitoring', 'jupyterdask']) expect(byName.get(app).dependsOn, app).toBeUndefined();
    for (const app of ['argo', 'jupyterhub', 'odc', 'stac', 'terria', 'tileserver', 'monitoring', 'jupyterdask'])
      expect(byName.get(app).path).toBe(`./apps/development/${app}`);
    // kube-prometheus-stack's first install takes ~10 minutes: its Kustomization and the apps layer wait longer.
    expect(byName.get('monitoring').timeout).toBe('20m');
    expect(byName.get('apps').timeout).toBe('20m');
    // The apps layer applies exactly the per-app Kustomizations, not the apps themselves.
    expect(build(join(dir, 'apps/development')).map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
      ['argo', 'indexing', 'jupyterdask', 'jupyterhub', 'monitoring', 'odc', 'stac', 'terria', 'tileserver'].map((n) => `Kustomization/${n}`),
    );
  });

  it('gives every HelmRelease RetryOnFailure for install and upgrade, and no finite retries', () => {
    const releases = [...files].filter(([p]) => p.endsWith('.yaml')).flatMap(([, t]) => objectsOf(t)).filter((o) => o.kind === 'HelmRelease' && (o.spec?.chart || o.spec?.chartRef));
    expect(releases.length).toBeGreaterThanOrEqual(9);
    for (const r of releases) {
      expect(r.spec.install.strategy.name, r.metadata.name).toBe('RetryOnFailure');
      expect(r.spec.upgrade.strategy.name, r.metadata.name).toBe('RetryOnFailure');
      expect(JSON.stringify(r.spec), r.metadata.name).not.toContain('"retries"');
    }
  });

  it('builds the database layer: db-proxy user list from the app Secrets, session pooling for odc and jupyterhub, an idempotent setup Job', () => {
    const objects = build(join(dir, 'infrastructure/database'));
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'db-proxy-config')!;
    const ini: string = config.data['pgbouncer.ini'];
    // Apps ask for their plain name; the cluster's name on the server is filled in by Flux.
    expect(ini).toMatch(/^odc = host=\$\{DATABASE_HOST\} port=\$\{DATABASE_PORT\} dbname=\$\{DATABASE_NAME_ODC\} pool_mode=session pool_size=\d+ max_db_connections=\d+$/m);
    expect(ini).toMatch(/^jupyterhub = .* pool_mode=session /m);
    // No catch-all line: a database name not listed is refused by db-proxy.
    expect(ini).not.toMatch(/^\* =/m);
    expect(ini).toMatch(/^pool_mode = transaction$/m);
    const proxy = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'db-proxy')!;
    const secretVolumes = proxy.spec.template.spec.volumes.filter((v: any) => v.secret).map((v: any) => v.secret.secretName).sort();
    // odc-read-db: the notebooks' read-only login to the data cube.
    expect(secretVolumes).toEqual(['argo-db', 'jupyterhub-db', 'odc-db', 'odc-read-db', 'stac-db']);
    expect(proxy.spec.template.spec.initContainers[0].command).toEqual(['/bin/sh', '/scripts/build-userlist.sh']);
    const scripts = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'database-scripts')!;
    // Shell and psql variables must survive Flux's substitution.
    expect(scripts.metadata.annotations['kustomize.toolkit.fluxcd.io/substitute']).toBe('disabled');
    expect(scripts.data['odc.sql']).toContain('CREATE EXTENSION IF NOT EXISTS postgis;');
    for (const app of ['argo', 'jupyterhub', 'odc', 'stac']) {
      const sql: string = scripts.data[`${app}.sql`];
      expect(sql).toContain("WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role_name')");
      expect(sql).toContain(`\\getenv db_name DATABASE_NAME_${app.toUpperCase()}`);
      expect(sql).toContain("WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db_name')");
      expect(sql).toContain('REVOKE CONNECT, TEMPORARY ON DATABASE :"db_name" FROM PUBLIC;');
      expect(sql).toContain(`\\set role_password \`cat /secrets/${app}/password\``);
    }
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'database-setup')!;
    expect(job.metadata.annotations['kustomize.toolkit.fluxcd.io/force']).toBe('enabled');
    const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef.name]));
    expect(env).toMatchObject({ PGHOST: '${DATABASE_HOST}', PGUSER: 'database-admin', PGPASSWORD: 'database-admin' });
    // Nothing in the database folder holds a value of the cluster: it is filled in by the cluster's Kustomization.
    expect(JSON.stringify(objects)).not.toContain('postgres.example.org');
    const database = kustomizationsOf(files).find((k) => k.metadata.name === 'database')!;
    expect(database.spec.postBuild.substitute).toEqual({
      DATABASE_HOST: 'postgres.example.org',
      DATABASE_PORT: '5432',
      DATABASE_NAME_ARGO: 'argo',
      DATABASE_NAME_JUPYTERHUB: 'jupyterhub',
      DATABASE_NAME_ODC: 'odc',
      DATABASE_NAME_STAC: 'stac',
    });
  });

  it('initialises each schema before its app, with the commands each app needs', () => {
    const odc = build(join(dir, 'infrastructure/schemas/odc')).find((o) => o.kind === 'Job')!;
    const steps = [...odc.spec.template.spec.initContainers, ...odc.spec.template.spec.containers].map((c: any) => c.command.join(' '));
    expect(steps).toEqual([
      'datacube system init --no-init-users',
      // The role is the Secret's username, expanded by the shell (not Flux).
      '/bin/sh -c exec datacube-ows-update --schema --write-role "$ODC_DEFAULT_DB_USERNAME"',
      'cubedash-gen --init',
      'psql --no-psqlrc --set=ON_ERROR_STOP=1 --file=/sql/grants.sql',
    ]);
    // datacube-ows-update reads an OWS configuration even for --schema: a mounted one, parsed as JSON.
    const objects = build(join(dir, 'infrastructure/schemas/odc'));
    const ows = odc.spec.template.spec.initContainers[1];
    const cfgPath = ows.env.find((e: any) => e.name === 'DATACUBE_OWS_CFG').value as string;
    const mount = ows.volumeMounts[0];
    expect(cfgPath.startsWith(`${mount.mountPath}/`)).toBe(true);
    const configMapName = odc.spec.template.spec.volumes.find((v: any) => v.name === mount.name).configMap.name;
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === configMapName)!;
    expect(JSON.parse(config.data[cfgPath.slice(mount.mountPath.length + 1)])).toMatchObject({ layers: [], global: { services: { wms: true } } });
    const stac = build(join(dir, 'infrastructure/schemas/stac')).find((o) => o.kind === 'Job')!;
    expect(stac.spec.template.spec.containers[0].command).toEqual(['pypgstac', 'migrate']);
  });

  it('keeps the data of jupyterhub and monitoring when they are turned off', () => {
    for (const app of ['jupyterhub', 'monitoring']) {
      const ns = objectsOf(files.get(`apps/base/${app}/namespace.yaml`))[0]!;
      expect(ns.metadata.annotations['kustomize.toolkit.fluxcd.io/prune'], app).toBe('disabled');
    }
  });

  it('pins images that exist: stac-browser has no v, cert-manager has its v', () => {
    expect(files.get('apps/base/stac/stac-browser.yaml')).toContain('ghcr.io/radiantearth/stac-browser:5.1.0');
    expect(files.get('infrastructure/controllers/cert-manager.yaml')).toContain('tag: "v1.21.2"');
    for (const [path, text] of files) expect(text, path).not.toMatch(/image: \S+:latest\b/);
  });

  it('sets the device plugin affinity from the GPU node labels, and never trusts forwarded headers', async () => {
    const plugin = objectsOf(files.get('infrastructure/controllers/nvidia-device-plugin.yaml')).find((o) => o.kind === 'HelmRelease')!;
    expect(plugin.spec.values.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'nvidia.com/gpu.present', operator: 'In', values: ['true'] }] },
    ]);
    const nginx = (await render({ ingress: { controller: 'ingress-nginx' } })).files;
    expect(nginx.get('infrastructure/controllers/ingress-nginx.yaml')).toContain('use-forwarded-headers: "false"');
  });
});

describe('per-cluster settings', () => {
  const twoClusters = {
    database: { host: 'db.dev.internal' },
    slack: { channel: 'dev-alerts' },
    clusters: [
      { name: 'development' },
      {
        name: 'production',
        database: { host: 'db.prod.internal', port: 5433 },
        certManager: { issuer: 'letsencrypt-production' },
        slack: { channel: 'prod-alerts', severity: 'error' },
        gpu: { enabled: false },
      },
    ],
  };

  it("fills each cluster's database, issuer, Slack and GPU settings into that cluster's objects only", async () => {
    const { files } = await render(twoClusters);
    const prodDb = kustomizationsOf(files, 'production').find((k) => k.metadata.name === 'database')!;
    expect(prodDb.spec.postBuild.substitute).toMatchObject({ DATABASE_HOST: 'db.prod.internal', DATABASE_PORT: '5433', DATABASE_NAME_ODC: 'odc' });
    const devDb = kustomizationsOf(files, 'development').find((k) => k.metadata.name === 'database')!;
    expect(devDb.spec.postBuild.substitute.DATABASE_HOST).toBe('db.dev.internal');
    for (const [path, text] of files) {
      if (path.startsWith('clusters/production/') || path.startsWith('apps/production/')) expect(text, path).not.toContain('db.dev.internal');
      else if (path !== 'piksel-answers.yaml') expect(text, path).not.toContain('db.prod.internal');
    }
    // Each cluster's Gateway takes its issuer from that cluster's infra-configs.
    const issuerOf = (cluster: string) => kustomizationsOf(files, cluster).find((k) => k.metadata.name === 'infra-configs')!.spec.postBuild.substitute.CLUSTER_ISSUER;
    expect(issuerOf('production')).toBe('letsencrypt-production');
    expect(issuerOf('development')).toBe('letsencrypt-staging');
    const alert = objectsOf(files.get('clusters/production/notifications.yaml')).find((o) => o.kind === 'Alert')!;
    expect(alert.spec.eventSeverity).toBe('error');
    // Its GPU is off: the Alert watches no HelmRelease namespace that production never creates.
    expect(alert.spec.eventSources.map((e: any) => e.namespace)).not.toContain('nvidia-device-plugin');
    const devAlert = objectsOf(files.get('clusters/development/notifications.yaml')).find((o) => o.kind === 'Alert')!;
    expect(devAlert.spec.eventSources.map((e: any) => e.namespace)).toContain('nvidia-device-plugin');
    const prodControllers = kustomizationsOf(files, 'production').find((k) => k.metadata.name === 'infra-controllers')!;
    const patches = JSON.stringify(prodControllers.spec.patches);
    expect(patches).toContain('prod-alerts');
    expect(patches).toContain('$patch: delete');
    const devControllers = kustomizationsOf(files, 'development').find((k) => k.metadata.name === 'infra-controllers')!;
    expect(JSON.stringify(devControllers.spec.patches ?? [])).not.toContain('$patch');
    // GPU off on production: no GPU profile in its JupyterHub overlay.
    expect(files.get('apps/production/jupyterhub/release-patch.yaml')).not.toContain('nvidia.com/gpu');
    expect(files.get('apps/development/jupyterhub/release-patch.yaml')).toContain('nvidia.com/gpu');
  });

  it('a cluster with GPU off drops the device plugin through its own Kustomization patches (kustomize applies them)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piksel-gpu-'));
    try {
      const { files } = await renderTo(dir, twoClusters);
      const prodControllers = kustomizationsOf(files, 'production').find((k) => k.metadata.name === 'infra-controllers')!;
      // Build the shared folder the way Flux does for production: with that cluster's patches.
      const { writeFile } = await import('node:fs/promises');
      const overlay = join(dir, 'prod-controllers');
      await import('node:fs/promises').then((fs) => fs.mkdir(overlay));
      await writeFile(join(overlay, 'kustomization.yaml'), JSON.stringify({ resources: ['../infrastructure/controllers'], patches: prodControllers.spec.patches }));
      const kinds = build(overlay).map((o) => `${o.kind}/${o.metadata.name}`);
      expect(kinds).not.toContain('HelmRelease/nvidia-device-plugin');
      expect(kinds).not.toContain('Namespace/nvidia-device-plugin');
      expect(kinds).toContain('HelmRelease/cert-manager');
      expect(build(join(dir, 'infrastructure/controllers')).map((o) => `${o.kind}/${o.metadata.name}`)).toContain('HelmRelease/nvidia-device-plugin');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses two clusters sharing one environment overlay', async () => {
    await expect(render({ clusters: [{ name: 'a', environment: 'shared' }, { name: 'b', environment: 'shared' }] })).rejects.toThrow(/environment/);
  });
});

describe('the aws profile deploys what it references', () => {
  it('defines its StorageClass on the EBS CSI driver and gives OWS the region', async () => {
    const { files } = await render({ clusters: [{ name: 'staging', cloud: 'aws', aws: { region: 'ap-southeast-3' } }] });
    const storageClass = objectsOf(files.get('clusters/staging/storage.yaml'))[0]!;
    expect(storageClass).toMatchObject({ kind: 'StorageClass', metadata: { name: 'gp3' }, provisioner: 'ebs.csi.aws.com' });
    expect(files.get('apps/staging/odc/ows-patch.yaml')).toMatch(/AWS_DEFAULT_REGION[\s\S]*ap-southeast-3/);
    expect(files.get('clusters/staging/README.md')).toContain('AWS Load Balancer Controller');
    expect(files.has('clusters/development/storage.yaml')).toBe(false);
  });
});

describe('JupyterHub logins', () => {
  const oauth = { authorizeUrl: 'https://idp.piksel.id/authorize', tokenUrl: 'https://idp.piksel.id/token', userdataUrl: 'https://idp.piksel.id/userinfo' };

  it('with jupyterhub.oauth: GenericOAuthenticator from the answers, the client from a Secret bootstrap asks for, a callback per cluster', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'piksel-oauth-'));
    try {
      const { files, secrets } = await renderTo(dir, { jupyterhub: { oauth }, clusters: [{ name: 'dev', domain: 'dev.piksel.id' }, { name: 'prod', domain: 'prod.piksel.id' }] });
      const client = secrets.find((s) => s.name === 'jupyterhub-oauth')!;
      expect(client).toMatchObject({ createdBy: 'bootstrap', source: { kind: 'external', env: { 'client-id': 'JUPYTERHUB_OAUTH_CLIENT_ID', 'client-secret': 'JUPYTERHUB_OAUTH_CLIENT_SECRET' } } });
      expect(secrets.some((s) => s.name === 'jupyterhub-auth')).toBe(false);
      for (const [cluster, domain] of [['dev', 'dev.piksel.id'], ['prod', 'prod.piksel.id']] as const) {
        const release = build(join(dir, `apps/${cluster}/jupyterhub`)).find((o) => o.kind === 'HelmRelease')!;
        expect(release.spec.values.hub.config.JupyterHub.authenticator_class).toBe('generic-oauth');
        expect(release.spec.values.hub.config.GenericOAuthenticator).toMatchObject({
          authorize_url: oauth.authorizeUrl,
          username_claim: 'email',
          oauth_callback_url: `https://jupyter.${domain}/hub/oauth_callback`,
        });
        expect(release.spec.valuesFrom).toEqual(
          expect.arrayContaining([
            { kind: 'Secret', name: 'jupyterhub-oauth', valuesKey: 'client-id', targetPath: 'hub.config.GenericOAuthenticator.client_id' },
            { kind: 'Secret', name: 'jupyterhub-oauth', valuesKey: 'client-secret', targetPath: 'hub.config.GenericOAuthenticator.client_secret' },
          ]),
        );
      }
      expect(files.get('apps/base/jupyterhub/release.yaml')).not.toContain('jupyterhub-auth');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('without it: the operator provides the authenticator values, and the hub waits for them', async () => {
    const { files, secrets } = await render({});
    expect(secrets.find((s) => s.name === 'jupyterhub-auth')).toMatchObject({ createdBy: 'operator' });
    expect(files.get('apps/base/jupyterhub/release.yaml')).toContain('name: jupyterhub-auth');
  });
});

