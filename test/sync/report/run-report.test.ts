// The run report against a real S3-protocol server: objects are read back with GetObject.
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportWriteError } from '../../../lib/errors.js';
import { RunReport } from '../../../lib/sync/report/run-report.js';
import { newRunId } from '../../../lib/sync/run-id.js';
import { RunStateStore, type RunState } from '../../../lib/sync/report/run-state.js';
import { parseS3Prefix } from '../../../lib/s3-location.js';
import { S3ObjectWriter } from '../../../lib/sync/report/s3-object-writer.js';
import { startLocalS3, type LocalS3 } from '../../helpers/s3.js';

let s3: LocalS3;
const bucket = 'reports';
const MiB = 1024 * 1024;

beforeAll(async () => {
  s3 = await startLocalS3();
  await s3.createBucket(bucket);
});
afterAll(async () => {
  await s3.stop();
});

describe('parseS3Prefix', () => {
  it('splits bucket and prefix', () => {
    expect(parseS3Prefix('s3://reports/sync/orders/', 'SYNC_REPORT_URL')).toEqual({
      bucket: 'reports',
      prefix: 'sync/orders/',
    });
    expect(parseS3Prefix('s3://reports/', 'SYNC_REPORT_URL')).toEqual({ bucket: 'reports', prefix: '' });
  });

  it.each([
    ['https://reports/x/', 'must look like s3://bucket/prefix/'],
    ['s3://reports', 'must look like s3://bucket/prefix/'],
    ['s3://Bad_Bucket/x/', 'names an invalid S3 bucket'],
    ['s3://reports/runs', 'must end with "/"'],
  ])('refuses %s, naming the setting but not the value', (url, problem) => {
    const error = (() => {
      try {
        parseS3Prefix(url, 'SYNC_REPORT_URL');
      } catch (caught) {
        return caught as Error & { code: string };
      }
      throw new Error('no error');
    })();
    expect(error.code).toBe('ERR_CONFIGURATION');
    expect(error.message).toContain(`SYNC_REPORT_URL ${problem}`);
    expect(error.message).not.toContain(url);
  });
});

describe('S3ObjectWriter', () => {
  it('sends a small object with one PutObject', async () => {
    const writer = new S3ObjectWriter(s3.client, { bucket, key: 'small.txt', contentType: 'text/plain' });
    await writer.write('hello, ');
    await writer.write('world\n');
    await writer.end();
    expect(await s3.getText(bucket, 'small.txt')).toBe('hello, world\n');
    expect(writer.bytes).toBe(13);
  });

  it('streams a large object in 5 MiB parts, holding one part at a time', async () => {
    const writer = new S3ObjectWriter(s3.client, {
      bucket,
      key: 'large.txt',
      contentType: 'text/plain',
      partBytes: 5 * MiB,
    });
    const line = `${'x'.repeat(1023)}\n`;
    // 12 MiB in 1 KiB lines: two full parts and a 2 MiB last part.
    for (let i = 0; i < 12 * 1024; i++) await writer.write(line);
    await writer.end();
    const text = await s3.getText(bucket, 'large.txt');
    expect(text.length).toBe(12 * MiB);
    expect(text.slice(-1024)).toBe(line);
  });

  it('a part that cannot be sent fails with ReportWriteError, and the writer takes no more', async () => {
    const writer = new S3ObjectWriter(s3.client, {
      bucket: 'no-such-bucket',
      key: 'x.csv',
      contentType: 'text/csv',
      partBytes: 5 * MiB,
    });
    await expect(writer.write('y'.repeat(5 * MiB))).rejects.toMatchObject({
      code: ReportWriteError.code,
      message: 'Report object s3://no-such-bucket/x.csv could not be written: NoSuchBucket',
    });
    await expect(writer.write('more')).rejects.toThrow(/already finished/);
  });
});

