import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import type { SyncSummary } from '../../lib/sync/scheduled-sync.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';
import { startRouteServer } from '../helpers/route-server.js';
import { startSourceServer } from '../helpers/source-server.js';

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<SyncSummary>;

let stack: LocalStack;
let source: Awaited<ReturnType<typeof startSourceServer>>;
let output: ReturnType<typeof captureOutput>;

async function scheduledSync(env: Record<string, string | undefined> = {}, timeoutMs = 120_000) {
  const { handler } = await coldStart<{ handler: Handler }>('../../functions/scheduled-sync.js', {
    ...stack.env,
    SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
    SYNC_SOURCE_URL: source.url,
    SYNC_SOBJECT: 'Account',
    SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
    SYNC_DRY_RUN: undefined,
    SYNC_BULK_THRESHOLD: undefined,
    TOKEN_VENDOR_FUNCTION: undefined,
    ...env,
  });
  return () =>
    handler(
      { 'detail-type': 'Scheduled Event', source: 'aws.events' },
      lambdaContext('scheduled-sync', timeoutMs),
    );
}

/** Values built to break naive CSV: commas, quotes, newlines, leading spaces, unicode. */
function hostileAccount(i: number) {
  return {
    Ext_Id__c: `S-${i}`,
    Name: `Acme, "Branch" ${i}`,
    Description: i % 3 === 0 ? `line one\nline "two", with comma\r\nthree` : `  spaced ${i} ünïcødé ✓ `,
    AnnualRevenue: i * 10.25,
    Active__c: i % 2 === 0,
    Phone: i % 5 === 0 ? null : `+1 555 ${String(i).padStart(4, '0')}`,
  };
}

beforeAll(async () => {
  [stack, source] = await Promise.all([startLocalStack({ s3: true }), startSourceServer()]);
  output = captureOutput();
});

afterAll(async () => {
  output.restore();
  await Promise.all([stack.close(), source.close()]);
  expect(output.text()).not.toMatch(/00D\w{12}!/);
});

beforeEach(() => {
  stack.salesforce.clearFaults();
  stack.salesforce.clearRecords();
});

