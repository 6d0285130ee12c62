// The scheduled sync at warehouse scale (issue 11, point 2): gzipped NDJSON sources of 100,000
// and (with --sync-1m) 1,000,000 Account records in the S3 emulator, synced by our real
// functions/scheduled-sync.ts bundle (default settings: Bulk API 2.0 above 2,000 records) and by
// the hand-rolled baseline, each in a fresh child with V8's defaults and again with the heap
// capped as a 256 MB function needs it, and ours once more with the heap flags the Lambda runtime
// itself gives a 1,024 MB function. The emulators stay in this process.
import type { LocalStack } from '../emulators/local-stack/stack.js';
import type { FunctionBundle } from './bundle-size.js';
import { describeSyncRow, runSync, type SyncClient, type SyncRow } from './sync-runs.js';
import { seedSyncSource, type SyncSource } from './sync-source.js';
import { CAPPED_HEAP_FLAGS } from './upsert-volume.js';

/** Always measured; 1,000,000 only with `npm run bench -- --sync-1m` (it takes about four minutes). */
export const SCALE_COUNT = 100_000;
export const MILLION = 1_000_000;

export interface SyncScaleResults {
  /** Whether the 1,000,000-record runs were made (`--sync-1m`). */
  million: boolean;
  sources: SyncSource[];
  rows: SyncRow[];
}

/**
 * The heap flags the Lambda Node.js runtime itself starts a 1,024 MB function with (the
 * scheduled sync's memorySize in serverless.yml): its /var/runtime/bootstrap passes
 * `--max-semi-space-size` = memory / 20 and `--max-old-space-size` = memory × 9 / 10 (the nodejs
 * images of https://github.com/aws/aws-lambda-base-images). Flags given on node's command line
 * win over NODE_OPTIONS, so these, not V8's defaults, are what the deployed function runs with.
 */
export const LAMBDA_1024_FLAGS = ['--max-semi-space-size=51', '--max-old-space-size=921'] as const;

const RUNS: readonly { client: SyncClient; execArgv: readonly string[] }[] = [
  { client: 'ours', execArgv: [] },
  { client: 'baseline', execArgv: [] },
  { client: 'ours', execArgv: CAPPED_HEAP_FLAGS },
  { client: 'baseline', execArgv: CAPPED_HEAP_FLAGS },
  { client: 'ours', execArgv: LAMBDA_1024_FLAGS },
];

export async function measureSyncScale(
  stack: LocalStack,
  bundles: readonly FunctionBundle[],
  runner: string,
  log: (line: string) => void,
  counts: readonly number[],
): Promise<Omit<SyncScaleResults, 'million'>> {
  const s3 = stack.s3;
  if (!s3) throw new Error('the bench stack has no S3 emulator');
  const sources: SyncSource[] = [];
  const rows: SyncRow[] = [];
  for (const count of counts) {
    const source = await seedSyncSource(s3, count);
    sources.push(source);
    log(
      `  source: ${String(count)} records, ${String(Math.round(source.gzipBytes / 1024))} KiB gzipped, ` +
        `stored in ${String(Math.round(source.seedMs))} ms`,
    );
    for (const run of RUNS) {
      const row = await runSync(stack, bundles, runner, { ...run, source });
      rows.push(row);
      log(describeSyncRow(row));
    }
  }
  return { sources, rows };
}
