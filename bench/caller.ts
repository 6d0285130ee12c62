// Issue 10, point 3, measured: the caller bundle's size (the bundle test/client/caller-bundle.test.ts
// builds) and the overhead of a warm `SalesforceClient.request` over a bare `fetch` of the same URL
// with the same Authorization header, against the bench stack's Salesforce emulator.
import { gzipSync } from 'node:zlib';
import { performance } from 'node:perf_hooks';
import { build } from 'esbuild';
import type { LocalStack } from '../emulators/local-stack/stack.js';
import { SalesforceClient } from '../exports/client.js';
import type { SalesforceToken, TokenProvider } from '../exports/client.js';
import { createLocalTokenProvider } from '../lib/token/create-local-token-provider.js';
import {
  CALLER_BUDGET_BYTES,
  CALLER_ENTRY,
  callerBuildOptions,
} from '../test/client/fixtures/caller-build.js';
import { ROOT } from './bundle-size.js';
import { percentile } from './stats.js';

export const CALLER_REQUEST_BUDGET_US = 20;
export { CALLER_BUDGET_BYTES };

export const REQUEST_ITERATIONS = 2_000;
const REQUEST_WARM_UP = 200;
const STEADY_WARM_UP = 5_000;

export interface CallerResults {
  bundle: { entry: string; bytes: number; gzipBytes: number; budgetBytes: number };
  request: {
    iterations: number;
    client: { p50Us: number; p99Us: number };
    fetch: { p50Us: number; p99Us: number };
    /** Client p50 minus fetch p50. */
    overheadP50Us: number;
    budgetUs: number;
    /**
     * The same measurement again after STEADY_WARM_UP more calls of each: the JIT has optimised
     * both paths by then (ours and fetch's abort-signal handling), as in a container that has
     * served a few thousand requests.
     */
    steady: { warmUp: number; client: { p50Us: number }; fetch: { p50Us: number }; overheadP50Us: number };
  };
}

export async function measureCallerBundle(): Promise<CallerResults['bundle']> {
  const result = await build({
    ...callerBuildOptions(ROOT),
    entryPoints: [CALLER_ENTRY],
    outfile: 'caller.js',
  });
  const output = result.outputFiles?.[0];
  if (!output) throw new Error('esbuild returned no caller bundle');
  return {
    entry: CALLER_ENTRY,
    bytes: output.contents.byteLength,
    gzipBytes: gzipSync(output.contents).byteLength,
    budgetBytes: CALLER_BUDGET_BYTES,
  };
}

/**
 * `client.request('GET', '/limits')` with a fixed token from a real login (no vendor, no cache
 * lookups beyond the provider's resolved promise) versus `fetch` of the same URL and header, body
 * read as JSON in both. The two are interleaved, alternating which goes first, so drift in the
 * emulator (which runs in this process) is charged to both alike.
 */
export async function measureCallerRequest(stack: LocalStack): Promise<CallerResults['request']> {
  const token: SalesforceToken = await createLocalTokenProvider().getToken();
  const tokens: TokenProvider = {
    getToken: () => Promise.resolve(token),
    refreshToken: () => Promise.resolve(token),
  };
  const client = new SalesforceClient({ tokens });
  const url = `${token.instanceUrl}/services/data/v${client.apiVersion}/limits`;
  const headers = { Authorization: `${token.tokenType} ${token.accessToken}` };
  const viaClient = async () => {
    await client.request('GET', '/limits');
  };
  const viaFetch = async () => {
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`GET /limits: HTTP ${String(response.status)}`);
    await response.json();
  };

  const sample = async (warmUp: number) => {
    for (let i = 0; i < warmUp; i += 1) {
      await viaClient();
      await viaFetch();
    }
    const clientSamples = new Array<number>(REQUEST_ITERATIONS);
    const fetchSamples = new Array<number>(REQUEST_ITERATIONS);
    const time = async (call: () => Promise<void>) => {
      const t0 = performance.now();
      await call();
      return (performance.now() - t0) * 1000;
    };
    for (let i = 0; i < REQUEST_ITERATIONS; i += 1) {
      if (i % 2 === 0) {
        clientSamples[i] = await time(viaClient);
        fetchSamples[i] = await time(viaFetch);
      } else {
        fetchSamples[i] = await time(viaFetch);
        clientSamples[i] = await time(viaClient);
      }
    }
    return { clientSamples, fetchSamples };
  };
  const { clientSamples, fetchSamples } = await sample(REQUEST_WARM_UP);
  // Every call counts against the emulator's daily allocation (15,000): start the second pass at 0.
  stack.salesforce.setDailyApiUsage(0);
  const later = await sample(STEADY_WARM_UP);
  // The calls above count against the emulator's daily allocation; later measurements start at 0.
  stack.salesforce.setDailyApiUsage(0);

  const clientP50 = percentile(clientSamples, 50);
  const fetchP50 = percentile(fetchSamples, 50);
  return {
    iterations: REQUEST_ITERATIONS,
    client: { p50Us: clientP50, p99Us: percentile(clientSamples, 99) },
    fetch: { p50Us: fetchP50, p99Us: percentile(fetchSamples, 99) },
    overheadP50Us: clientP50 - fetchP50,
    budgetUs: CALLER_REQUEST_BUDGET_US,
    steady: {
      warmUp: STEADY_WARM_UP,
      client: { p50Us: percentile(later.clientSamples, 50) },
      fetch: { p50Us: percentile(later.fetchSamples, 50) },
      overheadP50Us: percentile(later.clientSamples, 50) - percentile(later.fetchSamples, 50),
    },
  };
}
