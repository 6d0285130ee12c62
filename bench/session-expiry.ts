// After every session is revoked (emulator.expireAllSessions()), 50 concurrent REST calls:
// how many logins does each client make to recover, and how many calls fail?
import { performance } from 'node:perf_hooks';
import type { LocalStack } from '../emulators/local-stack/stack.js';
import { countersSince, readCounters } from './bench-stack.js';
import { createBaselineClient } from './clients/baseline.js';
import { createJsforceClient } from './clients/jsforce.js';
import { createOursClient } from './clients/ours.js';
import type { BenchClient, ClientName } from './clients/types.js';

export const EXPIRY_CONCURRENCY = 50;

const VARIANTS: readonly { client: ClientName; how: string; create: () => BenchClient }[] = [
  {
    client: 'ours',
    how: 'SalesforceRestClient: 401 INVALID_SESSION_ID -> refreshToken(staleToken), retry once',
    create: createOursClient,
  },
  {
    client: 'jsforce',
    how: 'Connection({refreshFn}) re-signs an assertion and calls authorize()',
    create: () => createJsforceClient('naive'),
  },
  { client: 'baseline', how: 'none: a 401 is an error', create: createBaselineClient },
];

export interface ExpiryRow {
  client: ClientName;
  how: string;
  calls: number;
  logins: number;
  tokenRequests: number;
  restRequests: number;
  failed: number;
  firstError?: string;
  wallMs: number;
}

export async function measureSessionExpiry(stack: LocalStack): Promise<ExpiryRow[]> {
  const rows: ExpiryRow[] = [];
  for (const variant of VARIANTS) {
    const client = variant.create();
    await client.limits();
    stack.salesforce.expireAllSessions();
    const before = readCounters(stack);
    const started = performance.now();
    const settled = await Promise.allSettled(
      Array.from({ length: EXPIRY_CONCURRENCY }, () => client.limits()),
    );
    const wallMs = performance.now() - started;
    const used = countersSince(stack, before);
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason as unknown] : []));
    const first = failures[0];
    rows.push({
      client: variant.client,
      how: variant.how,
      calls: EXPIRY_CONCURRENCY,
      logins: used.logins,
      tokenRequests: used.tokenRequests,
      restRequests: used.restRequests,
      failed: failures.length,
      ...(first === undefined
        ? {}
        : { firstError: first instanceof Error ? first.message : JSON.stringify(first) }),
      wallMs,
    });
  }
  return rows;
}
