import type { ProcessRunner } from '../process.js';

/**
 * What each tool may see of our environment. kubectl and flux get an allow-list: the basics
 * (PATH, HOME, locale, proxies, CA files), the kubeconfig and what kubeconfig exec plugins need to
 * reach a cloud cluster (AWS_*, incl. AWS_SESSION_TOKEN, gcloud, Azure); flux also the ssh-agent
 * socket and known_hosts files its Git client reads for `flux bootstrap git` over SSH. Anything else (the
 * provider token, the database admin password, the Slack webhook) is removed; a step that needs a
 * value passes it explicitly (flux bootstrap's token). git keeps its environment (credential
 * helpers, GIT_* and SSH_* settings) minus the Secret values it never needs.
 */
const BASIC = [
  'PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'TMPDIR', 'TMP', 'TEMP', 'TERM', 'TZ', 'LANG', 'LANGUAGE', 'NO_COLOR',
  'HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy',
  'SSL_CERT_FILE', 'SSL_CERT_DIR', 'SYSTEMROOT', 'APPDATA', 'LOCALAPPDATA', 'USERPROFILE',
];
const BASIC_PREFIXES = ['LC_', 'XDG_'];
const CLUSTER = ['KUBECONFIG', 'KUBECACHEDIR', 'GOOGLE_APPLICATION_CREDENTIALS', 'USE_GKE_GCLOUD_AUTH_PLUGIN'];
const CLUSTER_PREFIXES = ['AWS_', 'CLOUDSDK_', 'AZURE_', 'ARM_'];
/**
 * flux's Git client (go-git) signs with the ssh-agent at SSH_AUTH_SOCK (plumbing/transport/ssh/
 * sshagent/sshagent.go: "SSH agent requested but SSH_AUTH_SOCK not-specified" without it) and
 * checks host keys against the files SSH_KNOWN_HOSTS lists, else ~/.ssh/known_hosts
 * (plumbing/transport/ssh/auth_method.go, getDefaultKnownHostsFiles). A socket path and a file
 * list: neither is a secret.
 */
const FLUX_SSH = ['SSH_AUTH_SOCK', 'SSH_KNOWN_HOSTS'];
/** Values bootstrap and `secrets` handle that no child process reads from the environment. */
export const SECRET_VALUE_VARIABLES = [
  'PIKSEL_DB_ADMIN_USERNAME',
  'PIKSEL_DB_ADMIN_PASSWORD',
  'SLACK_WEBHOOK_URL',
  'JUPYTERHUB_OAUTH_CLIENT_ID',
  'JUPYTERHUB_OAUTH_CLIENT_SECRET',
];

export function allowedFor(command: string, name: string): boolean {
  if (command !== 'kubectl' && command !== 'flux') return !SECRET_VALUE_VARIABLES.includes(name) && !name.startsWith('PIKSEL_DB_');
  if (BASIC.includes(name) || CLUSTER.includes(name)) return true;
  if (command === 'flux' && FLUX_SSH.includes(name)) return true;
  return [...BASIC_PREFIXES, ...CLUSTER_PREFIXES].some((p) => name.startsWith(p));
}

/**
 * The environment a child runs with: the allowed part of `env`, then what the step adds. The
 * runner (execa) merges over process.env, so every variable not allowed is set to undefined,
 * which removes it from the child's environment.
 */
export function childEnv(command: string, env: NodeJS.ProcessEnv, extra: Readonly<Record<string, string | undefined>> = {}): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const name of new Set([...Object.keys(process.env), ...Object.keys(env)])) out[name] = allowedFor(command, name) ? env[name] : undefined;
  return { ...out, ...extra };
}

/** A runner whose children see only their allow-list of `env` (plus what each call adds). */
export const scopedRunner =
  (run: ProcessRunner, env: NodeJS.ProcessEnv): ProcessRunner =>
  (command, args, options = {}) =>
    run(command, args, { ...options, env: childEnv(command, env, options.env) });
