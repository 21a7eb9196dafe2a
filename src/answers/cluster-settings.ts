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
}

export function clusterSettings(answers: Answers, cluster: ClusterAnswers): ClusterSettings {
  return {
    database: { ...databaseServer(answers, cluster), prefix: databasePrefix(answers, cluster) },
    issuer: cluster.certManager?.issuer ?? answers.certManager.issuer,
    slack: {
      enabled: answers.slack.enabled,
      channel: slackChannelName(cluster.slack?.channel ?? answers.slack.channel),
      severity: cluster.slack?.severity ?? answers.slack.severity,
    },
    gpu: { ...answers.gpu, enabled: cluster.gpu?.enabled ?? answers.gpu.enabled },
  };
}

/** Slack channels are stored as typed; objects and messages use the name without '#'. */
export const slackChannelName = (channel: string): string => channel.replace(/^#/, '');

/** Whether any cluster of the repository runs GPUs (the shared device-plugin files exist then). */
export const anyClusterHasGpu = (answers: Answers): boolean => answers.clusters.some((c) => clusterSettings(answers, c).gpu.enabled);

const databaseServer = (answers: Answers, cluster: ClusterAnswers) => ({
  host: cluster.database?.host ?? answers.database.host,
  port: cluster.database?.port ?? answers.database.port,
});

/**
 * Role names are server-wide: a cluster whose PostgreSQL server an earlier cluster already uses
 * gets its own names (its name, '-' as '_'), so its bootstrap cannot reset the first one's passwords.
 * The first cluster on a server keeps the plain names, as a single-cluster repository always had.
 */
function databasePrefix(answers: Answers, cluster: ClusterAnswers): string {
  if (cluster.database?.prefix) return cluster.database.prefix;
  const server = databaseServer(answers, cluster);
  const earlier = answers.clusters.slice(0, answers.clusters.findIndex((c) => c.name === cluster.name));
  const shared = earlier.some((c) => {
    const other = databaseServer(answers, c);
    return other.host === server.host && other.port === server.port;
  });
  return shared ? cluster.name.replace(/-/g, '_') : '';
}
