// `npm start` is the first thing a new user runs: it must succeed on a fresh checkout, report
// what happened, and show no secret.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { recordOutput } from '../setup/output-sink.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

describe('npm start', () => {
  it(
    'runs the whole local stack and exits 0 with a report and no secret in it',
    { timeout: 120_000 },
    async () => {
      const { stdout, stderr } = await run('npm', ['start', '--silent', '--', '--records', '500'], {
        cwd: ROOT,
        timeout: 110_000,
      });
      const output = stdout + stderr;
      recordOutput(output);
      expect(output).toMatch(/20 messages: 17 written, 3 reported in batchItemFailures/);
      // The scheduled sync reads a generated gzipped NDJSON object from the S3 emulator.
      expect(output).toMatch(/reading s3:\/\/sf-lambda-bridge-local-source\/exports\/accounts\.ndjson\.gz/);
      expect(output).toMatch(/read 500, created 498, updated 0, failed 2 \(collections/);
      expect(output).toMatch(/REQUIRED_FIELD_MISSING: Required fields are missing: \[Name\]/);
      expect(output).toMatch(/^ {3}logins 3 /m);
      expect(output).toMatch(/OK: tokens minted/);
      expect(output).not.toMatch(/00D\w{12}![A-Za-z0-9._-]{20,}/);
      expect(output).not.toMatch(/PRIVATE KEY/);
    },
  );

  it('refuses a bad --records value with a clear message', async () => {
    const failure = await run('npm', ['start', '--silent', '--', '--records', 'lots'], {
      cwd: ROOT,
      timeout: 60_000,
    }).catch((error: unknown) => error as { code: number; stderr: string });
    recordOutput(failure.stderr);
    expect(failure).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--records must be a whole number') as unknown,
    });
  });
});
