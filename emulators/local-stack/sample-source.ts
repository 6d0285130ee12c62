import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Records of the sample source that Salesforce will refuse, and why: the demo shows them failing. */
export const SAMPLE_BAD_RECORDS: Readonly<Record<number, Record<string, unknown>>> = {
  3: { Email__c: 'not-an-email' },
  7: { Name: null },
};

/**
 * Generated Account records with CSV-hostile values (commas, quotes, newlines), as a
 * scheduled-sync source would serve them; with `withBadRecords`, records 3 and 7 are invalid.
 */
export function sampleAccounts(count: number, withBadRecords = false): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    Ext_Id__c: `SRC-${i}`,
    Name: `Acme, "Unit" ${i}`,
    Description: i % 7 === 0 ? 'multi\nline, "quoted"' : `plain ${i}`,
    AnnualRevenue: i * 100.5,
    Active__c: i % 2 === 0,
    ...(withBadRecords ? SAMPLE_BAD_RECORDS[i] : {}),
  }));
}

/** Serves NDJSON of `records` at `{url}`, on 127.0.0.1. */
export async function startSampleSource(
  records: readonly Record<string, unknown>[],
): Promise<{ url: string; close: () => Promise<void> }> {
  const body = records.map((r) => JSON.stringify(r)).join('\n');
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/accounts.ndjson`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
