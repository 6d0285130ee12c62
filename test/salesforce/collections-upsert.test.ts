// sObject Collections, streamed: each chunk's outcomes are told in input order as the chunks
// before it are done, with the record's external ID as it carries it, and none is collected.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../emulators/local-stack/stack.js';
import type { MergedItem, RecordOutcome } from '../../lib/record-outcome.js';
import { streamCollectionsUpsert, upsertWithCollections } from '../../lib/salesforce/collections-upsert.js';
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
});

// 650 records: four chunks of at most 200. Every 100th has no Name, which Salesforce requires.
const items: MergedItem[] = Array.from({ length: 650 }, (_, i) => ({
  externalId: `c-${i}`,
  refs: [`r${i}`],
  record: i % 100 === 7 ? { Ext_Id__c: `C-${i}` } : { Ext_Id__c: `C-${i}`, Name: `C ${i}` },
}));
const options = { sobject: 'Account', externalIdField: 'Ext_Id__c', concurrency: 3 };

describe('streamCollectionsUpsert', () => {
  it('tells every outcome in input order even when an earlier chunk answers last, with the external ID as sent', async () => {
    // The first Collections call answers after the others have.
    stack.salesforce.injectFault({ endpoint: 'rest', path: '/composite/sobjects', delayMs: 400 });
    const told: [RecordOutcome, string][] = [];
    const client = new SalesforceRestClient({ tokens });
    await streamCollectionsUpsert(client, items, options, (outcome, externalId) => {
      told.push([outcome, externalId]);
    });
    expect(told.map(([outcome]) => outcome.ref)).toEqual(items.map((item) => item.refs[0]));
    expect(told.map(([, externalId]) => externalId)).toEqual(items.map((item) => item.record.Ext_Id__c));
    const failed = told.filter(([outcome]) => !outcome.ok).map(([outcome]) => outcome.ref);
    expect(failed).toEqual(['r7', 'r107', 'r207', 'r307', 'r407', 'r507', 'r607']);
    expect(stack.salesforce.records('Account')).toHaveLength(650 - 7);
  });

  it('a chunk is told only once the chunks before it are, and its sink is awaited before the next is told', async () => {
    const client = new SalesforceRestClient({ tokens });
    const events: string[] = [];
    await streamCollectionsUpsert(client, items, options, async (outcome) => {
      if (outcome.ref.endsWith('0')) events.push(`start ${outcome.ref}`);
      await new Promise((resolve) => setImmediate(resolve));
      if (outcome.ref.endsWith('0')) events.push(`end ${outcome.ref}`);
    });
    // Strictly alternating: one outcome's sink finished before the next one's began.
    expect(events).toEqual(
      items
        .filter((_, i) => i % 10 === 0)
        .flatMap((item) => [`start ${item.refs[0]}`, `end ${item.refs[0]}`]),
    );
  });

  it('upsertWithCollections still returns every outcome, in input order', async () => {
    const client = new SalesforceRestClient({ tokens });
    const outcomes = await upsertWithCollections(client, items, options);
    expect(outcomes.map((outcome) => outcome.ref)).toEqual(items.map((item) => item.refs[0]));
  });
});
