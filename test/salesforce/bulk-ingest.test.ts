// Bulk API 2.0 upserts of in-memory records (lib/salesforce/bulk-ingest.ts, what upsertRecords and
// SalesforceClient.upsert use) against the strict Salesforce emulator: jobs split as the streaming
// writer's do and run one after another, every record gets one outcome (the same as through
// BulkStreamWriter), and results that cannot be read fail their records, never the call.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MergedItem, RecordOutcome } from '../../lib/record-outcome.js';
import { upsertWithBulk, type BulkUpsertOptions } from '../../lib/salesforce/bulk-ingest.js';
import { BulkStreamWriter } from '../../lib/salesforce/bulk-stream-writer.js';
import { SalesforceRestClient } from '../../lib/salesforce/rest-client.js';
import { startRestStack, type RestStack } from '../helpers/rest-stack.js';

let fuzz: RestStack;

beforeAll(async () => {
  fuzz = await startRestStack();
});

afterAll(async () => {
  await fuzz.close();
});

beforeEach(() => {
  fuzz.stack.salesforce.clearFaults();
  fuzz.stack.salesforce.clearRecords();
  fuzz.stack.salesforce.resetStats();
});

const items: MergedItem[] = ['A', 'B', 'C'].map((id) => ({
  externalId: id.toLowerCase(),
  refs: [`ref-${id}`],
  record: { Ext_Id__c: id, Name: `Account ${id}` },
}));

const upsert = () =>
  upsertWithBulk(fuzz.client(), items, {
    sobject: 'Account',
    externalIdField: 'Ext_Id__c',
    pollMinMs: 5,
    pollMaxMs: 20,
  });

describe('upsertWithBulk: results that cannot be read', () => {
  it('reads the successful results, and reports every record of a job whose results are not CSV, naming the row, not its content', async () => {
    const ok = await upsert();
    expect(ok.map((o) => o.ok)).toEqual([true, true, true]);

    fuzz.stack.salesforce.injectFault({
      endpoint: 'rest',
      path: /successfulResults/,
      status: 200,
      contentType: 'text/csv',
      rawBody: '"sf__Id","sf__Created","Ext_Id__c"\n"001",true,"A"\n"002"SECRET-CELL,"true","B"\n',
    });
    const outcomes = await upsert();
    expect(outcomes).toHaveLength(3);
    // Results are read as a stream: the row before the malformed one was read, so A is written.
    const byRef = new Map(outcomes.map((o) => [o.ref, o]));
    expect(byRef.get('ref-A')).toMatchObject({ ok: true });
    for (const outcome of outcomes.filter((o) => o.ref !== 'ref-A')) {
      expect(outcome).toMatchObject({ ok: false, statusCode: 'ERR_UNEXPECTED_RESPONSE' });
      expect(outcome.ok ? '' : outcome.message).toMatch(
        /could not be read: Bulk results \(successfulResults\) are not valid CSV: CSV row 3 is malformed: text after a closing quote$/,
      );
      expect(JSON.stringify(outcome)).not.toContain('SECRET-CELL');
    }
  });

  it('reports every record of a job whose results have a row of the wrong width', async () => {
    fuzz.stack.salesforce.injectFault({
      endpoint: 'rest',
      path: /successfulResults/,
      status: 200,
      contentType: 'text/csv',
      rawBody: '"sf__Id","sf__Created","Ext_Id__c"\n"001","true","A"\n"002","true"\n',
    });
    const outcomes = await upsert();
    const byRef = new Map(outcomes.map((o) => [o.ref, o.ok ? 'ok' : o.message]));
    expect(byRef.get('ref-A')).toBe('ok');
    for (const ref of ['ref-B', 'ref-C']) {
      expect(byRef.get(ref)).toMatch(
        /Bulk results \(successfulResults\) are not valid CSV: CSV row 3 has 2 fields under a header of 3$/,
      );
    }
  });
});

const item = (ref: string, record: Record<string, unknown>): MergedItem => ({
  externalId: String(record.Ext_Id__c).toLowerCase(),
  refs: [ref],
  record,
});

const route = (name: string) => fuzz.stack.salesforce.stats.requestsByRoute[name] ?? 0;

/** upsertWithBulk into Account, with the jobs it reports and its outcomes by ref. */
async function bulk(
  items: MergedItem[],
  options: Partial<BulkUpsertOptions> = {},
  client: SalesforceRestClient = fuzz.client(),
) {
  const jobs: { id: string; state: string; records: number }[] = [];
  const list = await upsertWithBulk(client, items, {
    sobject: 'Account',
    externalIdField: 'Ext_Id__c',
    pollMinMs: 5,
    pollMaxMs: 20,
    onJob: (job) => jobs.push(job),
    ...options,
  });
  const outcomes = new Map(list.map((o) => [o.ref, o]));
  // Exactly one outcome per ref.
  expect(outcomes.size).toBe(list.length);
  expect(list.length).toBe(items.reduce((sum, one) => sum + one.refs.length, 0));
  return { outcomes, jobs };
}

