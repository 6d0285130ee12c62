// Bulk API 2.0 upserts (lib/salesforce/bulk-ingest.ts) against the Salesforce emulator, for what
// the sync tests do not reach: results that cannot be read.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MergedItem } from '../../lib/record-outcome.js';
import { upsertWithBulk } from '../../lib/salesforce/bulk-ingest.js';
import { startFuzzStack, type FuzzStack } from '../fuzz/support.js';

let fuzz: FuzzStack;

beforeAll(async () => {
  fuzz = await startFuzzStack();
});

afterAll(async () => {
  await fuzz.close();
});

beforeEach(() => {
  fuzz.stack.salesforce.clearFaults();
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
