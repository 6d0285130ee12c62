// `serverless invoke local` of a function whose configuration is wrong (scheduledSync without
// SYNC_SOURCE_URL, so its module throws ConfigurationError at import) prints the error and exits
// non-zero. It used to hang: serverless-esbuild's build context kept esbuild's service process
// alive (see `skipRebuild` in serverless.yml). Slow: it bundles the function first.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

it('serverless invoke local exits non-zero with the configuration error', { timeout: 120_000 }, async () => {
  const failure = await run(
    'npx',
    [
      '--no-install',
      'serverless',
      'invoke',
      'local',
      '--stage',
      'local',
      '-f',
      'scheduledSync',
      '--data',
      '{}',
    ],
    {
      cwd: ROOT,
      // A hang would be killed here and fail the test with `killed: true` rather than an exit code.
      timeout: 110_000,
      // Its own build folder, so that it never shares one with another test bundling at the same time.
      env: { ...process.env, SLS_ESBUILD_WORK_FOLDER: '.esbuild/e2e-invoke-config', SYNC_SOURCE_URL: '' },
    },
  ).then(
    () => ({ code: 0, killed: false, output: '' }),
    (error: unknown) => {
      const e = error as { code: number | null; killed: boolean; stdout: string; stderr: string };
      return { code: e.code, killed: e.killed, output: e.stdout + e.stderr };
    },
  );
  expect(failure.killed).toBe(false);
  expect(failure.code).toBeGreaterThan(0);
  expect(failure.output).toContain(
    'ConfigurationError: scheduled sync needs SYNC_SOURCE_URL, SYNC_SOBJECT and SYNC_EXTERNAL_ID_FIELD',
  );
});