describe('RunReport', () => {
  it('writes every failure as CSV, quoting commas, quotes and newlines, then the summary', async () => {
    const location = parseS3Prefix(`s3://${bucket}/sync/`, 'SYNC_REPORT_URL');
    const report = new RunReport({ client: s3.client, location, runId: 'run-1' });
    const failures = Array.from({ length: 3000 }, (_, i) => ({
      ref: `line ${i + 1}`,
      externalId: `E-${i}`,
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: i === 7 ? 'Required, "quoted"\nand on two lines' : 'Required fields are missing: [Name]',
      fields: i === 7 ? ['Name', 'Phone'] : ['Name'],
    }));
    for (const failure of failures) await report.addFailure(failure);
    await report.finish({ read: 3000, failed: 3000 });

    expect(report.failuresKey).toBe('sync/runs/run-1/failures.csv');
    const rows = parse<Record<string, string>>(await s3.getText(bucket, report.failuresKey), {
      columns: true,
    });
    expect(rows).toHaveLength(3000);
    expect(rows[7]).toEqual({
      ref: 'line 8',
      externalId: 'E-7',
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required, "quoted"\nand on two lines',
      fields: 'Name,Phone',
    });
    expect(rows[2999]?.ref).toBe('line 3000');
    expect(JSON.parse(await s3.getText(bucket, report.summaryKey))).toEqual({ read: 3000, failed: 3000 });
  });

  it('writes a failure report with only its header when nothing failed', async () => {
    const location = parseS3Prefix(`s3://${bucket}/clean/`, 'SYNC_REPORT_URL');
    const report = new RunReport({ client: s3.client, location, runId: 'run-2' });
    await report.finish({ read: 10, failed: 0 });
    expect(await s3.getText(bucket, 'clean/runs/run-2/failures.csv')).toBe(
      'ref,externalId,statusCode,message,fields\n',
    );
    const listed = await s3.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'clean/' }));
    expect(listed.Contents?.map((o) => o.Key).sort()).toEqual([
      'clean/runs/run-2/failures.csv',
      'clean/runs/run-2/summary.json',
    ]);
  });

  it('run ids sort by start time and carry no characters that S3 tools mishandle', () => {
    const first = newRunId(Date.UTC(2026, 11, 2, 9, 5, 3, 7), 'a1b2c3d4-0000-4000-8000-000000000000');
    const later = newRunId(Date.UTC(2026, 11, 2, 10, 0, 0, 0), '../evil:id');
    expect(first).toBe('2026-12-02T09-05-03-007Z-a1b2c3d4-0000-4000-8000-000000000000');
    expect(later).toBe('2026-12-02T10-00-00-000Z-evilid');
    expect([later, first].sort()).toEqual([first, later]);
  });
});

describe('RunStateStore', () => {
  const location = { bucket, prefix: 'state-test/' };
  const state: RunState = {
    version: 1,
    pendingJobs: [
      {
        id: '750000000000001AAA',
        state: 'InProgress',
        sobject: 'Account',
        externalIdField: 'Ext_Id__c',
        records: 100_000,
        runId: 'run-1',
        submittedAt: 1_700_000_000_000,
        refsKey: 'state-test/runs/run-1/jobs/750000000000001AAA.refs.csv',
      },
    ],
  };

  it('reads no object as no pending jobs, and reads back what it wrote', async () => {
    const store = new RunStateStore(s3.client, location);
    expect(await store.read()).toEqual({ version: 1, pendingJobs: [] });
    await store.write(state);
    expect(await store.read()).toEqual(state);
  });

  it.each([
    ['not JSON', '{', 'is not valid JSON'],
    ['a __proto__ key', '{"version":1,"pendingJobs":[],"__proto__":{"x":1}}', 'is not valid JSON'],
    [
      'a job id that is not one',
      JSON.stringify({ version: 1, pendingJobs: [{ ...state.pendingJobs[0], id: '../x' }] }),
      'is not a Salesforce job id',
    ],
    ['an unknown version', JSON.stringify({ version: 2, pendingJobs: [] }), 'is not a run state'],
  ])('refuses a state object with %s', async (_what, body, message) => {
    const store = new RunStateStore(s3.client, { bucket, prefix: `bad-${message.length}-${body.length}/` });
    await s3.client.send(new PutObjectCommand({ Bucket: bucket, Key: store.key, Body: body }));
    const error: unknown = await store.read().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ReportWriteError);
    expect((error as Error).message).toContain(message);
  });
});
