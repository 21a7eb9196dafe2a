import { describe, expect, it, vi } from 'vitest';
import type { ComponentSpec } from '../../src/catalog/component.js';
import { checkEndOfLife } from '../../src/validate/end-of-life.js';
import type { KubeObject, SourceDoc } from '../../src/validate/types.js';
import { parseYamlFile } from '../../src/validate/yaml.js';

// A catalog that also knows one retired image, so that the image half of the check is exercised
// (today the catalog's only end-of-life entry is the ingress-nginx chart).
vi.mock('../../src/catalog/index.js', async (original) => {
  const real = await original<typeof import('../../src/catalog/index.js')>();
  const retired: ComponentSpec = {
    ...real.CATALOG[0]!,
    charts: {},
    images: {
      old: {
        name: 'docker.io/example/retired',
        tag: '1.0',
        source: 'test',
        endOfLife: { since: 'January 2026', successor: 'docker.io/example/successor', source: 'its announcement' },
      },
    },
  };
  return { ...real, CATALOG: [...real.CATALOG, retired] };
});

const docsOf = (text: string) => parseYamlFile('x.yaml', text).docs as (SourceDoc & { value: KubeObject })[];

describe('validate: what the catalog knows to be end of life', () => {
  it('warns on a retired image in a pod template, at its line, naming the successor; a current image passes', () => {
    const [deployment] = docsOf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: apps
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: docker.io/example/current:2.0
      containers:
        - name: web
          image: docker.io/example/retired:1.0
`);
    const findings = checkEndOfLife(deployment!);
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 14,
        object: 'Deployment/apps/web',
        message: expect.stringMatching(/^image docker\.io\/example\/retired is end of life since January 2026/),
        hint: 'move to docker.io/example/successor',
      }),
    ]);
  });

  it('warns on the ingress-nginx chart wherever a HelmRelease deploys it, and on its chart repository', () => {
    const docs = docsOf(`apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: edge
  namespace: ingress
spec:
  interval: 1h
  chart:
    spec:
      chart: ingress-nginx
      sourceRef:
        kind: HelmRepository
        name: nginx
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: nginx
  namespace: ingress
spec:
  url: https://kubernetes.github.io/ingress-nginx/
`);
    expect(docs.flatMap(checkEndOfLife).map((f) => [f.object, f.line])).toEqual([
      ['HelmRelease/ingress/edge', 10],
      ['HelmRepository/ingress/nginx', 21],
    ]);
  });
});
