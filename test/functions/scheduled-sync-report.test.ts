// The scheduled sync with SYNC_REPORT_URL, end to end through the handler: a gzipped NDJSON
// source in the S3 emulator, every failure in the report object, and a Bulk job left running at
// the deadline collected and reported by the next run.
import { gzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import type { SyncSummary } from '../../lib/sync/scheduled-sync.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';
import { startLocalS3, type LocalS3 } from '../helpers/s3.js';

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<SyncSummary>;

let stack: LocalStack;
let s3: LocalS3;
let output: ReturnType<typeof captureOutput>;

beforeAll(async () => {
  [stack, s3] = await Promise.all([startLocalStack(), startLocalS3()]);
  await Promise.all([s3.createBucket('exports'), s3.createBucket('reports')]);
  output = captureOutput();
});
afterAll(async () => {
  output.restore();
  await Promise.all([stack.close(), s3.stop()]);
});
beforeEach(() => {
  stack.salesforce.clearFaults();
  stack.salesforce.clearRecords();
});

async function scheduledSync(env: Record<string, string | undefined>, timeoutMs = 60_000) {
  const { handler } = await coldStart<{ handler: Handler }>('../../functions/scheduled-sync.js', {
    ...stack.env,
    ...s3.emulator.env,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_REGION: 'us-east-1',
    SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
    SYNC_SOBJECT: 'Account',
    SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
    SYNC_BULK_THRESHOLD: '10',
    TOKEN_VENDOR_FUNCTION: undefined,
    SYNC_DRY_RUN: undefined,
    ...env,
  });
  return () => handler({ 'detail-type': 'Scheduled Event' }, lambdaContext('scheduled-sync', timeoutMs));
}

const ndjsonGz = (records: object[]) => gzipSync(records.map((r) => JSON.stringify(r)).join('\n'));
const csvRows = (text: string) => parse<Record<string, string>>(text, { columns: true });

describe('scheduled-sync with SYNC_REPORT_URL', () => {
  it('writes every failure to the report, whatever their number, and the summary beside it', async () => {
    const records = Array.from({ length: 300 }, (_, i) =>
      // Every third record lacks the required Name: Salesforce refuses it.
      i % 3 === 0 ? { Ext_Id__c: `R-${i}` } : { Ext_Id__c: `R-${i}`, Name: `Record ${i}` },
    );
    await s3.emulator.putObject('exports', 'accounts.ndjson.gz', ndjsonGz(records));
    const invoke = await scheduledSync({
      SYNC_SOURCE_URL: 's3://exports/accounts.ndjson.gz',
      SYNC_REPORT_URL: 's3://reports/accounts/',
    });
    const summary = await invoke();
    expect(summary).toMatchObject({ read: 300, created: 200, failed: 100, api: 'bulk', pendingJobs: [] });
    expect(summary.failures).toHaveLength(50);
    const runFolder = /^s3:\/\/reports\/(accounts\/runs\/[^/]+\/)failures\.csv$/.exec(
      summary.report?.failures ?? '',
    )?.[1];
    expect(runFolder).toBeDefined();
    const report = csvRows(await s3.getText('reports', `${runFolder}failures.csv`));
    expect(report).toHaveLength(100);
    expect(report.map((r) => r.ref).sort()).toEqual(
      records.flatMap((_, i) => (i % 3 === 0 ? [`line ${i + 1}`] : [])).sort(),
    );
    expect(report[0]).toMatchObject({ statusCode: 'REQUIRED_FIELD_MISSING', fields: 'Name' });
    expect(report.every((r) => r.externalId === `R-${Number((r.ref ?? '').slice(5)) - 1}`)).toBe(true);
    const written = JSON.parse(await s3.getText('reports', `${runFolder}summary.json`)) as SyncSummary;
    expect(written).toMatchObject({ read: 300, created: 200, failed: 100 });
    expect(JSON.parse(await s3.getText('reports', 'accounts/state.json'))).toEqual({
      version: 1,
      pendingJobs: [],
    });
  });

  it('a job still running at the deadline is saved in the state, and the next run reports its records', async () => {
    const records = Array.from({ length: 20 }, (_, i) => ({
      Ext_Id__c: `P-${i}`,
      Name: i === 4 ? null : `P ${i}`,
    }));
    await s3.emulator.putObject('exports', 'pending.ndjson.gz', ndjsonGz(records));
    const env = {
      SYNC_SOURCE_URL: 's3://exports/pending.ndjson.gz',
      SYNC_REPORT_URL: 's3://reports/pending/',
    };
    stack.salesforce.holdBulkJobs();
    const first = await (await scheduledSync(env, 4_000))();
    expect(first).toMatchObject({ read: 20, created: 0, failed: 0, api: 'bulk' });
    expect(first.pendingJobs).toEqual([
      { id: expect.any(String) as unknown, state: 'InProgress', records: 20 },
    ]);
    const state = JSON.parse(await s3.getText('reports', 'pending/state.json')) as {
      pendingJobs: { id: string }[];
    };
    expect(state.pendingJobs.map((j) => j.id)).toEqual([first.pendingJobs[0]?.id]);
    // Only what the next run needs, field by field: no option of the run leaks into the object.
    expect(Object.keys(state.pendingJobs[0] ?? {}).sort()).toEqual([
      'externalIdField',
      'id',
      'records',
      'refsKey',
      'runId',
      'sobject',
      'state',
      'submittedAt',
    ]);

    stack.salesforce.releaseBulkJobs();
    // Released jobs are processed after the emulator's processing delay: wait for that, not a time.
    const jobId = first.pendingJobs[0]?.id ?? '';
    await vi.waitFor(() => {
      expect(stack.salesforce.bulkJobState(jobId)).toBe('JobComplete');
    });
    // The next run reads the same source again (upserts are idempotent) after collecting the job.
    const second = await (await scheduledSync(env))();
    expect(second.collected).toMatchObject({
      created: 19,
      updated: 0,
      failed: 1,
      jobs: [{ id: first.pendingJobs[0]?.id, state: 'JobComplete', records: 20 }],
    });
    expect(second).toMatchObject({ read: 20, created: 0, updated: 19, failed: 1, pendingJobs: [] });
    const runFolder = /^s3:\/\/reports\/(pending\/runs\/[^/]+\/)/.exec(second.report?.failures ?? '')?.[1];
    const report = csvRows(await s3.getText('reports', `${runFolder}failures.csv`));
    // Line 5 failed twice: once in the collected job, once in this run's own.
    expect(report.map((r) => [r.ref, r.statusCode])).toEqual([
      ['line 5', 'REQUIRED_FIELD_MISSING'],
      ['line 5', 'REQUIRED_FIELD_MISSING'],
    ]);
    expect(JSON.parse(await s3.getText('reports', 'pending/state.json'))).toEqual({
      version: 1,
      pendingJobs: [],
    });
  });

  it('refuses a SYNC_REPORT_URL that is not an s3:// prefix at cold start, naming the variable', async () => {
    await expect(
      scheduledSync({ SYNC_SOURCE_URL: 's3://exports/x.ndjson', SYNC_REPORT_URL: 's3://reports/no-slash' }),
    ).rejects.toMatchObject({
      code: 'ERR_CONFIGURATION',
      message: expect.stringContaining('SYNC_REPORT_URL') as unknown,
    });
  });
});
