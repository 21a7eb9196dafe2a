import { inputError } from '../errors.js';

/**
 * The Slack webhook of the notification Provider: an outside fact of the Secret inventory
 * (notifications' `slack-webhook`, key `address`), created with the other Secrets
 * (src/secrets). Its value travels one way only: from SLACK_WEBHOOK_URL (or a hidden prompt) to
 * `kubectl apply -f -` on stdin. Never argv, never a file, never printed.
 */
export const SLACK_WEBHOOK_VARIABLE = 'SLACK_WEBHOOK_URL';

/** A webhook must be an https URL; the message never repeats the value. */
export function checkWebhookUrl(value: string, source: string): string {
  const trimmed = value.trim();
  if (!/^https:\/\/[^\s/]+\/\S*$/.test(trimmed))
    throw inputError(`${source} is not an https:// URL (value not shown): use the Slack incoming-webhook URL, e.g. https://hooks.slack.com/services/…`);
  return trimmed;
}
