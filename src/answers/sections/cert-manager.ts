import { z } from 'zod';
import { ISSUERS } from '../choices.js';
import { matching } from '../fields.js';
import * as f from '../formats.js';
import { choices, defineSection } from './section.js';

/** cert-manager's answers: the ACME account and which Let’s Encrypt issuer the apps' certificates use. */
export const certManagerAnswers = defineSection({
  key: 'certManager',
  component: 'cert-manager',
  answers: z
    .strictObject({
      email: matching(f.EMAIL).default('platform@example.org').describe('ACME account e-mail for Let’s Encrypt'),
      issuer: z.enum(ISSUERS).default('letsencrypt-staging').describe("ClusterIssuer of the apps' HTTPS certificates"),
    })
    .prefault({}),
  clusterOverrides: z
    .strictObject({ issuer: z.enum(ISSUERS).optional().describe("ClusterIssuer of this cluster's HTTPS certificates (default: certManager.issuer)") })
    .optional(),
  ask: async (q) => {
    if (!q.selected('cert-manager')) return;
    q.section('TLS certificates (cert-manager, Let’s Encrypt)');
    await q.text('certManager.email', 'ACME account e-mail');
    await q.select('certManager.issuer', "Issuer of the apps' HTTPS certificates", choices(ISSUERS, {
      'letsencrypt-staging': 'untrusted test certificates, generous limits',
      'letsencrypt-production': 'trusted certificates, strict rate limits',
    }));
  },
  askForCluster: async (q) => {
    if (q.selected('cert-manager')) await q.select('certManager.issuer', `Issuer of ${q.name}'s HTTPS certificates`, choices(ISSUERS));
  },
});
