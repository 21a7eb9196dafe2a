/**
 * The names of the platform's components, and nothing else: a leaf module the answers schema and
 * every component read, so no import runs from the schema back into the catalog. The catalog
 * (index.ts) holds exactly these components, in this order; a test keeps the two in step.
 */
export const CONTROLLER_NAMES = ['cert-manager', 'envoy-gateway', 'ingress-nginx', 'db-proxy', 'notifications', 'nvidia-device-plugin'] as const;
export const CONFIG_NAMES = ['cluster-issuers', 'gateway'] as const;

/**
 * The two edges (`ingress.controller`). Neither is listed by default: each cluster gets the one its
 * answer names; listing one keeps it running beside the other (ingress-nginx while DNS moves).
 */
export const EDGE_NAMES = ['envoy-gateway', 'ingress-nginx'] as const;
export type EdgeName = (typeof EDGE_NAMES)[number];
/** The controllers a new repository lists: all but the edges, which follow `ingress.controller`. */
export const DEFAULT_CONTROLLERS = CONTROLLER_NAMES.filter((n): n is Exclude<ControllerName, EdgeName> => !(EDGE_NAMES as readonly string[]).includes(n));
export const APP_NAMES = ['argo', 'jupyterhub', 'jupyterdask', 'monitoring', 'odc', 'stac', 'terria', 'tileserver', 'indexing'] as const;

export type ControllerName = (typeof CONTROLLER_NAMES)[number];
export type AppName = (typeof APP_NAMES)[number];
/** Any component: `needs: ['db-prxy']` fails type-checking. */
export type ComponentName = ControllerName | (typeof CONFIG_NAMES)[number] | AppName;
