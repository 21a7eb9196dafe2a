import { z } from 'zod';
import { databasePrefix, databaseServer } from './database-names.js';
import { didYouMean, withArticle } from './suggest.js';
import { APP_NAMES, CONTROLLER_NAMES, DEFAULT_CONTROLLERS } from '../catalog/names.js';
import { CLOUDS, PROVIDERS } from './choices.js';
import { duration, labelMap, matching, toleration } from './fields.js';
import * as f from './formats.js';
import { ANSWER_SECTIONS, CLUSTER_OVERRIDE_SECTIONS } from './sections/index.js';
import type { AnswersSection } from './sections/section.js';

/**
 * The one schema for answers: prompts, flags, the answers file and validation all read it.
 * Every default here is what `--yes` produces: the seed's full platform for `development`.
 * The components' own settings (certManager, database, gpu, slack) come from their sections.
 */

/** `{ [section.key]: section[part] }` for a list of sections, typed per key. */
type SectionShape<S extends readonly AnswersSection[], P extends 'answers' | 'clusterOverrides'> = { [E in S[number] as E['key']]: E[P] };
const sectionShape = <const S extends readonly AnswersSection[], P extends 'answers' | 'clusterOverrides'>(sections: S, part: P) =>
  Object.fromEntries(sections.map((section) => [section.key, section[part]])) as SectionShape<S, P>;

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

/** An S3 bucket name (lowercase letters, digits, '.', '-'; 3-63 characters). */
const S3_BUCKET: f.Format = {
  pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  hint: "use an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-'",
};

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
  artifactBucket: matching(S3_BUCKET)
    .optional()
    .describe("S3 bucket of Argo Workflows' artifact repository (argo's IRSA role must reach it); absent: no artifact repository"),
});

const cluster = z.strictObject({
  name: matching(f.DNS_LABEL).describe('Cluster name; becomes clusters/<name>/'),
  environment: matching(f.DNS_LABEL).optional().describe('Overlay folder apps/<environment>/ (defaults to the name)'),
  domain: matching(f.DOMAIN).optional().describe('DNS domain the apps are served under'),
  cloud: z.enum(CLOUDS).default('generic').describe('Cloud profile: generic (any cluster) or aws (EKS)'),
  context: z
    .string()
    .regex(/^\S+$/, { error: 'a kubectl context name has no spaces: use the name `kubectl config get-contexts` shows' })
    .optional()
    .describe('kubectl context of this cluster: secrets, bootstrap and status use it (--context overrides)'),
  intervals: z
    .strictObject({
      controllers: duration('1h').describe('infra-controllers reconcile interval'),
      configs: duration('10m').describe('infra-configs reconcile interval'),
      apps: duration('1m').describe('apps reconcile interval'),
    })
    .prefault({}),
  aws: awsProfile.optional().describe('EKS settings, used when cloud is aws'),
  // Per-cluster overrides of repository-wide answers (absent: the repository's value applies).
  ...sectionShape(CLUSTER_OVERRIDE_SECTIONS, 'clusterOverrides'),
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
          .default([...DEFAULT_CONTROLLERS])
          .describe(
            'Infrastructure controllers (nvidia-device-plugin follows gpu.enabled, notifications follows slack.enabled, the edge follows ingress.controller; a listed edge keeps running beside it)',
          ),
        apps: uniqueList(APP_NAMES, 'app').default([...APP_NAMES]).describe('Applications; what they need is added'),
      })
      .prefault({}),
    ...sectionShape(ANSWER_SECTIONS, 'answers'),
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
    refuseSharedDatabaseNames(a, ctx);
  });

/** Two clusters on one PostgreSQL server with the same role names would reset each other's passwords. */
function refuseSharedDatabaseNames(a: Answers, ctx: z.RefinementCtx) {
  const seen = new Map<string, number>();
  a.clusters.forEach((c, i) => {
    const { host, port } = databaseServer(a.database, c);
    const prefix = databasePrefix(a.database, a.clusters, c);
    const key = `${host}:${port}/${prefix}`;
    const first = seen.get(key);
    if (first !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['clusters', i, 'database', 'prefix'],
        message: `clusters.${first} uses the same PostgreSQL server (${host}:${port}) with the same role and database names: give clusters.${i}.database.prefix a value of its own`,
      });
    seen.set(key, i);
  });
}

/** Environment and domain default from the name (and from the first cluster's domain). */
function completeCluster(c: z.infer<typeof cluster>, index: number, first: z.infer<typeof cluster>) {
  const environment = c.environment ?? c.name;
  const domain = c.domain ?? defaultDomain(environment, index === 0 ? undefined : first.domain);
  const aws = c.cloud === 'aws' ? awsProfile.parse(c.aws ?? {}) : c.aws;
  // Only the overrides that set something, in the sections' order.
  const given = Object.fromEntries(
    CLUSTER_OVERRIDE_SECTIONS.map(({ key }) => [key, c[key]] as const).filter(([, v]) => v !== undefined && Object.values(v).some((x) => x !== undefined)),
  ) as Partial<Pick<typeof c, (typeof CLUSTER_OVERRIDE_SECTIONS)[number]['key']>>;
  // A fixed key order, so that stored answers read back and re-written are identical.
  return { name: c.name, environment, domain, cloud: c.cloud, ...(c.context ? { context: c.context } : {}), intervals: c.intervals, ...(aws ? { aws } : {}), ...given };
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
