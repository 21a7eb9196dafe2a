import { loadAll } from 'js-yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { render } from '../support/render.js';

/**
 * z2jh's egress policy keeps user servers off private addresses: every in-cluster service their
 * environment names needs its own egress rule, to the pods behind that Service on the port they
 * listen on. Read from the generated files (Services, Deployments, the HelmRelease's values).
 */

type Labels = Record<string, string>;
type Obj = {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    selector?: Labels & { matchLabels?: Labels };
    ports?: { port: number; targetPort?: number | string }[];
    template?: { metadata?: { labels?: Labels }; spec?: { containers?: { ports?: { name?: string; containerPort: number }[] }[] } };
    values?: { singleuser?: { extraEnv?: Record<string, unknown>; networkPolicy?: { egress?: EgressRule[] } } };
  };
};
type EgressRule = { to: { namespaceSelector: { matchLabels: Labels }; podSelector: { matchLabels: Labels } }[]; ports: { port: number }[] };

const IN_CLUSTER = /\b([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local\b/;

let objects: Obj[];
beforeAll(async () => {
  const { files } = await render();
  objects = [...files].filter(([path]) => path.endsWith('.yaml')).flatMap(([, text]) => loadAll(text).filter(Boolean) as Obj[]);
});

const singleuser = () => objects.find((o) => o.kind === 'HelmRelease' && o.metadata?.name === 'jupyterhub')!.spec!.values!.singleuser!;

/** The pods' labels and port behind a Service of the repository (a named targetPort resolved in its Deployment). */
function behind(service: Obj): { labels: Labels; port: number } {
  const selector = service.spec!.selector!;
  const deployment = objects.find(
    (o) => o.kind === 'Deployment' && o.metadata?.namespace === service.metadata?.namespace && Object.entries(selector).every(([k, v]) => o.spec?.template?.metadata?.labels?.[k] === v),
  )!;
  const target = service.spec!.ports![0]!.targetPort ?? service.spec!.ports![0]!.port;
  const ports = deployment.spec!.template!.spec!.containers!.flatMap((c) => c.ports ?? []);
  const port = typeof target === 'number' ? target : ports.find((p) => p.name === target)!.containerPort;
  return { labels: deployment.spec!.template!.metadata!.labels!, port };
}

describe("user servers reach what their environment names, through z2jh's egress policy", () => {
  it('names the STAC API, the data cube (db-proxy) and the Dask Gateway by default', () => {
    const env = singleuser().extraEnv!;
    expect(env.STAC_API_URL).toBe('http://stac-fastapi.stac.svc.cluster.local');
    expect(env.ODC_DEFAULT_DB_HOSTNAME).toBe('db-proxy.database.svc.cluster.local');
    expect(env.DASK_GATEWAY__ADDRESS).toMatch(IN_CLUSTER);
  });

  it("each in-cluster Service of the repository in that environment has an egress rule to its pods' port", () => {
    const rules = singleuser().networkPolicy!.egress!;
    const hosts = new Set(Object.values(singleuser().extraEnv!).flatMap((v) => (typeof v === 'string' && IN_CLUSTER.test(v) ? [IN_CLUSTER.exec(v)!.slice(1, 3).join('.')] : [])));
    let checked = 0;
    for (const host of hosts) {
      const [name, namespace] = host.split('.');
      const service = objects.find((o) => o.kind === 'Service' && o.metadata?.name === name && o.metadata?.namespace === namespace);
      // A chart's Service (the gateway's Traefik) is not in the repository: its rule is the chart's labels, checked elsewhere.
      if (!service) continue;
      const pods = behind(service);
      const rule = rules.find((r) =>
        r.to.some(
          (t) => t.namespaceSelector.matchLabels['kubernetes.io/metadata.name'] === namespace && Object.entries(t.podSelector.matchLabels).every(([k, v]) => pods.labels[k] === v),
        ),
      );
      expect(rule, `no egress rule to ${host}`).toBeDefined();
      expect(rule!.ports.map((p) => p.port), host).toContain(pods.port);
      checked++;
    }
    expect(checked).toBe(2);
  });

  it('without the STAC API, no STAC variable and no rule to its namespace', async () => {
    const { files } = await render({ components: { apps: ['jupyterhub', 'odc'] } });
    const release = loadAll(files.get('apps/base/jupyterhub/release.yaml')!).find((o) => (o as Obj)?.kind === 'HelmRelease') as Obj;
    const values = release.spec!.values!.singleuser!;
    expect(values.extraEnv).not.toHaveProperty('STAC_API_URL');
    expect(values.networkPolicy!.egress!.flatMap((r) => r.to.map((t) => t.namespaceSelector.matchLabels['kubernetes.io/metadata.name']))).not.toContain('stac');
  });

  it("Dask schedulers and workers run the notebooks' image, so a notebook's tasks find its packages there", () => {
    const values = (name: string) => objects.find((o) => o.kind === 'HelmRelease' && o.metadata?.name === name)!.spec!.values as Record<string, any>;
    expect(values('dask-gateway').gateway.backend.image).toEqual(values('jupyterhub').singleuser.image);
  });
});
