/**
 * The names of the platform's components, and nothing else: a leaf module the answers schema and
 * every component read, so no import runs from the schema back into the catalog. The catalog
 * (index.ts) holds exactly these components, in this order; a test keeps the two in step.
 */
export const CONTROLLER_NAMES = ['cert-manager', 'ingress-nginx', 'db-proxy', 'notifications', 'nvidia-device-plugin'] as const;
export const CONFIG_NAMES = ['cluster-issuers'] as const;
export const APP_NAMES = ['argo', 'jupyterhub', 'jupyterdask', 'monitoring', 'odc', 'stac', 'terria', 'tileserver', 'indexing'] as const;

export type ControllerName = (typeof CONTROLLER_NAMES)[number];
export type AppName = (typeof APP_NAMES)[number];
/** Any component: `needs: ['db-prxy']` fails type-checking. */
export type ComponentName = ControllerName | (typeof CONFIG_NAMES)[number] | AppName;
