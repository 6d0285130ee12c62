// The streaming Bulk API 2.0 writer against the strict Salesforce emulator: jobs rotate on size,
// repeated external IDs and new columns; jobs run one after another so the later record wins;
// Failed and Aborted jobs are read row by row; a broken upload loses no record.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../emulators/local-stack/stack.js';
import type { MergedItem, RecordOutcome, SyncItem } from '../../lib/record-outcome.js';
import { BulkStreamWriter, type BulkStreamOptions } from '../../lib/salesforce/bulk-stream-writer.js';
import { SalesforceRestClient } from '../../lib/salesforce/rest-client.js';
import type { LocalTokenProvider } from '../../lib/token/token-provider.js';
import { startRestStack, type RestStack } from '../helpers/rest-stack.js';

let stack: LocalStack;
let tokens: LocalTokenProvider;
let local: RestStack;

beforeAll(async () => {
  local = await startRestStack();
  ({ stack, tokens } = local);
});
afterAll(() => local.close());
beforeEach(() => {
  stack.salesforce.clearFaults();
  stack.salesforce.clearRecords();
  stack.salesforce.resetStats();
});

const item = (ref: string, record: Record<string, unknown>): MergedItem => ({
  externalId: String(record.Ext_Id__c).toLowerCase(),
  refs: [ref],
  record,
});

async function writeAll(items: (MergedItem | SyncItem)[], options: Partial<BulkStreamOptions> = {}) {
  const outcomes = new Map<string, RecordOutcome>();
  const jobs: { id: string; state: string; records: number }[] = [];
  const client = new SalesforceRestClient({ tokens, minDelayMs: 5, maxDelayMs: 20 });
  const writer = new BulkStreamWriter(client, {
    sobject: 'Account',
    externalIdField: 'Ext_Id__c',
    pollMinMs: 5,
    pollMaxMs: 20,
    emit: (outcome) => {
      expect(outcomes.has(outcome.ref)).toBe(false);
      outcomes.set(outcome.ref, outcome);
    },
    onJob: (job) => jobs.push(job),
    ...options,
  });
  for (const one of items) await writer.write(one);
  const unfinished = await writer.end();
  return { outcomes, jobs, unfinished };
}

const route = (name: string) => stack.salesforce.stats.requestsByRoute[name] ?? 0;

