// The sync building blocks driven by the public SalesforceClient, as a team writing its own sync
// Lambda uses them: imported from the package's entry points, tokens from the real token vendor
// (Lambda Invoke emulator, real @aws-sdk/client-lambda), records written to the Salesforce emulator.
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { SalesforceApi as RootSalesforceApi } from '../../exports/index.js';
import { SalesforceClient } from '../../exports/client.js';
import {
  syncSqsBatch,
  upsertRecords,
  type SalesforceApi,
  type ScheduledSyncOptions,
  type SqsSyncOptions,
} from '../../exports/sync.js';
import { SalesforceRestClient } from '../../lib/salesforce/rest-client.js';
import { accounts, sqsEvent } from '../helpers/sqs.js';
import { useVendorStack } from '../helpers/vendor-stack.js';

const harness = useVendorStack();

describe('the sync building blocks with a SalesforceClient', () => {
  it('accept a SalesforceClient wherever they take a client (checked by the typecheck)', () => {
    expectTypeOf<SalesforceClient>().toExtend<SalesforceApi>();
    expectTypeOf<SalesforceRestClient>().toExtend<SalesforceApi>();
    expectTypeOf<RootSalesforceApi>().toEqualTypeOf<SalesforceApi>();
    expectTypeOf<SalesforceClient>().toExtend<SqsSyncOptions['client']>();
    expectTypeOf<SalesforceClient>().toExtend<ScheduledSyncOptions['client']>();
    expectTypeOf<SalesforceClient>().toExtend<Parameters<typeof upsertRecords>[0]>();
  });

  it('syncSqsBatch writes a batch through it and reports exactly the messages not written', async () => {
    const salesforce = new SalesforceClient();
    const invocations = harness.vendorInvocations();
    const event = sqsEvent([
      ...accounts(3, 'client'),
      'not json',
      { record: { Name: 'no external ID' } },
      { record: { Ext_Id__c: 'client-bad', Name: 'Bad email', Email__c: 'not-an-email' } },
    ]);
    const ids = event.Records.map((record) => record.messageId);
    const { response, counts } = await syncSqsBatch(event.Records, {
      client: salesforce,
      defaults: { sobject: 'Account', externalIdField: 'Ext_Id__c' },
    });
    expect(response.batchItemFailures).toEqual(ids.slice(3).map((itemIdentifier) => ({ itemIdentifier })));
    expect(counts).toMatchObject({ created: 3, failed: 3 });
    for (let i = 0; i < 3; i++) {
      expect(harness.stack.salesforce.findRecord('Account', 'Ext_Id__c', `client-${i}`)).toMatchObject({
        Name: `Account client ${i}`,
      });
    }
    // One Collections call for the valid messages, one vendor invoke for the token.
    expect(salesforce.apiCalls).toBe(1);
    expect(harness.vendorInvocations() - invocations).toBe(1);
  });

  it('upsertRecords goes through Bulk API 2.0 with it, polling within its remaining time', async () => {
    const salesforce = new SalesforceClient({ deadline: () => Date.now() + 60_000 });
    const { api, outcomes } = await upsertRecords(
      salesforce,
      [
        { ref: 'a', record: { Ext_Id__c: 'bulk-a', Name: 'Bulk A' } },
        { ref: 'b', record: { Ext_Id__c: 'bulk-b' } },
      ],
      { sobject: 'Account', externalIdField: 'Ext_Id__c', bulkThreshold: 1 },
    );
    expect(api).toBe('bulk');
    expect(outcomes.map((o) => [o.ref, o.ok ? 'written' : o.statusCode])).toEqual([
      ['a', 'written'],
      ['b', 'REQUIRED_FIELD_MISSING'],
    ]);
    expect(harness.stack.salesforce.findRecord('Account', 'Ext_Id__c', 'bulk-a')).toMatchObject({
      Name: 'Bulk A',
    });
  });
});
