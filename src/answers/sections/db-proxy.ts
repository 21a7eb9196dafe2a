import { z } from 'zod';
import { matching, wholeNumber } from '../fields.js';
import * as f from '../formats.js';
import { readNumber } from '../text-values.js';
import { defineSection } from './section.js';

const port = () => wholeNumber(1, 65535, 'a port');

/** Starts every role and database name of a cluster that shares its PostgreSQL server with another. */
const PREFIX: f.Format = {
  pattern: /^[a-z][a-z0-9_]{0,19}$/,
  hint: "use 1-20 lowercase letters, digits and '_', starting with a letter",
};

/** db-proxy's answers: the PostgreSQL server it fronts. */
export const dbProxyAnswers = defineSection({
  key: 'database',
  component: 'db-proxy',
  answers: z
    .strictObject({
      host: matching(f.HOSTNAME).default('postgres.example.org').describe('PostgreSQL host behind db-proxy'),
      port: port().default(5432).describe('PostgreSQL port'),
      ca: z
        .string()
        .regex(/^\s*-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/, {
          error: 'is not a PEM certificate bundle: paste the CA file, from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----',
        })
        .optional()
        .describe("CA bundle (PEM) of the server's certificate, e.g. RDS's global-bundle.pem; set: every connection to the server is TLS, verified (sslmode verify-full)"),
    })
    .prefault({}),
  clusterOverrides: z
    .strictObject({
      host: matching(f.HOSTNAME).optional().describe('PostgreSQL host of this cluster (default: database.host)'),
      port: port().optional().describe('PostgreSQL port of this cluster (default: database.port)'),
      prefix: matching(PREFIX)
        .optional()
        .describe("Prefix of this cluster's role and database names (<prefix>_odc); default: the cluster name when an earlier cluster uses the same server"),
    })
    .optional()
    .describe("This cluster's database, when it differs from the repository's"),
  ask: async (q) => {
    if (!q.selected('db-proxy')) return;
    q.section('Database (PostgreSQL behind db-proxy)');
    await q.text('database.host', 'PostgreSQL host');
    await q.text('database.port', 'PostgreSQL port', { read: readNumber });
  },
  askForCluster: async (q) => {
    if (!q.selected('db-proxy')) return;
    await q.text('database.host', `PostgreSQL host for ${q.name}`);
    await q.text('database.port', `PostgreSQL port for ${q.name}`, readNumber);
  },
});
