import { describe, expect, it } from 'vitest';
import { REDACTED, redactor } from '../../src/bootstrap/command-line.js';
import type { ProcessRunner } from '../../src/process.js';
import { kubectlBackend } from '../../src/secrets/kubectl.js';

/** A password with every character JSON (and Go's encoder) writes differently. */
const PASSWORD = 'pa"ss\\word<&>-0123456789';

describe('redaction', () => {
  it('masks a value as given, JSON-escaped, as Go writes JSON, and base64', () => {
    const redact = redactor([PASSWORD]);
    const echoed = [
      PASSWORD,
      JSON.stringify(PASSWORD).slice(1, -1),
      JSON.stringify(PASSWORD).slice(1, -1).replace('<', '\\u003c').replace('&', '\\u0026').replace('>', '\\u003e'),
      Buffer.from(PASSWORD).toString('base64'),
    ];
    for (const form of echoed) expect(redact(`before ${form} after`)).toBe(`before ${REDACTED} after`);
  });

  it("kubectl's echo of the Secret it was sent never reaches the error message", async () => {
    // kubectl refuses the object and prints it back as JSON, the way an admission webhook's denial does.
    const run: ProcessRunner = async (_command, args, options = {}) => {
      if (args.includes('apply') && options.input?.includes('"Secret"'))
        return { exitCode: 1, stdout: '', stderr: `Error from server (Forbidden): error when applying patch: ${options.input.trim()}: denied`, notFound: false };
      return { exitCode: 0, stdout: args.includes('get') ? 'namespace/database\n' : '', stderr: '', notFound: false };
    };
    const backend = kubectlBackend(run, 'kind-piksel');
    const error = await backend.apply({ name: 'database-admin', namespace: 'database' }, { username: 'postgres-admin', password: PASSWORD }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toContain('denied');
    expect((error as Error).message).toContain('"password":"***"');
    expect((error as Error).message).not.toMatch(/0123456789|postgres-admin/);
  });
});