describe('scheduled-sync', () => {
  it('5,000 records (over the 2,000 Bulk threshold) with commas, quotes and newlines go through Bulk API 2.0, all written exactly', async () => {
    const records = Array.from({ length: 5_000 }, (_, i) => hostileAccount(i));
    source.serve(JSON.stringify(records));
    const collectionsCalls = () => stack.salesforce.stats.requestsByRoute['collections.upsert'] ?? 0;
    const collectionsBefore = collectionsCalls();
    const summary = await (await scheduledSync())();
    expect(summary).toMatchObject({
      read: 5_000,
      created: 5_000,
      updated: 0,
      failed: 0,
      failures: [],
      api: 'bulk',
      dryRun: false,
    });
    expect(summary.apiCalls).toBeLessThan(20);
    expect(collectionsCalls()).toBe(collectionsBefore);
    const stored = new Map(stack.salesforce.records('Account').map((r) => [r.Ext_Id__c, r]));
    expect(stored.size).toBe(5_000);
    for (const record of records) {
      const got = stored.get(record.Ext_Id__c);
      expect(got).toMatchObject({ ...record, Description: record.Description });
    }
  });

  it('a small source uses Collections and reports created, updated and failed records with their external IDs', async () => {
    const invoke = await scheduledSync();
    source.serve(JSON.stringify([hostileAccount(1), hostileAccount(2)]));
    expect(await invoke()).toMatchObject({ read: 2, created: 2, updated: 0, failed: 0, api: 'collections' });
    source.serve(
      [
        JSON.stringify(hostileAccount(1)),
        JSON.stringify({ Ext_Id__c: 'new-1', Name: 'New' }),
        JSON.stringify({ Ext_Id__c: 'bad-email', Name: 'B', Email__c: 'not-an-email' }),
        '{"Ext_Id__c": "truncated"',
        JSON.stringify({ Name: 'no external id' }),
      ].join('\n'),
      200,
      'application/x-ndjson',
    );
    const summary = await invoke();
    expect(summary).toMatchObject({ read: 5, created: 1, updated: 1, failed: 3, api: 'collections' });
    expect(summary.failures).toEqual([
      { ref: 'line 4', statusCode: 'INVALID_JSON', message: 'source line 4 is not valid JSON' },
      { ref: 'line 5', statusCode: 'MISSING_EXTERNAL_ID', message: 'no value for Ext_Id__c' },
      {
        ref: 'line 3',
        externalId: 'bad-email',
        statusCode: 'INVALID_EMAIL_ADDRESS',
        message: expect.stringContaining('invalid email address') as unknown,
      },
    ]);
    const logged = output
      .lines()
      .filter((l) => l.includes('scheduled sync finished'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.at(-1)).toMatchObject({ read: 5, created: 1, updated: 1, failed: 3, logins: 0 });
  });

  it('SYNC_DRY_RUN validates and reports without writing', async () => {
    const invoke = await scheduledSync({ SYNC_DRY_RUN: 'true' });
    source.serve(JSON.stringify([hostileAccount(1), { Name: 'no id' }]));
    const logins = stack.salesforce.stats.logins;
    const summary = await invoke();
    // Nor does it log in: the token is only asked for early by a run that will write.
    expect(stack.salesforce.stats.logins).toBe(logins);
    expect(summary).toMatchObject({
      read: 2,
      created: 0,
      updated: 0,
      failed: 1,
      apiCalls: 0,
      api: 'none',
      dryRun: true,
    });
    expect(stack.salesforce.records('Account')).toHaveLength(0);
  });

  it('Bulk rows that Salesforce refuses are mapped back to their records', async () => {
    const invoke = await scheduledSync({ SYNC_BULK_THRESHOLD: '10' });
    const records = Array.from({ length: 30 }, (_, i) =>
      i === 7 ? { Ext_Id__c: 'S-7', Name: null } : hostileAccount(i),
    );
    source.serve(JSON.stringify(records));
    const summary = await invoke();
    expect(summary).toMatchObject({ read: 30, created: 29, failed: 1, api: 'bulk' });
    expect(summary.failures).toEqual([
      {
        ref: '#7',
        externalId: 'S-7',
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: expect.stringContaining('Name') as unknown,
      },
    ]);
  });

  it('a Bulk job that ends Failed before processing reports every record unprocessed, with the reason', async () => {
    const invoke = await scheduledSync({ SYNC_BULK_THRESHOLD: '10' });
    source.serve(JSON.stringify(Array.from({ length: 20 }, (_, i) => hostileAccount(i))));
    stack.salesforce.injectBulkFault({ outcome: 'Failed', errorMessage: 'InvalidBatch : simulated' });
    const summary = await invoke();
    expect(summary).toMatchObject({ read: 20, created: 0, failed: 20, api: 'bulk' });
    expect(summary.failures[0]).toMatchObject({
      statusCode: 'UNPROCESSED',
      message: expect.stringContaining('ended Failed: InvalidBatch : simulated') as unknown,
    });
  });

  it('a Bulk job that ends Failed part way counts its written rows as written', async () => {
    const invoke = await scheduledSync({ SYNC_BULK_THRESHOLD: '10' });
    source.serve(JSON.stringify(Array.from({ length: 20 }, (_, i) => hostileAccount(i))));
    stack.salesforce.injectBulkFault({ outcome: 'Failed', afterRows: 12 });
    const summary = await invoke();
    expect(summary).toMatchObject({ read: 20, created: 12, failed: 8, api: 'bulk' });
    expect(stack.salesforce.records('Account')).toHaveLength(12);
    expect(new Set(summary.failures.map((f) => f.statusCode))).toEqual(new Set(['UNPROCESSED']));
  });

  it('a Bulk job that never completes is given up within the remaining time, its records reported', async () => {
    const invoke = await scheduledSync({ SYNC_BULK_THRESHOLD: '10' }, 4_000);
    source.serve(JSON.stringify(Array.from({ length: 20 }, (_, i) => hostileAccount(i))));
    stack.salesforce.injectBulkFault({ outcome: 'NeverCompletes' });
    const polls = () => stack.salesforce.stats.requestsByRoute['bulk.jobInfo'] ?? 0;
    const pollsBefore = polls();
    const summary = await invoke();
    expect(summary).toMatchObject({ read: 20, failed: 20, api: 'bulk' });
    expect(summary.failures[0]?.statusCode).toBe('BULK_JOB_INCOMPLETE');
    // 4 s of Lambda time less the 2 s kept back to report leave 2 s to poll in: polls at 0, 0.5 and
    // 1.25 s (backoff x1.5), then the next wait (1.125 s) would not fit. A slower machine polls
    // less, never more; polling that ignored the deadline would go on until the test timed out.
    expect(polls() - pollsBefore).toBeGreaterThanOrEqual(1);
    expect(polls() - pollsBefore).toBeLessThanOrEqual(3);
  });

  it('asks for its token as the run starts, so that the login overlaps the read of the source', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const slow = await startRouteServer({
      '/accounts.ndjson': (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/x-ndjson' });
        res.write(`${JSON.stringify({ Ext_Id__c: 'P-1', Name: 'Early' })}\n`);
        void held.then(() => res.end(`${JSON.stringify({ Ext_Id__c: 'P-2', Name: 'Late' })}\n`));
      },
    });
    try {
      const invoke = await scheduledSync({ SYNC_SOURCE_URL: `${slow.url}/accounts.ndjson` });
      const logins = stack.salesforce.stats.logins;
      const run = invoke();
      // The source ends only once the login has happened: a run that logged in at its first
      // write (after the read) would wait here until the timeout fails the test.
      await vi.waitFor(
        () => {
          expect(stack.salesforce.stats.logins).toBe(logins + 1);
        },
        { timeout: 60_000, interval: 5 },
      );
      release();
      expect(await run).toMatchObject({ read: 2, created: 2, failed: 0 });
      expect(stack.salesforce.stats.logins).toBe(logins + 1);
    } finally {
      release();
      await slow.close();
    }
  });

  it('a source that cannot be read fails the run with a typed error and writes nothing', async () => {
    const invoke = await scheduledSync();
    source.serve('oops', 500);
    await expect(invoke()).rejects.toMatchObject({
      code: 'ERR_SOURCE_READ',
      message: expect.stringContaining('HTTP 500') as unknown,
    });
  });

  it('reads an s3:// prefix of gzipped NDJSON and CSV objects through the real S3 client, path-style', async () => {
    const s3 = stack.s3;
    if (!s3) throw new Error('the stack has no S3 emulator');
    await s3.createBucket('scheduled-exports');
    const ndjson = Array.from({ length: 30 }, (_, i) => JSON.stringify(hostileAccount(i))).join('\n');
    await s3.putObject('scheduled-exports', 'run-1/part-0.ndjson.gz', gzipSync(ndjson));
    await s3.putObject(
      'scheduled-exports',
      'run-1/part-1.csv',
      'Ext_Id__c,Name,Description\nS-100,"Acme, ""CSV""",\nS-101,,no name\nS-102,short row\n',
      { contentType: 'text/csv' },
    );
    const fetched = s3.calls.GetObject ?? 0;
    const summary = await (await scheduledSync({ SYNC_SOURCE_URL: 's3://scheduled-exports/run-1/' }))();
    expect(summary).toMatchObject({ read: 33, created: 31, failed: 2, api: 'collections' });
    expect(summary.failures).toEqual([
      // A row of the wrong width is a CSV problem, and says so (not INVALID_JSON).
      {
        ref: 'run-1/part-1.csv row 4',
        statusCode: 'INVALID_CSV',
        message: 'source run-1/part-1.csv row 4 has 2 cells where the header has 3',
      },
      {
        ref: 'run-1/part-1.csv row 3',
        externalId: 'S-101',
        statusCode: 'REQUIRED_FIELD_MISSING',
        message: expect.stringContaining('Name') as unknown,
      },
    ]);
    expect(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'S-100')).toMatchObject({
      Name: 'Acme, "CSV"',
    });
    expect((s3.calls.GetObject ?? 0) - fetched).toBe(2);
  });

  it('a source over SYNC_MAX_SOURCE_BYTES fails the run with a typed error naming the limit, and writes nothing', async () => {
    const invoke = await scheduledSync({ SYNC_MAX_SOURCE_BYTES: '2000' });
    source.serve(JSON.stringify(Array.from({ length: 100 }, (_, i) => hostileAccount(i))));
    await expect(invoke()).rejects.toMatchObject({ code: 'ERR_SOURCE_READ', limit: 'source-bytes' });
    expect(stack.salesforce.records('Account')).toHaveLength(0);
  });

  it("reading stops by the Lambda's deadline, not the runtime's timeout: what was read is written and the summary says where it stopped", async () => {
    const stalled = await startRouteServer({
      // One record, then the stream stalls.
      '/stalled.ndjson': (_req, res) => {
        res.writeHead(200);
        res.write(`${JSON.stringify(hostileAccount(1))}\n`);
      },
      // Nothing at all.
      '/silent.ndjson': (_req, res) => {
        res.writeHead(200);
      },
    });
    try {
      // 3 s of Lambda time, a quarter kept back to finish: reading stops after about 2 s.
      const invoke = await scheduledSync({ SYNC_SOURCE_URL: `${stalled.url}/stalled.ndjson` }, 3_000);
      const summary = await invoke();
      expect(summary).toMatchObject({
        read: 1,
        created: 1,
        failed: 0,
        stopped: { reason: 'deadline', afterRef: 'line 1' },
      });
      expect(stack.salesforce.records('Account')).toHaveLength(1);
      // A source that sends no record before the deadline is an error: nothing was synced.
      const silent = await scheduledSync({ SYNC_SOURCE_URL: `${stalled.url}/silent.ndjson` }, 3_000);
      await expect(silent()).rejects.toMatchObject({ code: 'ERR_SOURCE_READ', limit: 'deadline' });
    } finally {
      await stalled.close();
    }
  });
});
