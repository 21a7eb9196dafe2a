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
  toggle: (answers) => answers.slack.enabled,
  secrets: ({ answers }) => [
    {
      name: answers.slack.secretName,
      namespace: NAMESPACE,
      keys: ['address'],
      purpose: 'Slack incoming-webhook URL of the Flux notification Provider (from SLACK_WEBHOOK_URL)',
      createdBy: 'bootstrap',
    },
  ],
  sharedView: ({ answers }) => ({
    provider: {
      name: SLACK_PROVIDER,
      channel: answers.slack.channel.replace(/^#/, ''),
      secretName: answers.slack.secretName,
    },
  }),
});
