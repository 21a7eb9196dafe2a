/**
 * The fixed choices of the answers schema. Kept apart from the schema (which reads the catalog)
 * so that component modules can import them as values without an import cycle.
 */
export const PROVIDERS = ['github', 'gitlab', 'gitea', 'bitbucket-server', 'git'] as const;
export const CLOUDS = ['generic', 'aws'] as const;
export const ISSUERS = ['letsencrypt-staging', 'letsencrypt-production'] as const;
export const SEVERITIES = ['info', 'error'] as const;

export type Provider = (typeof PROVIDERS)[number];
