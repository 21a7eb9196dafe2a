import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { render } from './support/render.js';

const ROLE = 'arn:aws:iam::111122223333:role/piksel-staging-argo';
const aws = (extra: Record<string, unknown> = {}) => ({
  clusters: [{ name: 'staging', cloud: 'aws', aws: { serviceAccountRoles: { argo: ROLE }, ...extra } }],
});

/** The values argo's staging overlay patches into the HelmRelease. */
async function overlayValues(answers: Record<string, unknown>) {
  const { files } = await render(answers);
  return (parse(files.get('apps/staging/argo/release-patch.yaml')!) as { spec: { values: Record<string, unknown> } }).spec.values;
}

describe('argo on aws', () => {
  it('puts the IRSA role on the account workflow pods run as, and makes that account their default', async () => {
    const values = await overlayValues(aws());
    expect(values.workflow).toEqual({ serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': ROLE } } });
    expect(values.controller).toEqual({ workflowDefaults: { spec: { serviceAccountName: 'argo-workflow' } } });
    expect(values.artifactRepository).toBeUndefined();
  });

  it('configures the S3 artifact repository with the role, not static keys, when a bucket is given', async () => {
    const values = await overlayValues(aws({ artifactBucket: 'piksel-artifacts' }));
    expect(values.useStaticCredentials).toBe(false);
    expect(values.artifactRepository).toEqual({
      s3: { bucket: 'piksel-artifacts', endpoint: 's3.ap-southeast-3.amazonaws.com', region: 'ap-southeast-3', useSDKCreds: true },
    });
  });
});
