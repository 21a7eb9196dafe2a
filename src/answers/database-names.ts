/**
 * Which role and database names each cluster uses on its PostgreSQL server: a leaf module over
 * plain shapes, read by the schema (to refuse a clash) and the cluster settings (to name things).
 */

interface ServerDefaults {
  readonly host: string;
  readonly port: number;
}

interface ClusterDatabase {
  readonly name: string;
  readonly database?: { readonly host?: string; readonly port?: number; readonly prefix?: string };
}

/** The server a cluster's database layer talks to: its own override, else the repository's. */
export const databaseServer = (defaults: ServerDefaults, cluster: ClusterDatabase) => ({
  host: cluster.database?.host ?? defaults.host,
  port: cluster.database?.port ?? defaults.port,
});

/**
 * Role names are server-wide: a cluster whose PostgreSQL server an earlier cluster already uses
 * gets its own names (its name, '-' as '_'), so its bootstrap cannot reset the first one's passwords.
 * The first cluster on a server keeps the plain names, as a single-cluster repository always had.
 */
export function databasePrefix(defaults: ServerDefaults, clusters: readonly ClusterDatabase[], cluster: ClusterDatabase): string {
  if (cluster.database?.prefix) return cluster.database.prefix;
  const server = databaseServer(defaults, cluster);
  const earlier = clusters.slice(0, clusters.findIndex((c) => c.name === cluster.name));
  const shared = earlier.some((c) => {
    const other = databaseServer(defaults, c);
    return other.host === server.host && other.port === server.port;
  });
  return shared ? cluster.name.replace(/-/g, '_') : '';
}
