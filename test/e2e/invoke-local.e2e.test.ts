// `npx serverless invoke local --stage local` of each function, against the emulators: the
// documented way to run the real bundles (built by serverless-esbuild) on this machine.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startInvokeLocalStack,
  type InvokeLocalStack,
} from '../../emulators/local-stack/invoke-local-stack.js';
import { coldStart } from '../helpers/lambda.js';
import { recordOutput } from '../setup/output-sink.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
let local: InvokeLocalStack;

async function invokeLocal(fn: string, ...args: string[]): Promise<unknown> {
  const { stdout, stderr } = await run(
    'npx',
    ['--no-install', 'serverless', 'invoke', 'local', '--stage', 'local', '-f', fn, ...args],
    {
      cwd: ROOT,
      timeout: 120_000,
      env: { ...process.env, ...local.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
    },
  );
  // The result is the last pretty-printed JSON value; log lines before it are one-line JSON.
  const lines = stdout.trimEnd().split('\n');
  const start = lines.lastIndexOf('{');
  // The logs are scanned for secrets with everything else the run printed; the result is not a
  // log line (the token vendor's result is a token, by contract).
  recordOutput([...lines.slice(0, Math.max(0, start)), stderr].join('\n'));
  return JSON.parse(lines.slice(start).join('\n'));
}

beforeAll(async () => {
  local = await startInvokeLocalStack(async () => {
    const { handler } = await coldStart<{ handler: (e: unknown, c: unknown) => Promise<unknown> }>(
      '../../functions/token-vendor.js',
      {
        POWERTOOLS_LOG_LEVEL: 'ERROR',
      },
    );
    return handler;
  });
}, 60_000);

afterAll(async () => {
  await local.close();
});

// Each invocation bundles its function first (serverless-esbuild), a few seconds each.
describe('serverless invoke local', { timeout: 90_000 }, () => {
  it('tokenVendor vends a token from the local stack', async () => {
    // Without --data or --path, invoke local would wait for the event on stdin.
    const token = (await invokeLocal('tokenVendor', '--data', '{}')) as {
      accessToken: string;
      instanceUrl: string;
    };
    expect(token.instanceUrl).toBe(local.stack.salesforce.url);
    expect(local.stack.salesforce.isActiveSession(token.accessToken)).toBe(true);
  });

  it('sqsSync writes the sample batch through the vendor and reports the two bad messages', async () => {
    const result = await invokeLocal('sqsSync', '--path', 'emulators/local-stack/events/sqs-batch.json');
    expect(result).toEqual({
      batchItemFailures: [{ itemIdentifier: 'local-2' }, { itemIdentifier: 'local-3' }],
    });
    expect(local.stack.salesforce.findRecord('Account', 'Ext_Id__c', 'LOCAL-1')).toMatchObject({
      Name: 'Acme, "Local" Ltd',
    });
    expect(local.lambda.invocations['sf-lambda-bridge-local-tokenVendor']).toBeGreaterThanOrEqual(1);
  });

  it('scheduledSync reads the sample source and upserts it', async () => {
    const summary = await invokeLocal(
      'scheduledSync',
      '--path',
      'emulators/local-stack/events/schedule.json',
      '-e',
      `SYNC_SOURCE_URL=${local.sourceUrl}`,
    );
    expect(summary).toMatchObject({ read: 100, created: 100, failed: 0, api: 'collections' });
  });
});
