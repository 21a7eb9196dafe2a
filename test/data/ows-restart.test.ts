import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { render } from '../support/render.js';

/**
 * OWS leaves out a layer whose product was not indexed when it started: after a layer's first run
 * the workflow restarts it, and only then. The wiring is read from the generated files (OWS's own
 * Deployment and Service, not the tool's constants); the check's script runs with python3 against
 * WMS capabilities served here.
 */

type Doc = { kind?: string; metadata?: { name?: string; namespace?: string }; spec?: Record<string, unknown> } & Record<string, unknown>;
type Step = { name: string; template?: string; when?: string; arguments?: { parameters?: { name: string; value: string }[] } };
type Template = {
  name: string;
  steps?: Step[][];
  script?: { command: string[]; source: string; env: { name: string; value: string }[] };
  resource?: { action: string; mergeStrategy: string; manifest: string };
};

let files: ReadonlyMap<string, string>;
beforeAll(async () => {
  files = (await render()).files;
});
const docsOf = (path: string) => loadAll(files.get(path) ?? '').filter(Boolean) as Doc[];
const owsUpdate = () => docsOf('apps/base/indexing/workflow-templates.yaml').find((d) => d.kind === 'WorkflowTemplate' && d.metadata?.name === 'ows-update')!;
const templateOf = (name: string) => (owsUpdate().spec!.templates as Template[]).find((t) => t.name === name)!;
const owsDeployment = () => docsOf('apps/base/odc/ows.yaml').find((d) => d.kind === 'Deployment')!;
const owsService = () => docsOf('apps/base/odc/ows.yaml').find((d) => d.kind === 'Service')!;

describe('the OWS refresh of an indexing run', () => {
  it('updates the ranges, asks OWS whether it serves the layer, and restarts OWS only when it does not', () => {
    const steps = templateOf('update').steps!;
    expect(steps.map((group) => group.map((s) => s.template))).toEqual([['ranges'], ['served'], ['restart']]);
    for (const step of [steps[0]![0]!, steps[1]![0]!]) expect(step.arguments?.parameters).toEqual([{ name: 'layer', value: '{{inputs.parameters.layer}}' }]);
    expect(steps[2]![0]!.when).toBe('{{steps.served.outputs.result}} == missing');
  });

  it("the restart rolls OWS's own Deployment, and the workflows' service account may do that and nothing more", () => {
    const patch = templateOf('restart').resource!;
    expect(patch).toMatchObject({ action: 'patch', mergeStrategy: 'merge' });
    const manifest = loadAll(patch.manifest)[0] as Doc & { spec: { template: { metadata: { annotations: Record<string, string> } } } };
    const deployment = owsDeployment();
    expect(manifest.metadata).toEqual({ name: deployment.metadata!.name, namespace: deployment.metadata!.namespace });
    expect(manifest.spec.template.metadata.annotations).toEqual({ 'kubectl.kubernetes.io/restartedAt': '{{workflow.creationTimestamp}}' });

    const rbac = docsOf('apps/base/indexing/workflow-templates.yaml').filter((d) => d.kind === 'Role' || d.kind === 'RoleBinding');
    const role = rbac.find((d) => d.kind === 'Role')! as Doc & { rules: unknown[] };
    const binding = rbac.find((d) => d.kind === 'RoleBinding')! as Doc & { roleRef: { name: string }; subjects: unknown[] };
    expect(role.metadata!.namespace).toBe(deployment.metadata!.namespace);
    expect(role.rules).toEqual([{ apiGroups: ['apps'], resources: ['deployments'], resourceNames: [deployment.metadata!.name], verbs: ['get', 'patch'] }]);
    expect(binding.metadata!.namespace).toBe(deployment.metadata!.namespace);
    expect(binding.roleRef.name).toBe(role.metadata!.name);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: owsUpdate().spec!.serviceAccountName, namespace: owsUpdate().metadata!.namespace }]);
  });

  it("asks OWS's Service inside the cluster for its WMS capabilities", () => {
    const env = Object.fromEntries(templateOf('served').script!.env.map((e) => [e.name, e.value]));
    const service = owsService() as Doc & { spec: { ports: { port: number }[] } };
    expect(service.spec.ports[0]!.port).toBe(80);
    const url = new URL(env.CAPABILITIES_URL!);
    expect(url.host).toBe(`${service.metadata!.name}.${service.metadata!.namespace}.svc`);
    expect(url.pathname).toBe('/wms');
    expect(Object.fromEntries(url.searchParams)).toEqual({ service: 'WMS', version: '1.3.0', request: 'GetCapabilities' });
    expect(env.LAYER).toBe('{{inputs.parameters.layer}}');
  });
});

/**
 * WMS 1.3.0 capabilities in the shape datacube-ows writes them (datacube_ows/templates/wms_capabilities.xml):
 * the service's name, folder layers, named layers inside them, each with its styles' names.
 */
const capabilities = (layers: readonly string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms" xmlns:xlink="http://www.w3.org/1999/xlink">
  <Service><Name>WMS</Name><Title>Piksel Open Data Cube web services</Title></Service>
  <Capability>
    <Layer>
      <Title>Piksel Open Data Cube web services</Title>
      <Layer>
        <Title>Earth observation</Title>
        ${layers.map((l) => `<Layer queryable="1"><Name>${l}</Name><Title>${l}</Title><Style><Name>true_colour</Name><Title>True colour</Title></Style></Layer>`).join('\n        ')}
      </Layer>
    </Layer>
  </Capability>
</WMS_Capabilities>
`;

describe('the check whether OWS serves a layer (python3)', () => {
  let server: Server;
  let base: string;
  let served: readonly string[] = [];
  beforeAll(async () => {
    server = createServer((request, response) => {
      if (!request.url?.startsWith('/wms?')) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'text/xml' }).end(capabilities(served));
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((done) => server.close(() => done())));

  const check = async (layer: string, url: string) => {
    const script = templateOf('served').script!;
    const result = await execa(script.command[0]!, ['-c', script.source], { env: { PATH: process.env.PATH ?? '', LAYER: layer, CAPABILITIES_URL: url }, extendEnv: false, reject: false });
    return { exitCode: result.exitCode, stdout: result.stdout };
  };

  it('prints served when the capabilities list the layer, missing when they do not', async () => {
    served = ['s2_l2a_c1', 'cop_dem_glo_30'];
    expect(await check('s2_l2a_c1', `${base}/wms?service=WMS`)).toEqual({ exitCode: 0, stdout: 'served' });
    expect(await check('ls9_c2l2_sr', `${base}/wms?service=WMS`)).toEqual({ exitCode: 0, stdout: 'missing' });
    // The service's own <Name> is not a layer, nor is a style's.
    expect(await check('WMS', `${base}/wms?service=WMS`)).toEqual({ exitCode: 0, stdout: 'missing' });
    expect(await check('true_colour', `${base}/wms?service=WMS`)).toEqual({ exitCode: 0, stdout: 'missing' });
  });

  it('prints unreachable, and succeeds, when OWS does not answer with capabilities', async () => {
    expect(await check('s2_l2a_c1', `${base}/other`)).toEqual({ exitCode: 0, stdout: 'unreachable' });
    expect(await check('s2_l2a_c1', 'http://127.0.0.1:9/wms')).toEqual({ exitCode: 0, stdout: 'unreachable' });
  });
});
