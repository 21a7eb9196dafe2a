import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { installFakes } from './fakes.js';

describe('the flux and kubectl stand-ins', () => {
  it('load nothing until a command runs in-process: a test whose folder is removed first leaves no failed import behind', async () => {
    const rejections: unknown[] = [];
    const record = (reason: unknown) => rejections.push(reason);
    process.on('unhandledRejection', record);
    try {
      const fakes = await installFakes();
      rmSync(dirname(fakes.bin), { recursive: true, force: true }); // what the file's afterAll does
      await sleep(200);
    } finally {
      process.off('unhandledRejection', record);
    }
    expect(rejections).toEqual([]);
  });
});
