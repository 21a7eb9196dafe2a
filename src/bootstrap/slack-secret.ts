import { inputError, stepError } from '../errors.js';
import type { ProcessRunner } from '../process.js';
import { lastLines } from './preflight.js';

/**
 * The Slack webhook Secret of the notification Provider. Its value travels one way only: from
 * SLACK_WEBHOOK_URL (or a hidden prompt) to `kubectl apply -f -` on stdin. Never argv, never a
 * file, never printed.
 */
export const SLACK_WEBHOOK_VARIABLE = 'SLACK_WEBHOOK_URL';
export const SLACK_SECRET_NAMESPACE = 'flux-system';
const FIELD_MANAGER = 'create-piksel-gitops';

/** A JSON manifest (kubectl accepts JSON; no YAML quoting to get wrong). */
export function slackSecretManifest(secretName: string, webhookUrl: string): string {
  return `${JSON.stringify(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secretName, namespace: SLACK_SECRET_NAMESPACE, labels: { 'app.kubernetes.io/managed-by': FIELD_MANAGER } },
      type: 'Opaque',
      stringData: { address: webhookUrl },
    },
    null,
    2,
  )}\n`;
}

/**
 * Server-side apply: unlike client-side apply it stores no last-applied-configuration annotation,
 * which would hold the webhook in clear text; --force-conflicts takes over a Secret created by hand.
 */
export const applySecretArgs = (context: string) => [
  `--context=${context}`,
  'apply',
  '--server-side',
  `--field-manager=${FIELD_MANAGER}`,
  '--force-conflicts',
  '--filename=-',
];

/**
 * What a person can run later when no webhook was given: typed without echo, passed through the
 * shell's builtin printf to stdin, so it reaches neither the history nor a process's argv.
 */
export function manualSlackSecretCommand(secretName: string, context?: string): string {
  const ctx = context ? ` --context=${context}` : '';
  return (
    `read -rs SLACK_WEBHOOK_URL && printf 'address=%s\\n' "$SLACK_WEBHOOK_URL" | ` +
    `kubectl${ctx} -n ${SLACK_SECRET_NAMESPACE} create secret generic ${secretName} --from-env-file=/dev/stdin`
  );
}

/** A webhook must be an https URL; the message never repeats the value. */
export function checkWebhookUrl(value: string, source: string): string {
  const trimmed = value.trim();
  if (!/^https:\/\/[^\s/]+\/\S*$/.test(trimmed))
    throw inputError(`${source} is not an https:// URL (value not shown): use the Slack incoming-webhook URL, e.g. https://hooks.slack.com/services/…`);
  return trimmed;
}

export async function applySlackSecret(run: ProcessRunner, context: string, secretName: string, webhookUrl: string, redact: (t: string) => string): Promise<void> {
  const result = await run('kubectl', applySecretArgs(context), { input: slackSecretManifest(secretName, webhookUrl), timeoutMs: 60_000 });
  if (result.notFound) throw stepError('kubectl was not found on PATH: install kubectl and re-run');
  if (result.exitCode !== 0)
    throw stepError(
      `Flux is bootstrapped, but the Slack Secret ${SLACK_SECRET_NAMESPACE}/${secretName} could not be created: ` +
        'check your permissions in flux-system and re-run (bootstrap is idempotent), or create it by hand with: ' +
        manualSlackSecretCommand(secretName, context),
      lastLines(redact(`${result.stdout}\n${result.stderr}`)),
    );
}