describe('upsertWithBulk: jobs', () => {
  it('splits records into jobs of maxJobRecords, run one after another', async () => {
    const items = Array.from({ length: 25 }, (_, i) =>
      item(`r${i}`, { Ext_Id__c: `E-${i}`, Name: `N ${i}` }),
    );
    const { outcomes, jobs } = await bulk(items, { maxJobRecords: 10 });
    expect(jobs.map((j) => [j.state, j.records])).toEqual([
      ['JobComplete', 10],
      ['JobComplete', 10],
      ['JobComplete', 5],
    ]);
    expect([...outcomes.values()].every((o) => o.ok && o.created)).toBe(true);
    expect(fuzz.stack.salesforce.records('Account')).toHaveLength(25);
    expect(route('bulk.upload')).toBe(3);
  });

  it('starts a new job when the next row would pass the byte budget', async () => {
    const items = Array.from({ length: 12 }, (_, i) =>
      item(`r${i}`, { Ext_Id__c: `E-${i}`, Name: 'x'.repeat(100) }),
    );
    // The header is 13 bytes and each row 106: five rows and the header fit in 600 bytes.
    const { jobs } = await bulk(items, { maxJobBytes: 600 });
    expect(jobs.map((j) => j.records)).toEqual([5, 5, 2]);
    expect(fuzz.stack.salesforce.records('Account')).toHaveLength(12);
  });

  it('an external ID that repeats in another case goes to the next job, which runs after: the later record wins', async () => {
    const { outcomes, jobs } = await bulk([
      { externalId: 'a-1', refs: ['first'], record: { Ext_Id__c: 'A-1', Name: 'Old name', Phone: '111' } },
      item('other', { Ext_Id__c: 'B-1', Name: 'B' }),
      { externalId: 'a-1', refs: ['second'], record: { Ext_Id__c: 'a-1', Name: 'New name' } },
    ]);
    expect(jobs.map((j) => j.records)).toEqual([2, 1]);
    expect(outcomes.get('first')).toMatchObject({ ok: true, created: true });
    expect(outcomes.get('second')).toMatchObject({ ok: true, created: false });
    expect(fuzz.stack.salesforce.records('Account')).toHaveLength(2);
    expect(fuzz.stack.salesforce.findRecord('Account', 'Ext_Id__c', 'A-1')).toMatchObject({
      Name: 'New name',
      Phone: '111',
    });
  });

  it('a record with a column the job lacks starts a job whose header has both; absent cells change nothing', async () => {
    const { jobs } = await bulk([
      item('a', { Ext_Id__c: 'C-1', Name: 'C one', Phone: '1' }),
      item('b', { Ext_Id__c: 'C-2', Name: 'C two', Description: 'has a description' }),
      item('c', { Ext_Id__c: 'C-3', Name: 'C three' }),
    ]);
    expect(jobs.map((j) => j.records)).toEqual([1, 2]);
    expect(fuzz.stack.salesforce.findRecord('Account', 'Ext_Id__c', 'C-2')).toMatchObject({
      Description: 'has a description',
      Phone: null,
    });
    expect(fuzz.stack.salesforce.findRecord('Account', 'Ext_Id__c', 'C-3')).toMatchObject({
      Name: 'C three',
    });
  });

  it('a job still running when time runs out: its records are BULK_JOB_INCOMPLETE, later ones DEADLINE_EXCEEDED and unsent', async () => {
    fuzz.stack.salesforce.injectBulkFault({ outcome: 'NeverCompletes' });
    const items = Array.from({ length: 6 }, (_, i) => item(`r${i}`, { Ext_Id__c: `H-${i}`, Name: `H ${i}` }));
    // Time runs out once the job has been polled once: the poll finds it InProgress, and no
    // time is left for another.
    const client = fuzz.client({
      deadline: () => (route('bulk.jobInfo') > 0 ? Date.now() : Number.POSITIVE_INFINITY),
    });
    const { outcomes, jobs } = await bulk(items, { maxJobRecords: 3 }, client);
    expect(jobs).toEqual([expect.objectContaining({ state: 'InProgress', records: 3 })]);
    const { id = '', state = '' } = jobs[0] ?? {};
    for (const ref of ['r0', 'r1', 'r2']) {
      expect(outcomes.get(ref)).toMatchObject({
        ok: false,
        statusCode: 'BULK_JOB_INCOMPLETE',
        message: `Bulk job ${id} was still ${state} when time ran out; its records may or may not be written`,
      });
    }
    for (const ref of ['r3', 'r4', 'r5']) {
      expect(outcomes.get(ref)).toMatchObject({
        ok: false,
        statusCode: 'DEADLINE_EXCEEDED',
        message: `not sent: time ran out while Bulk job ${id} was still ${state}`,
      });
    }
    expect(route('bulk.createJob')).toBe(1);
  });

  it('an upload Salesforce refuses fails its records unsent, aborts the job, and sends nothing more', async () => {
    fuzz.stack.salesforce.injectFault({
      endpoint: 'rest',
      path: /\/batches$/,
      status: 400,
      body: [{ errorCode: 'BULK_API_ERROR', message: 'refused upload' }],
    });
    const items = Array.from({ length: 6 }, (_, i) => item(`r${i}`, { Ext_Id__c: `G-${i}`, Name: `G ${i}` }));
    const { outcomes, jobs } = await bulk(items, { maxJobRecords: 3 });
    expect(jobs).toEqual([]);
    const first = outcomes.get('r0');
    const message = first?.ok === false ? first.message : '';
    const [, id = ''] = /^not written: Bulk job (\w+): refused upload$/.exec(message) ?? [];
    expect(fuzz.stack.salesforce.bulkJobState(id)).toBe('Aborted');
    // Later records were never sent: they fail with Salesforce's reason as it was.
    expect(outcomes.get('r5')).toMatchObject({
      ok: false,
      statusCode: 'BULK_API_ERROR',
      message: 'refused upload',
    });
    expect([...outcomes.values()].every((o) => !o.ok && o.statusCode === 'BULK_API_ERROR')).toBe(true);
    expect(route('bulk.createJob')).toBe(1);
    expect(fuzz.stack.salesforce.records('Account')).toEqual([]);
  });

  it("a job that cannot be created fails every record with Salesforce's reason", async () => {
    fuzz.stack.salesforce.injectFault({
      endpoint: 'rest',
      path: /\/jobs\/ingest$/,
      status: 400,
      body: [{ errorCode: 'INVALIDENTITY', message: 'Account is not supported by the Bulk API' }],
    });
    const items = Array.from({ length: 4 }, (_, i) => item(`r${i}`, { Ext_Id__c: `K-${i}`, Name: `K ${i}` }));
    const { outcomes } = await bulk(items, { maxJobRecords: 2 });
    for (const outcome of outcomes.values()) {
      expect(outcome).toMatchObject({
        ok: false,
        statusCode: 'INVALIDENTITY',
        message: 'Account is not supported by the Bulk API',
      });
    }
    expect(route('bulk.upload')).toBe(0);
  });
});

