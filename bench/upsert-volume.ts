// Upserting 1,000, 10,000 and 100,000 Account records, each (client, size) in a fresh child so
// that its peak RSS is its own; the emulator stays here and counts the calls. Two runs beyond
// the brief: 100,000 again with V8's heap capped (does it fit a 256 MB function once the garbage
// collector is told to work?), and 150,000 (one Bulk job of about 9 MB of CSV).
import type { LocalStack } from '../emulators/local-stack/stack.js';
import { childEnv, countersSince, readCounters, resetOrg, type Counters } from './bench-stack.js';
import { runChild } from './children.js';
import { CLIENTS, type ClientName } from './clients/types.js';
import type { UpsertResult } from './tasks.js';
import { checkWrites, type WriteCheck } from './verify.js';

/** V8 flags that keep the heap within what a 256 MB function can hold. */
export const CAPPED_HEAP_FLAGS = ['--max-old-space-size=200', '--max-semi-space-size=2'] as const;

export interface VolumeRun {
  count: number;
  /** Node flags of the child; empty for V8's defaults. */
  execArgv: readonly string[];
  /** Not one of the sizes the brief asks for. */
  extra: boolean;
}

export const VOLUME_RUNS: readonly VolumeRun[] = [
  { count: 1_000, execArgv: [], extra: false },
  { count: 10_000, execArgv: [], extra: false },
  { count: 100_000, execArgv: [], extra: false },
  { count: 100_000, execArgv: CAPPED_HEAP_FLAGS, extra: true },
  { count: 150_000, execArgv: [], extra: true },
];

export interface VolumeRow {
  client: ClientName;
  count: number;
  execArgv: readonly string[];
  extra: boolean;
  run: Omit<UpsertResult, 'failedIds'>;
  used: Counters;
  check: WriteCheck;
}

export async function measureVolumes(
  stack: LocalStack,
  runner: string,
  log: (line: string) => void,
): Promise<VolumeRow[]> {
  const rows: VolumeRow[] = [];
  for (const { count, execArgv, extra } of VOLUME_RUNS) {
    for (const client of CLIENTS) {
      resetOrg(stack);
      const before = readCounters(stack);
      const { result } = await runChild(runner, { kind: 'upsert', client, count }, childEnv(stack), execArgv);
      const used = countersSince(stack, before);
      const check = checkWrites(stack, count, result.failedIds);
      const { failedIds: _ignored, ...run } = result;
      rows.push({ client, count, execArgv, extra, run, used, check });
      log(
        `  ${client} ${String(count)}${execArgv.length ? ` (${execArgv.join(' ')})` : ''}: ` +
          `${String(Math.round(run.wallMs))} ms, ${String(used.apiCalls)} API calls, ` +
          `${String(Math.round(run.maxRssKb / 1024))} MB peak RSS, ${String(check.written)} written, ` +
          `${String(check.lost)} lost${run.threw ? `, threw ${run.threw}` : ''}`,
      );
    }
  }
  resetOrg(stack);
  return rows;
}
