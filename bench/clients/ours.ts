// This package, used as its functions use it: a LocalTokenProvider built from the documented env
// vars, a SalesforceRestClient over it, and upsertRecords (Collections up to the default bulk
// threshold of 2000, Bulk API 2.0 above it).
import { SalesforceRestClient } from '../../lib/salesforce/rest-client.js';
import { upsertRecords } from '../../lib/sync/record-sync.js';
import { createLocalTokenProvider } from '../../lib/token/create-local-token-provider.js';
import type { LocalTokenProvider } from '../../lib/token/token-provider.js';
import { EXTERNAL_ID_FIELD, externalIdOf, SOBJECT, threwReport } from '../shared/upsert-report.js';
import type { BenchClient } from './types.js';

export function createOursClient(): BenchClient & { provider: LocalTokenProvider } {
  const provider = createLocalTokenProvider();
  const client = new SalesforceRestClient({ tokens: provider });
  return {
    provider,
    token: async () => (await provider.getToken()).accessToken,
    limits: async () => {
      await client.request('GET', '/limits');
    },
    upsert: async (records) => {
      const items = records.map((record) => ({ ref: externalIdOf(record), record }));
      try {
        const { api, outcomes } = await upsertRecords(client, items, {
          sobject: SOBJECT,
          externalIdField: EXTERNAL_ID_FIELD,
        });
        return { api, failedIds: outcomes.flatMap((outcome) => (outcome.ok ? [] : [outcome.ref])) };
      } catch (error) {
        return threwReport(records.length > 2000 ? 'bulk' : 'collections', records, error);
      }
    },
  };
}
