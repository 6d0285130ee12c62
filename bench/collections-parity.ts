// Issue 11, point 5: our scheduled sync forced onto sObject Collections (SYNC_BULK_THRESHOLD above
// the record count) at the baseline's concurrency, against the baseline, at 100,000 records, in
// rounds in which each variant runs once, each starting with the next variant, so that machine
// noise and position spread evenly; medians are reported.
import type { LocalStack } from '../emulators/local-stack/stack.js';
import type { FunctionBundle } from './bundle-size.js';
import { median } from './stats.js';
import { describeSyncRow, runSync, type SyncClient, type SyncRow } from './sync-runs.js';
import { seedSyncSource } from './sync-source.js';

export const PARITY_COUNT = 100_000;
/** bench/baseline-functions/salesforce.ts sends its Collections calls one after another. */
export const BASELINE_CONCURRENCY = 1;
/** Twice each variant first: position matters (see the loop). */
const ROUNDS = 6;

export interface ParityVariant {
  label: string;
  client: SyncClient;
  via: 'sdk' | 'http';
  /** ours: with `SYNC_REPORT_URL`. */
  report: boolean;
}

const VARIANTS: readonly ParityVariant[] = [
  { label: 'ours as deployed (s3:// source, SYNC_REPORT_URL)', client: 'ours', via: 'sdk', report: true },
  {
    label: 'ours like the baseline (its HTTP source, no report: the S3 client is never loaded)',
    client: 'ours',
    via: 'http',
    report: false,
  },
  { label: 'baseline', client: 'baseline', via: 'http', report: false },
];

export interface ParityRow {
  variant: ParityVariant;
  runs: SyncRow[];
  wallMs: number;
  cpuMs: number;
  maxRssKb: number;
}

export interface ParityResults {
  count: number;
  env: Record<string, string>;
  rows: ParityRow[];
}

export async function measureCollectionsParity(
  stack: LocalStack,
  bundles: readonly FunctionBundle[],
  runner: string,
  log: (line: string) => void,
): Promise<ParityResults> {
  const s3 = stack.s3;
  if (!s3) throw new Error('the bench stack has no S3 emulator');
  const source = await seedSyncSource(s3, PARITY_COUNT);
  const env = {
    SYNC_BULK_THRESHOLD: String(PARITY_COUNT * 10),
    SYNC_COLLECTIONS_CONCURRENCY: String(BASELINE_CONCURRENCY),
  };
  const runs = new Map<ParityVariant, SyncRow[]>();
  for (let round = 0; round < ROUNDS; round += 1) {
    // Each round starts with the next variant, so that each runs once in each position: the run
    // after a reset of the org shares the cores with the emulators collecting the last run's
    // garbage, which otherwise always fell on the same variant.
    const order = [...VARIANTS.slice(round % VARIANTS.length), ...VARIANTS.slice(0, round % VARIANTS.length)];
    for (const variant of order) {
      const row = await runSync(stack, bundles, runner, {
        client: variant.client,
        via: variant.via,
        report: variant.report,
        source,
        ...(variant.client === 'ours' ? { env } : {}),
      });
      runs.set(variant, [...(runs.get(variant) ?? []), row]);
      log(`${describeSyncRow(row)} [${variant.label}]`);
    }
  }
  return {
    count: PARITY_COUNT,
    env,
    rows: VARIANTS.map((variant) => {
      const of = runs.get(variant) ?? [];
      return {
        variant,
        runs: of,
        wallMs: median(of.map((r) => r.run.wallMs)),
        cpuMs: median(of.map((r) => r.run.cpuMs)),
        maxRssKb: median(of.map((r) => r.run.maxRssKb)),
      };
    }),
  };
}