describe('upsertWithBulk and BulkStreamWriter', () => {
  /** What an outcome says, without the ids that differ from run to run. */
  const said = (o: RecordOutcome) =>
    o.ok ? { ok: true, created: o.created } : { ok: false, statusCode: o.statusCode, fields: o.fields };

  it.each(['none', 'Failed', 'Aborted'] as const)(
    'give every record the same outcome, and leave the same records (job fault: %s)',
    async (fault) => {
      const items = [
        item('a', { Ext_Id__c: 'M-1', Name: 'one', Phone: '1' }),
        item('b', { Ext_Id__c: 'M-2', Name: null }),
        item('c', { Ext_Id__c: 'M-3', Name: 'three', Description: 'd' }),
        { ...item('d', { Ext_Id__c: 'M-4', Name: 'four', Parent: { Ext_Id__c: 'M-1' } }), refs: ['d', 'd2'] },
        item('e', { Ext_Id__c: 'M-5', Name: '' }),
        item('f', { Ext_Id__c: 'M-6', Name: 'six', NumberOfEmployees: 12 }),
        item('g', { Ext_Id__c: 'M-7', Name: 'seven' }),
      ];
      const run = async (write: () => Promise<RecordOutcome[]>) => {
        fuzz.stack.salesforce.clearRecords();
        if (fault !== 'none') fuzz.stack.salesforce.injectBulkFault({ outcome: fault, afterRows: 1 });
        const outcomes = await write();
        const records = fuzz.stack.salesforce
          .records('Account')
          .map(({ Ext_Id__c, Name, Phone, Description }) => ({ Ext_Id__c, Name, Phone, Description }));
        return {
          outcomes: Object.fromEntries(outcomes.map((o) => [o.ref, said(o)])),
          records: records.sort((x, y) => String(x.Ext_Id__c).localeCompare(String(y.Ext_Id__c))),
        };
      };
      const options = {
        sobject: 'Account',
        externalIdField: 'Ext_Id__c',
        pollMinMs: 5,
        pollMaxMs: 20,
        maxJobRecords: 4,
      };
      const inMemory = await run(() => upsertWithBulk(fuzz.client(), items, options));
      const streamed = await run(async () => {
        const outcomes: RecordOutcome[] = [];
        const writer = new BulkStreamWriter(fuzz.client(), {
          ...options,
          emit: (o) => void outcomes.push(o),
        });
        for (const one of items) await writer.write(one);
        expect(await writer.end()).toEqual([]);
        return outcomes;
      });
      expect(Object.keys(inMemory.outcomes).sort()).toEqual(['a', 'b', 'c', 'd', 'd2', 'e', 'f', 'g']);
      const seen = Object.values(inMemory.outcomes);
      expect(seen.some((o) => o.ok) && seen.some((o) => !o.ok)).toBe(true);
      expect(inMemory).toEqual(streamed);
    },
  );
});
