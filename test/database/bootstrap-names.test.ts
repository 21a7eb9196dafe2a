import { describe, expect, it } from 'vitest';
import { scenario, secrets } from '../bootstrap/setup.js';

const ADMIN = { PIKSEL_DB_ADMIN_USERNAME: 'piksel_admin', PIKSEL_DB_ADMIN_PASSWORD: `pw-${Math.random().toString(36).slice(2)}` };

describe('a second cluster on the same PostgreSQL server, at bootstrap', { timeout: 120_000 }, () => {
  it("creates its logins under its own role names, so the first cluster's roles keep their passwords", async () => {
    const s = await scenario({ remote: 'empty', sets: ['clusters.1.name=production', 'clusters.1.domain=prod.piksel.id'] });
    const created = await secrets([s.dir, '--yes', '--cluster', 'production'], s.env(ADMIN));
    expect(created.error, created.output).toBeUndefined();
    const cluster = await s.fakes.clusterSecrets();
    expect(cluster['odc/odc-db']!.username).toBe('production_odc');
    expect(cluster['database/odc-db']!.username).toBe('production_odc');
    expect(cluster['jupyterhub/odc-read-db']!.username).toBe('production_odc_read');
  });
});
