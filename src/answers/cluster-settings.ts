import { databasePrefix, databaseServer } from './database-names.js';
import type { Answers, ClusterAnswers } from './schema.js';

/**
 * The settings one cluster runs with: its own overrides (clusters[i].database, …) over the
 * repository-wide answers. Everything cluster-specific in the output reads these, never the
 * repository-wide values directly, so a second cluster never inherits the first one's database.
 */
export interface ClusterSettings {
  /** `prefix` ('' for none) starts the cluster's role and database names on a shared server. */
  readonly database: { readonly host: string; readonly port: number; readonly prefix: string };
  readonly issuer: Answers['certManager']['issuer'];
  readonly slack: { readonly enabled: boolean; readonly channel: string; readonly severity: Answers['slack']['severity'] };
  readonly gpu: Answers['gpu'];
  /** What serves this cluster's apps (`ingress.controller`). */
  readonly edge: Answers['ingress']['controller'];
}

export function clusterSettings(answers: Answers, cluster: ClusterAnswers): ClusterSettings {
  return {
    database: { ...databaseServer(answers.database, cluster), prefix: databasePrefix(answers.database, answers.clusters, cluster) },
    issuer: cluster.certManager?.issuer ?? answers.certManager.issuer,
    slack: {
      enabled: answers.slack.enabled,
      channel: slackChannelName(cluster.slack?.channel ?? answers.slack.channel),
      severity: cluster.slack?.severity ?? answers.slack.severity,
    },
    gpu: { ...answers.gpu, enabled: cluster.gpu?.enabled ?? answers.gpu.enabled },
    edge: cluster.ingress?.controller ?? answers.ingress.controller,
  };
}

/** Slack channels are stored as typed; objects and messages use the name without '#'. */
export const slackChannelName = (channel: string): string => channel.replace(/^#/, '');

/** Whether any cluster of the repository runs GPUs (the shared device-plugin files exist then). */
export const anyClusterHasGpu = (answers: Answers): boolean => answers.clusters.some((c) => clusterSettings(answers, c).gpu.enabled);
