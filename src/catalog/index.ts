import type { ComponentSpec } from './component.js';
import { argo } from './components/argo.js';
import { certManager } from './components/cert-manager.js';
import { clusterIssuers } from './components/cluster-issuers.js';
import { indexing } from './components/indexing.js';
import { dbProxy } from './components/db-proxy.js';
import { envoyGateway } from './components/envoy-gateway.js';
import { gateway } from './components/gateway.js';
import { ingressNginx } from './components/ingress-nginx.js';
import { jupyterdask } from './components/jupyterdask.js';
import { jupyterhub } from './components/jupyterhub.js';
import { monitoring } from './components/monitoring.js';
import { notifications } from './components/notifications.js';
import { nvidiaDevicePlugin } from './components/nvidia-device-plugin.js';
import { odc } from './components/odc.js';
import { stac } from './components/stac.js';
import { terria } from './components/terria.js';
import { tileserver } from './components/tileserver.js';

/** Every platform component, in the order they appear in kustomizations and READMEs. */
export const CATALOG: readonly ComponentSpec[] = [
  certManager,
  envoyGateway,
  ingressNginx,
  dbProxy,
  notifications,
  nvidiaDevicePlugin,
  clusterIssuers,
  gateway,
  argo,
  jupyterhub,
  jupyterdask,
  monitoring,
  odc,
  stac,
  terria,
  tileserver,
  indexing,
];


export const componentNamed = (name: string): ComponentSpec => {
  const spec = CATALOG.find((c) => c.name === name);
  if (!spec) throw new Error(`no component named ${name}`);
  return spec;
};

