import { clusterSettings, slackChannelName } from '../../answers/cluster-settings.js';
import { notificationsAnswers } from '../../answers/sections/notifications.js';
import { defineComponent } from '../component.js';

const NAMESPACE = 'flux-system';

/** The Provider's name; the cluster's Alert (clusters/<name>/notifications.yaml) refers to it. */
export const SLACK_PROVIDER = 'slack';

export const notifications = defineComponent({
  name: 'notifications',
  layer: 'controllers',
  title: 'Flux notifications (Slack)',
  summary: 'Slack Provider for Flux events; the webhook stays in a cluster Secret, never in Git',
  // flux-system is created by `flux bootstrap`, so this component declares no Namespace.
  namespace: NAMESPACE,
  needs: [],
  charts: {},
  hosts: [],
  answers: notificationsAnswers,
  toggle: (answers) => answers.slack.enabled,
  secrets: ({ answers }) => [
    {
      name: answers.slack.secretName,
      namespace: NAMESPACE,
      keys: ['address'],
      purpose: 'Slack incoming-webhook URL of the Flux notification Provider (from SLACK_WEBHOOK_URL)',
      createdBy: 'bootstrap',
      source: { kind: 'external', env: { address: 'SLACK_WEBHOOK_URL' }, hint: 'the Slack incoming-webhook URL (https://hooks.slack.com/services/…)' },
    },
  ],
  // The shared Provider names the repository's channel; a cluster with its own channel patches it.
  clusterPatches: ({ answers, cluster }) => {
    const channel = clusterSettings(answers, cluster).slack.channel;
    if (channel === slackChannelName(answers.slack.channel)) return [];
    return [
      {
        target: { kind: 'Provider', name: SLACK_PROVIDER, namespace: NAMESPACE },
        patch: { apiVersion: 'notification.toolkit.fluxcd.io/v1beta3', kind: 'Provider', metadata: { name: SLACK_PROVIDER, namespace: NAMESPACE }, spec: { channel } },
      },
    ];
  },
  sharedView: ({ answers }): NotificationsView => ({
    provider: {
      name: SLACK_PROVIDER,
      channel: slackChannelName(answers.slack.channel),
      secretName: answers.slack.secretName,
    },
  }),
});

/** What templates/infrastructure/controllers/notifications.yaml.hbs sees beside the common fields. */
interface NotificationsView {
  readonly provider: { readonly name: string; readonly channel: string; readonly secretName: string };
}
