import { z } from 'zod';
import { SEVERITIES } from '../choices.js';
import { matching } from '../fields.js';
import * as f from '../formats.js';
import { choices, defineSection } from './section.js';

/** notifications' answers: whether Flux events go to Slack, where, and which. */
export const notificationsAnswers = defineSection({
  key: 'slack',
  component: 'notifications',
  answers: z
    .strictObject({
      enabled: z.boolean().default(true).describe('Send Flux events to Slack'),
      channel: matching(f.SLACK_CHANNEL).default('piksel-alerts').describe('Slack channel'),
      severity: z.enum(SEVERITIES).default('info').describe('info (every event) or error (failures only)'),
      secretName: matching(f.DNS_LABEL).default('slack-webhook').describe('Secret in flux-system holding the webhook (key address)'),
    })
    .prefault({}),
  clusterOverrides: z
    .strictObject({
      channel: matching(f.SLACK_CHANNEL).optional().describe("Slack channel of this cluster's events (default: slack.channel)"),
      severity: z.enum(SEVERITIES).optional().describe('info or error for this cluster (default: slack.severity)'),
    })
    .optional(),
  ask: async (q) => {
    q.section('Slack notifications');
    if (q.isOpen('slack.enabled'))
      q.note(
        ['The webhook URL is asked only at bootstrap (or read from', 'SLACK_WEBHOOK_URL) and goes straight into a cluster Secret:', 'it is never stored in the repository.'].join('\n'),
        'Slack webhook',
      );
    await q.confirm('slack.enabled', 'Send Flux events to Slack?');
    if (q.current('slack.enabled') !== true) return;
    await q.text('slack.channel', 'Slack channel (without #)');
    await q.select('slack.severity', 'Which events', choices(SEVERITIES, { info: 'every reconciliation event', error: 'failures only' }));
    await q.text('slack.secretName', 'Secret in flux-system holding the webhook');
  },
  askForCluster: async (q) => {
    if (q.current('slack.enabled') !== true) return;
    await q.text('slack.channel', `Slack channel for ${q.name}'s events (without #)`);
    await q.select('slack.severity', `Which of ${q.name}'s events`, choices(SEVERITIES));
  },
});
