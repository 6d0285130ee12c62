// One invocation of a scheduled-sync function in a fresh child (ours: the real
// functions/scheduled-sync.ts bundle; the baseline: its hand-rolled sync), against the stack in
// this process; then what reached the org, what the function reported, and what it cost.
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse/sync';
import type { LocalStack } from '../emulators/local-stack/stack.js';
import { childEnv, countersSince, readCounters, resetOrg, type Counters } from './bench-stack.js';
import type { FunctionBundle } from './bundle-size.js';
import { runChild } from './children.js';
import { readObject, REPORT_BUCKET, type SyncSource } from './sync-source.js';
import type { SyncResult } from './tasks.js';
import { checkWrites, type WriteCheck } from './verify.js';

/** The functions compared: ours and the hand-rolled fetch + jose baseline (jsforce has no source reader). */
export type SyncClient = 'ours' | 'baseline';

/** Lambda's longest timeout: the context the handler gets, so that no run stops at a deadline. */
export const SYNC_TIMEOUT_MS = 900_000;

export interface SyncRunSpec {
  client: SyncClient;
  source: SyncSource;
  /** How the function reads the source. Default: ours from S3, the baseline over HTTP (all it can). */
  via?: 'sdk' | 'http' | undefined;
  /** ours: set `SYNC_REPORT_URL` (which loads the S3 client even for an HTTP source). Default true. */
  report?: boolean | undefined;
  /** Node flags of the child; empty for V8's defaults. */
  execArgv?: readonly string[];
  /** Extra function env (ours: SYNC_BULK_THRESHOLD, SYNC_COLLECTIONS_CONCURRENCY). */
  env?: Record<string, string>;
}

export interface SyncRow {
  client: SyncClient;
  count: number;
  execArgv: readonly string[];
  env: Record<string, string>;
  via: 'sdk' | 'http';
  /** How the function read the source, in words. */
  sourceRead: string;
  run: Omit<SyncResult, 'answer'>;
  /** From the handler's answer. */
  api: string;
  read: number | undefined;
  failed: number | undefined;
  /** ours: the failure report and summary objects it wrote. */
  report?: { failures: string; summary: string } | undefined;
  used: Counters;
  /** Requests the S3 emulator received during the run, by operation. */
  s3: Record<string, number>;
  check: WriteCheck;
}

const BUNDLES: Record<SyncClient, string> = { ours: 'scheduled-sync', baseline: 'sync' };

const SOURCE_READS: Record<SyncClient, Record<'sdk' | 'http', string>> = {
  ours: { sdk: 's3:// (SDK GetObject, streamed)', http: 'same object over HTTP (streamed)' },
  baseline: { sdk: '(cannot read s3://)', http: 'same object over HTTP, `await res.text()`' },
};

/** A child that died without answering (e.g. out of heap): what can be said of its run. */
function died(error: unknown, processMs: number): SyncResult {
  const text = error instanceof Error ? error.message : String(error);
  const fatal = /FATAL ERROR: [^\n]*/.exec(text)?.[0] ?? /exited with [^\n]*/.exec(text)?.[0] ?? 'died';
  return {
    importMs: Number.NaN,
    wallMs: processMs,
    cpuMs: Number.NaN,
    maxRssKb: Number.NaN,
    peaks: {
      heapUsedKb: Number.NaN,
      heapTotalKb: Number.NaN,
      externalKb: Number.NaN,
      arrayBuffersKb: Number.NaN,
    },
    threw: `process died: ${fatal}`,
  };
}

function bundleOf(bundles: readonly FunctionBundle[], client: SyncClient): FunctionBundle {
  const bundle = bundles.find((b) => b.client === client && b.name === BUNDLES[client]);
  if (!bundle) throw new Error(`no ${client} ${BUNDLES[client]} bundle`);
  return bundle;
}

let runs = 0;

/** Runs one sync invocation and checks the org against what was sent and reported. */
export async function runSync(
  stack: LocalStack,
  bundles: readonly FunctionBundle[],
  runner: string,
  spec: SyncRunSpec,
): Promise<SyncRow> {
  const s3 = stack.s3;
  if (!s3) throw new Error('the bench stack has no S3 emulator');
  const { client, source } = spec;
  const execArgv = spec.execArgv ?? [];
  const via = spec.via ?? (client === 'ours' ? 'sdk' : 'http');
  runs += 1;
  const env = {
    ...childEnv(stack),
    ...spec.env,
    SYNC_SOURCE_URL: via === 'sdk' ? source.s3Url : source.httpUrl,
    // ours: a report prefix per run, so that no run finds another's state object.
    ...(client === 'ours' && spec.report !== false
      ? { SYNC_REPORT_URL: `s3://${REPORT_BUCKET}/run-${String(runs)}/` }
      : {}),
  };
  resetOrg(stack);
  const before = readCounters(stack);
  const s3Before = { ...s3.calls };
  const started = performance.now();
  const result = await runChild(
    runner,
    { kind: 'sync', bundle: bundleOf(bundles, client).path, timeoutMs: SYNC_TIMEOUT_MS },
    env,
    execArgv,
  ).then(
    (child) => child.result,
    (error: unknown) => died(error, performance.now() - started),
  );
  const used = countersSince(stack, before);
  const s3Used: Record<string, number> = {};
  for (const [operation, n] of Object.entries(s3.calls)) {
    const delta = n - (s3Before[operation] ?? 0);
    if (delta > 0) s3Used[operation] = delta;
  }
  const { answer, ...run } = result;
  const report = answer?.report as { failures: string; summary: string } | undefined;
  let failed: readonly string[] | number;
  if (run.threw || !answer) failed = source.count;
  else if (report) {
    // Every failure is in the report (the summary keeps only the first 50).
    const rows = parse<{ externalId: string }>(await readObject(s3, report.failures), { columns: true });
    failed = rows.map((row) => row.externalId);
  } else failed = typeof answer.failed === 'number' ? answer.failed : source.count;
  const check = checkWrites(stack, source.count, failed);
  resetOrg(stack);
  return {
    client,
    count: source.count,
    execArgv,
    env: spec.env ?? {},
    via,
    sourceRead: SOURCE_READS[client][via],
    run,
    // The baseline always uses Collections, and says nothing of it.
    api: typeof answer?.api === 'string' ? answer.api : client === 'baseline' ? 'collections' : '–',
    read: typeof answer?.read === 'number' ? answer.read : undefined,
    failed: typeof answer?.failed === 'number' ? answer.failed : undefined,
    ...(report ? { report: { failures: report.failures, summary: report.summary } } : {}),
    used,
    s3: s3Used,
    check,
  };
}

const mb = (kib: number) => `${String(Math.round(kib / 1024))} MB`;

/** The progress line of a run. */
export function describeSyncRow(row: SyncRow): string {
  const flags = [...Object.entries(row.env).map(([k, v]) => `${k}=${v}`), ...row.execArgv];
  return (
    `  ${row.client} ${String(row.count)}${flags.length ? ` (${flags.join(' ')})` : ''}: ` +
    `${String(Math.round(row.run.wallMs))} ms (CPU ${String(Math.round(row.run.cpuMs))} ms), ${String(row.used.apiCalls)} API calls, ` +
    `${mb(row.run.maxRssKb)} peak RSS (heap used ≤ ${mb(row.run.peaks.heapUsedKb)}, ` +
    `array buffers ≤ ${mb(row.run.peaks.arrayBuffersKb)}), ${String(row.check.written)} written, ` +
    `${String(row.check.lost)} lost${row.run.threw ? `, threw ${row.run.threw}` : ''}`
  );
}
