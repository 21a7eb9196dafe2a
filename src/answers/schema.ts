import { z } from 'zod';
import { didYouMean, withArticle } from './suggest.js';
import { APP_NAMES, CONTROLLER_NAMES } from '../catalog/names.js';
import { CLOUDS, ISSUERS, PROVIDERS, SEVERITIES } from './choices.js';
import * as f from './formats.js';

/**
 * The one schema for answers: prompts, flags, the answers file and validation all read it.
 * Every default here is what `--yes` produces: the seed's full platform for `development`.
 */
const matching = (format: f.Format) =>
  z.string({ error: `expected text: ${format.hint}` }).regex(format.pattern, { error: (iss) => `'${String(iss.input)}' is not valid: ${format.hint}` });

const duration = (fallback: string) =>
  matching(f.DURATION)
    .refine((v) => f.durationProblem(v) === undefined, { error: (iss) => `'${String(iss.input)}' ${f.durationProblem(String(iss.input))}` })
    .default(fallback);

const labelMap = z
  .record(matching(f.LABEL_KEY), z.union([z.string(), z.number(), z.boolean()]).transform(String).pipe(matching(f.LABEL_VALUE)))
  .describe('Kubernetes labels, key: value');

const toleration = z.strictObject({
  key: matching(f.LABEL_KEY).describe('Taint key'),
  operator: z.enum(['Exists', 'Equal']).default('Exists'),
  value: matching(f.LABEL_VALUE).optional().describe('Taint value (with operator Equal)'),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional().describe('Taint effect (empty: all)'),
}).refine((t) => t.operator !== 'Exists' || t.value === undefined || t.value === '', {
  error: "a toleration with operator Exists matches any value: remove 'value', or use operator: Equal",
  path: ['value'],
});
export type Toleration = z.infer<typeof toleration>;

const repository = z
  .strictObject({
    provider: z.enum(PROVIDERS).default('github').describe('Git hosting: github, gitlab, gitea, bitbucket-server or git'),
    owner: matching(f.OWNER).default('piksel-ina').describe('User, organisation, group or project key that owns the repository'),
    name: matching(f.REPOSITORY_NAME).default('piksel-gitops').describe('Repository name'),
    branch: matching(f.BRANCH).default('main').describe('Branch Flux follows'),
    url: matching(f.GIT_URL).optional().describe('Clone URL; required for provider git'),
    hostname: matching(f.HOSTNAME).optional().describe('Self-hosted server name; required for bitbucket-server'),
    private: z.boolean().default(true).describe('Create the repository as private'),
    personal: z.boolean().default(false).describe('The owner is a user rather than an organisation'),
  })
  .superRefine((repo, ctx) => {
    if (repo.provider === 'git' && !repo.url)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'is required when provider is git: use ssh://git@host/owner/repo.git' });
    if (repo.provider === 'bitbucket-server' && !repo.hostname)
      ctx.addIssue({ code: 'custom', path: ['hostname'], message: 'is required when provider is bitbucket-server: use the server name, e.g. bitbucket.example.org' });
  });

const awsProfile = z.strictObject({
  region: matching(f.AWS_REGION).default('ap-southeast-3').describe('AWS region of the EKS cluster'),
  systemNodeSelector: labelMap
    .default({ 'karpenter.sh/controller': 'true' })
    .describe('Node labels of the system node group that runs controllers (default karpenter.sh/controller: "true")'),
  systemTolerations: z
    .array(toleration)
    .default([{ key: 'CriticalAddonsOnly', operator: 'Exists', effect: 'NoSchedule' }])
    .describe('Tolerations for the system node group taint'),
  storageClass: matching(f.DNS_SUBDOMAIN).default('gp3').describe('StorageClass for persistent volumes'),
  serviceAccountRoles: z
    .record(matching(f.DNS_LABEL), matching(f.IAM_ROLE_ARN))
    .default({})
    .describe('IAM role ARN per component for IRSA, e.g. argo: arn:aws:iam::<account>:role/argo'),
});

