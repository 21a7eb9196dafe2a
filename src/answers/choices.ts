/** The fixed choices of the answers schema: a leaf module, read by the schema, prompts and components. */
export const PROVIDERS = ['github', 'gitlab', 'gitea', 'bitbucket-server', 'git'] as const;
export const CLOUDS = ['generic', 'aws'] as const;
export const ISSUERS = ['letsencrypt-staging', 'letsencrypt-production'] as const;
export const SEVERITIES = ['info', 'error'] as const;
/** What serves the apps' hosts: Envoy Gateway (Gateway API), or the retired ingress-nginx. */
export const INGRESS_CONTROLLERS = ['envoy-gateway', 'ingress-nginx'] as const;

export type Provider = (typeof PROVIDERS)[number];
