// Tokens in process: 1,000 concurrent calls on a cold client (how many logins and secret fetches
// they cause), then the warm path's latency over many sequential calls.
import { performance } from 'node:perf_hooks';
import type { LocalStack } from '../emulators/local-stack/stack.js';
import { countersSince, readCounters } from './bench-stack.js';
import { createBaselineClient } from './clients/baseline.js';
import { createJsforceClient } from './clients/jsforce.js';
import { createOursClient } from './clients/ours.js';
import type { BenchClient, ClientName } from './clients/types.js';
import { percentile } from './stats.js';

export const CONCURRENT_CALLS = 1000;
const WARM_ITERATIONS = 100_000;
const WARM_UP = 5_000;

export interface TokenVariant {
  client: ClientName;
  label: string;
  create: () => BenchClient;
}

export const TOKEN_VARIANTS: readonly TokenVariant[] = [
  { client: 'ours', label: 'ours: LocalTokenProvider.getToken()', create: createOursClient },
  {
    client: 'jsforce',
    label: 'jsforce: connection cached at module scope after login (typical)',
    create: () => createJsforceClient('naive'),
  },
  {
    client: 'jsforce',
    label: 'jsforce: login promise cached at module scope',
    create: () => createJsforceClient('promise'),
  },
  { client: 'baseline', label: 'baseline: token cached in a module variable', create: createBaselineClient },
];

export interface TokenRow {
  variant: TokenVariant;
  concurrent: {
    calls: number;
    logins: number;
    tokenRequests: number;
    secretFetches: number;
    failed: number;
    wallMs: number;
    distinctTokens: number;
  };
  warm: { iterations: number; p50Us: number; p99Us: number; meanUs: number };
}

export async function measureTokens(stack: LocalStack): Promise<TokenRow[]> {
  // Pay this process's one-time costs (the SDK's lazy loading, the first fetch, the first
  // signature) before anything is measured, so that whichever client goes first is not charged.
  for (const variant of TOKEN_VARIANTS) await variant.create().token();
  const rows: TokenRow[] = [];
  for (const variant of TOKEN_VARIANTS) {
    const client = variant.create();
    const before = readCounters(stack);
    const started = performance.now();
    const settled = await Promise.allSettled(Array.from({ length: CONCURRENT_CALLS }, () => client.token()));
    const wallMs = performance.now() - started;
    const used = countersSince(stack, before);
    const tokens = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));

    for (let i = 0; i < WARM_UP; i += 1) await client.token();
    const samples = new Array<number>(WARM_ITERATIONS);
    const warmStarted = performance.now();
    for (let i = 0; i < WARM_ITERATIONS; i += 1) {
      const t0 = performance.now();
      await client.token();
      samples[i] = (performance.now() - t0) * 1000;
    }
    const meanUs = ((performance.now() - warmStarted) * 1000) / WARM_ITERATIONS;
    rows.push({
      variant,
      concurrent: {
        calls: CONCURRENT_CALLS,
        logins: used.logins,
        tokenRequests: used.tokenRequests,
        secretFetches: used.secretFetches,
        failed: settled.length - tokens.length,
        wallMs,
        distinctTokens: new Set(tokens).size,
      },
      warm: {
        iterations: WARM_ITERATIONS,
        p50Us: percentile(samples, 50),
        p99Us: percentile(samples, 99),
        meanUs,
      },
    });
  }
  return rows;
}