const cluster = z.strictObject({
  name: matching(f.DNS_LABEL).describe('Cluster name; becomes clusters/<name>/'),
  environment: matching(f.DNS_LABEL).optional().describe('Overlay folder apps/<environment>/ (defaults to the name)'),
  domain: matching(f.DOMAIN).optional().describe('DNS domain the apps are served under'),
  cloud: z.enum(CLOUDS).default('generic').describe('Cloud profile: generic (any cluster) or aws (EKS)'),
  intervals: z
    .strictObject({
      controllers: duration('1h').describe('infra-controllers reconcile interval'),
      configs: duration('10m').describe('infra-configs reconcile interval'),
      apps: duration('1m').describe('apps reconcile interval'),
    })
    .prefault({}),
  aws: awsProfile.optional().describe('EKS settings, used when cloud is aws'),
  // Per-cluster overrides of repository-wide answers (absent: the repository's value applies).
  database: z
    .strictObject({
      host: matching(f.HOSTNAME).optional().describe('PostgreSQL host of this cluster (default: database.host)'),
      port: z.coerce.number().int().min(1).max(65535).optional().describe('PostgreSQL port of this cluster (default: database.port)'),
    })
    .optional()
    .describe("This cluster's database, when it differs from the repository's"),
  certManager: z
    .strictObject({ issuer: z.enum(ISSUERS).optional().describe("ClusterIssuer of this cluster's ingresses (default: certManager.issuer)") })
    .optional(),
  slack: z
    .strictObject({
      channel: matching(f.SLACK_CHANNEL).optional().describe("Slack channel of this cluster's events (default: slack.channel)"),
      severity: z.enum(SEVERITIES).optional().describe('info or error for this cluster (default: slack.severity)'),
    })
    .optional(),
  gpu: z
    .strictObject({ enabled: z.boolean().optional().describe('GPU support on this cluster (default: gpu.enabled)') })
    .optional(),
});

const uniqueList = <T extends string>(names: readonly [T, ...T[]], what: string) =>
  z
    .array(z.enum(names, { error: (iss) => `'${String(iss.input)}' is not ${withArticle(what)}: ${didYouMean(String(iss.input), names)}use one of ${names.join(', ')}` }))
    .refine((l) => new Set(l).size === l.length, { error: `lists ${withArticle(what)} twice` });