describe('BulkStreamWriter', () => {
  it('splits records into jobs of maxJobRecords and gives every record one outcome', async () => {
    const items = Array.from({ length: 25 }, (_, i) =>
      item(`r${i}`, { Ext_Id__c: `E-${i}`, Name: `N ${i}` }),
    );
    const { outcomes, jobs, unfinished } = await writeAll(items, { maxJobRecords: 10 });
    expect(jobs.map((j) => [j.state, j.records])).toEqual([
      ['JobComplete', 10],
      ['JobComplete', 10],
      ['JobComplete', 5],
    ]);
    expect(unfinished).toEqual([]);
    expect([...outcomes.values()].every((o) => o.ok && o.created)).toBe(true);
    expect(outcomes.size).toBe(25);
    expect(stack.salesforce.records('Account')).toHaveLength(25);
    expect(route('bulk.upload')).toBe(3);
  });

  it('starts a new job when a byte budget is reached', async () => {
    const items = Array.from({ length: 12 }, (_, i) =>
      item(`r${i}`, { Ext_Id__c: `E-${i}`, Name: 'x'.repeat(100) }),
    );
    const { jobs } = await writeAll(items, { maxJobBytes: 600 });
    // Each row is about 120 bytes quoted: four rows and the header fit in 600 bytes.
    expect(jobs.length).toBeGreaterThanOrEqual(3);
    expect(jobs.reduce((sum, j) => sum + j.records, 0)).toBe(12);
    expect(stack.salesforce.records('Account')).toHaveLength(12);
  });

  it('a repeated external ID (in any case) goes to the next job, which runs after: the later record wins', async () => {
    const { outcomes, jobs } = await writeAll([
      item('first', { Ext_Id__c: 'A-1', Name: 'Old name', Phone: '111' }),
      item('other', { Ext_Id__c: 'B-1', Name: 'B' }),
      item('second', { Ext_Id__c: 'a-1', Name: 'New name' }),
    ]);
    expect(jobs).toHaveLength(2);
    expect(outcomes.get('first')).toMatchObject({ ok: true, created: true });
    expect(outcomes.get('second')).toMatchObject({ ok: true, created: false });
    // One record: the second upsert matched it (text external IDs match ignoring case), changed
    // Name and left Phone, which it did not carry, as it was.
    expect(stack.salesforce.records('Account')).toHaveLength(2);
    expect(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'A-1')).toMatchObject({
      Name: 'New name',
      Phone: '111',
    });
  });

  it('a repeat whose first record was lower-case also goes to the next job; IDs that differ are not merged', async () => {
    const { outcomes, jobs } = await writeAll([
      { ref: 'first', record: { Ext_Id__c: 'c-1', Name: 'Old' } },
      { ref: 'second', record: { Ext_Id__c: 'C-1', Name: 'New' } },
      { ref: 'third', record: { Ext_Id__c: 'C-10', Name: 'Ten' } },
    ]);
    expect(jobs.map((job) => job.records)).toEqual([1, 2]);
    expect([...outcomes.values()].every((outcome) => outcome.ok)).toBe(true);
    expect(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'c-1')).toMatchObject({ Name: 'New' });
    expect(stack.salesforce.records('Account')).toHaveLength(2);
  });

  it('a record with a column the job lacks starts a job whose header has both; absent cells change nothing', async () => {
    const { jobs } = await writeAll([
      item('a', { Ext_Id__c: 'C-1', Name: 'C one', Phone: '1' }),
      item('b', { Ext_Id__c: 'C-2', Name: 'C two', Description: 'has a description' }),
      item('c', { Ext_Id__c: 'C-3', Name: 'C three' }),
    ]);
    expect(jobs).toHaveLength(2);
    expect(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'C-2')).toMatchObject({
      Description: 'has a description',
    });
    expect(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'C-3')).toMatchObject({
      Name: 'C three',
      Phone: null,
    });
  });

  it.each(['Failed', 'Aborted'] as const)(
    'a job that ends %s part way: written rows are written, failed rows carry the reason, the rest are unprocessed',
    async (outcome) => {
      stack.salesforce.injectBulkFault(
        outcome === 'Failed'
          ? { outcome, afterRows: 3, errorMessage: 'InvalidBatch : simulated' }
          : { outcome, afterRows: 3 },
      );
      const items = [
        item('w1', { Ext_Id__c: 'F-1', Name: 'one' }),
        item('f2', { Ext_Id__c: 'F-2', Name: null }),
        item('w3', { Ext_Id__c: 'F-3', Name: 'three' }),
        item('u4', { Ext_Id__c: 'F-4', Name: 'four' }),
        item('u5', { Ext_Id__c: 'F-5', Name: 'five' }),
      ];
      const { outcomes, jobs } = await writeAll(items);
      expect(jobs).toEqual([expect.objectContaining({ state: outcome, records: 5 })]);
      expect(outcomes.get('w1')).toMatchObject({ ok: true, created: true });
      expect(outcomes.get('w3')).toMatchObject({ ok: true, created: true });
      expect(outcomes.get('f2')).toMatchObject({
        ok: false,
        statusCode: 'REQUIRED_FIELD_MISSING',
        fields: ['Name'],
      });
      for (const ref of ['u4', 'u5']) {
        expect(outcomes.get(ref)).toMatchObject({
          ok: false,
          statusCode: 'UNPROCESSED',
          message: expect.stringContaining(`ended ${outcome}`) as unknown,
        });
      }
      expect(
        stack.salesforce
          .records('Account')
          .map((r) => r.Ext_Id__c)
          .sort(),
      ).toEqual(['F-1', 'F-3']);
    },
  );

  it("keeps each record's ref (or merged refs array) as given, not a copy, until the job's results are read", async () => {
    stack.salesforce.injectBulkFault({ outcome: 'NeverCompletes' });
    // Merged items (the SQS path) and single ones (the scheduled sync) in one job.
    const items = Array.from({ length: 50 }, (_, i) =>
      i % 2 === 0
        ? item(`r${i}`, { Ext_Id__c: `H-${i}`, Name: `H ${i}` })
        : { ref: `r${i}`, record: { Ext_Id__c: `H-${i}`, Name: `H ${i}` } },
    );
    // The client keeps 2 s back from its deadline: about a second is left to poll the job.
    const deadline = Date.now() + 3_000;
    const client = new SalesforceRestClient({ tokens, deadline: () => deadline });
    const writer = new BulkStreamWriter(client, {
      sobject: 'Account',
      externalIdField: 'Ext_Id__c',
      pollMinMs: 5,
      pollMaxMs: 20,
      emit: () => {
        throw new Error('no outcome is known before the job ends');
      },
    });
    for (const one of items) await writer.write(one);
    const [job, ...others] = await writer.end();
    expect(others).toEqual([]);
    expect(job?.records).toBe(50);
    items.forEach((one, i) => {
      const refs = job?.refs.get(`H-${i}`);
      if ('refs' in one) expect(refs).toBe(one.refs);
      else expect(refs).toEqual([`r${i}`]);
    });
  });

  it('an upload Salesforce refuses fails its records unsent, aborts the job, and sends nothing more', async () => {
    stack.salesforce.injectFault({
      endpoint: 'rest',
      path: /\/batches$/,
      status: 400,
      body: [{ errorCode: 'BULK_API_ERROR', message: 'refused upload' }],
    });
    const items = Array.from({ length: 6 }, (_, i) => item(`r${i}`, { Ext_Id__c: `G-${i}`, Name: `G ${i}` }));
    const { outcomes, jobs } = await writeAll(items, { maxJobRecords: 3 });
    expect(jobs).toEqual([]);
    expect(outcomes.size).toBe(6);
    expect([...outcomes.values()].every((o) => !o.ok && o.statusCode === 'BULK_API_ERROR')).toBe(true);
    expect(route('bulk.createJob')).toBe(1);
    expect(stack.salesforce.records('Account')).toEqual([]);
  });
});
