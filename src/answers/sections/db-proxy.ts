import { z } from 'zod';
import { matching, wholeNumber } from '../fields.js';
import * as f from '../formats.js';
import { readNumber } from '../text-values.js';
import { defineSection } from './section.js';

const port = () => wholeNumber(1, 65535, 'a port');

/** db-proxy's answers: the PostgreSQL server it fronts. */
export const dbProxyAnswers = defineSection({
  key: 'database',
  component: 'db-proxy',
  answers: z
    .strictObject({
      host: matching(f.HOSTNAME).default('postgres.example.org').describe('PostgreSQL host behind db-proxy'),
      port: port().default(5432).describe('PostgreSQL port'),
    })
    .prefault({}),
  clusterOverrides: z
    .strictObject({
      host: matching(f.HOSTNAME).optional().describe('PostgreSQL host of this cluster (default: database.host)'),
      port: port().optional().describe('PostgreSQL port of this cluster (default: database.port)'),
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