export const answersSchema = z
  .strictObject({
    repository: repository.prefault({}),
    clusters: z
      .array(cluster)
      .min(1, { error: 'needs at least one cluster' })
      .prefault([{ name: 'development' }])
      .describe('The clusters this repository deploys; each gets clusters/<name>/'),
    components: z
      .strictObject({
        controllers: uniqueList(CONTROLLER_NAMES, 'controller')
          .default([...CONTROLLER_NAMES])
          .describe('Infrastructure controllers (nvidia-device-plugin follows gpu.enabled, notifications follows slack.enabled)'),
        apps: uniqueList(APP_NAMES, 'app').default([...APP_NAMES]).describe('Applications; what they need is added'),
      })
      .prefault({}),
    certManager: z
      .strictObject({
        email: matching(f.EMAIL).default('platform@example.org').describe('ACME account e-mail for Let’s Encrypt'),
        issuer: z.enum(ISSUERS).default('letsencrypt-staging').describe('ClusterIssuer the ingresses use'),
      })
      .prefault({}),
    database: z
      .strictObject({
        host: matching(f.HOSTNAME).default('postgres.example.org').describe('PostgreSQL host behind db-proxy'),
        port: z.coerce.number().int().min(1).max(65535).default(5432).describe('PostgreSQL port'),
      })
      .prefault({}),
    gpu: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Deploy nvidia-device-plugin and GPU profiles'),
        nodeSelector: labelMap
          .default({ 'nvidia.com/gpu.present': 'true' })
          .describe('Node labels of the GPU nodes (default nvidia.com/gpu.present: "true")'),
        tolerations: z
          .array(toleration)
          .default([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }])
          .describe('Tolerations for the GPU nodes’ taints'),
        timeSlicing: z.coerce.number().int().min(1).max(48).default(1).describe('Pods sharing one GPU (1 = no time slicing)'),
        jupyterProfile: z.boolean().default(true).describe('Offer a GPU server profile in JupyterHub'),
      })
      .prefault({}),
    slack: z
      .strictObject({
        enabled: z.boolean().default(true).describe('Send Flux events to Slack'),
        channel: matching(f.SLACK_CHANNEL).default('piksel-alerts').describe('Slack channel'),
        severity: z.enum(SEVERITIES).default('info').describe('info (every event) or error (failures only)'),
        secretName: matching(f.DNS_LABEL).default('slack-webhook').describe('Secret in flux-system holding the webhook (key address)'),
      })
      .prefault({}),
    jupyterhub: z
      .strictObject({
        oauth: z
          .strictObject({
            authorizeUrl: matching(f.HTTPS_URL).describe("The identity provider's authorization endpoint"),
            tokenUrl: matching(f.HTTPS_URL).describe("The identity provider's token endpoint"),
            userdataUrl: matching(f.HTTPS_URL).describe("The identity provider's user-info endpoint"),
            usernameClaim: z.string().min(1).default('email').describe('The user-info claim that becomes the JupyterHub user name'),
            scopes: z.array(z.string().min(1)).default(['openid', 'email', 'profile']).describe('OAuth scopes to request'),
          })
          .optional()
          .describe(
            'OAuth2/OIDC logins (GenericOAuthenticator); the client id and secret are asked at bootstrap. Without it the operator provides Secret jupyterhub-auth',
          ),
      })
      .optional()
      .describe('JupyterHub settings'),
  })
  .transform((a) => ({ ...a, clusters: a.clusters.map((c, i) => completeCluster(c, i, a.clusters[0]!)) }))
  .superRefine((a, ctx) => {
    const seen = { name: new Map<string, number>(), environment: new Map<string, number>() };
    a.clusters.forEach((c, i) => {
      for (const key of ['name', 'environment'] as const) {
        const first = seen[key].get(c[key]);
        if (first !== undefined)
          ctx.addIssue({ code: 'custom', path: ['clusters', i, key], message: `'${c[key]}' is used by clusters.${first} too: give each cluster its own ${key}` });
        seen[key].set(c[key], i);
      }
    });
  });

/** Environment and domain default from the name (and from the first cluster's domain). */
function completeCluster(c: z.infer<typeof cluster>, index: number, first: z.infer<typeof cluster>) {
  const environment = c.environment ?? c.name;
  const domain = c.domain ?? defaultDomain(environment, index === 0 ? undefined : first.domain);
  const aws = c.cloud === 'aws' ? awsProfile.parse(c.aws ?? {}) : c.aws;
  const overrides = { database: c.database, certManager: c.certManager, slack: c.slack, gpu: c.gpu };
  const given = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined && Object.values(v).some((x) => x !== undefined)));
  // A fixed key order, so that stored answers read back and re-written are identical.
  return { name: c.name, environment, domain, cloud: c.cloud, intervals: c.intervals, ...(aws ? { aws } : {}), ...(given as Partial<typeof overrides>) };
}

const SHORT_ENV: Record<string, string> = { development: 'dev', production: 'prod' };

export function defaultDomain(environment: string, firstDomain?: string): string {
  const label = SHORT_ENV[environment] ?? environment;
  if (!firstDomain) return `${label}.piksel.example.org`;
  const parent = firstDomain.split('.').slice(1).join('.');
  return `${label}.${parent.includes('.') ? parent : firstDomain}`;
}

export type Answers = z.output<typeof answersSchema>;
export type ClusterAnswers = Answers['clusters'][number];
