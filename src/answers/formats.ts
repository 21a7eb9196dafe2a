/**
 * Value formats shared by the answers schema, prompts and validation messages.
 * Each format carries the sentence that tells a person what would be valid.
 */
export interface Format {
  readonly pattern: RegExp;
  readonly hint: string;
}

export const DNS_LABEL: Format = {
  pattern: /^(?=.{1,63}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?$/,
  hint: "use 1-63 lowercase letters, digits and '-', starting and ending with a letter or digit",
};

export const DNS_SUBDOMAIN: Format = {
  pattern: /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/,
  hint: "use lowercase letters, digits, '-' and '.' (a DNS-1123 subdomain)",
};

export const DOMAIN: Format = {
  pattern:
    /^(?=.{4,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/,
  hint: 'use a lowercase DNS name with at least two labels, e.g. dev.piksel.example.org',
};

export const HOSTNAME: Format = {
  pattern:
    /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$|^(\d{1,3}\.){3}\d{1,3}$/,
  hint: 'use a DNS name or an IPv4 address, e.g. postgres.example.org',
};

export const EMAIL: Format = {
  pattern: /^[A-Za-z0-9._%+-]+@([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]{2,}$/,
  hint: 'use an e-mail address such as platform@example.org',
};

/** The longest Go duration (an int64 of nanoseconds), about 106 751 days. */
const MAX_DURATION_MS = 9_223_372_036_854;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Why a duration that matches DURATION is still refused (zero, or beyond what Go can hold), if it is. */
export function durationProblem(text: string): string | undefined {
  let ms = 0;
  for (const [, amount, unit] of text.matchAll(/([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g)) ms += Number(amount) * UNIT_MS[unit!]!;
  if (ms <= 0) return 'must be longer than 0: Flux would reconcile without pause';
  if (ms > MAX_DURATION_MS) return 'is longer than a Go duration can hold (about 2562047h)';
  return undefined;
}

/** Go duration as Flux accepts it (no days): 1h, 10m, 1m30s, 500ms. */
export const DURATION: Format = {
  pattern: /^([0-9]+(\.[0-9]+)?(ms|s|m|h))+$/,
  hint: "use a Go duration such as 1h, 10m or 1m30s (units ms, s, m, h; no 'd')",
};

/**
 * git check-ref-format, reduced to what a branch name may look like: no part may start with '.'
 * or end with '.lock', the name may not end with '.' or '/', and no '..', '//' or '@{'.
 */
export const BRANCH: Format = {
  pattern: /^(?!\/|\.|.*\/$|.*\.$|.*\.\.|.*\/\.|.*@\{|.*\.lock(\/|$)|.*\/\/|-)[A-Za-z0-9._/-]{1,200}$/,
  hint: "use letters, digits, '.', '_', '-' and '/' (a valid git branch name: no part starting with '.' or ending in '.lock', no '..', not ending in '.' or '/')",
};

export const OWNER: Format = {
  pattern: /^[A-Za-z0-9]([A-Za-z0-9._-]{0,98}[A-Za-z0-9])?$/,
  hint: "use letters, digits, '.', '_' and '-' (a user, organisation, group or project key)",
};

export const REPOSITORY_NAME: Format = {
  pattern: /^(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/,
  hint: "use letters, digits, '.', '_' and '-'",
};

export const SLACK_CHANNEL: Format = {
  pattern: /^#?[a-z0-9][a-z0-9._-]{0,79}$/,
  hint: "use a Slack channel name: lowercase letters, digits, '-', '_' and '.'",
};

export const GIT_URL: Format = {
  pattern: /^(ssh:\/\/[^\s@]+@[^\s/]+(:\d+)?\/\S+|https?:\/\/[^\s@:/]+(:\d+)?\/\S+)$/,
  hint: 'use ssh://git@host/owner/repo.git or https://host/owner/repo.git (no credentials in the URL)',
};

export const IAM_ROLE_ARN: Format = {
  pattern: /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/,
  hint: 'use an IAM role ARN such as arn:aws:iam::<account-id>:role/<name>',
};

export const AWS_REGION: Format = {
  pattern: /^[a-z]{2}(-gov)?-[a-z]+-\d$/,
  hint: 'use an AWS region such as ap-southeast-3',
};

export const LABEL_KEY: Format = {
  pattern: /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/,
  hint: 'use a Kubernetes label key such as nvidia.com/gpu.present',
};

export const LABEL_VALUE: Format = {
  pattern: /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/,
  hint: "use a Kubernetes label value: up to 63 letters, digits, '-', '_' and '.'",
};

/** An https URL without credentials, e.g. an identity provider's endpoint. */
export const HTTPS_URL: Format = {
  pattern: /^https:\/\/[^\s@:/]+(:\d+)?(\/\S*)?$/,
  hint: 'use an https:// URL without credentials, e.g. https://login.example.org/oauth2/authorize',
};
