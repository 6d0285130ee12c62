// The child-process runner. Each measurement that must start cold, or whose peak RSS must be one
// client's own, runs here, in a fresh `node` with nothing but this runner (bundled by esbuild with
// code splitting, so only the measured client's code is loaded). Answers over IPC.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { sampleAccounts } from '../emulators/local-stack/sample-source.js';
import { loadClient } from './clients/types.js';
import { lambdaContext } from './lambda-context.js';
import { threwReport } from './shared/upsert-report.js';
import { percentile } from './stats.js';
import type {
  ChildMessage,
  ChildTask,
  ColdResult,
  ColdTask,
  MemoryPeaks,
  SyncResult,
  SyncTask,
  UpsertResult,
  UpsertTask,
} from './tasks.js';

const bootMs = performance.now();

/**
 * This process's own peak RSS in KiB: `VmHWM` of /proc/self/status (Linux), the high-water mark
 * of the memory map made at exec. Not `process.resourceUsage().maxRSS`: Linux carries the
 * forking parent's RSS at the time of the fork into a child's `ru_maxrss`, so a child of a large
 * orchestrator would report the orchestrator's size. Elsewhere, `maxRSS` is all there is.
 */
function peakRssKb(): number {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match?.[1]) return Number(match[1]);
  } catch {
    // Not Linux.
  }
  return process.resourceUsage().maxRSS;
}

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

async function cold(task: ColdTask): Promise<ColdResult> {
  const started = performance.now();
  const module = (await import(task.bundle)) as { handler: Handler };
  const importMs = performance.now() - started;
  if (!task.invoke) return { bootMs, importMs, maxRssKb: peakRssKb() };
  const callStarted = performance.now();
  await module.handler({}, lambdaContext('token-vendor'));
  const firstCallMs = performance.now() - callStarted;
  const samples: number[] = [];
  for (let i = 0; i < task.warmCalls; i += 1) {
    const t0 = performance.now();
    await module.handler({}, lambdaContext('token-vendor'));
    samples.push((performance.now() - t0) * 1000);
  }
  return {
    bootMs,
    importMs,
    firstCallMs,
    warmP50Us: percentile(samples, 50),
    warmP99Us: percentile(samples, 99),
    maxRssKb: peakRssKb(),
  };
}

async function upsert(task: UpsertTask): Promise<UpsertResult> {
  const records = sampleAccounts(task.count);
  const createClient = await loadClient(task.client);
  const started = performance.now();
  const report = await createClient()
    .upsert(records)
    .catch((error: unknown) => threwReport(task.count > 2000 ? 'bulk' : 'collections', records, error));
  const wallMs = performance.now() - started;
  return {
    api: report.api,
    wallMs,
    maxRssKb: peakRssKb(),
    failedIds: report.failedIds,
    ...(report.threw === undefined ? {} : { threw: report.threw }),
  };
}

/** Samples `process.memoryUsage()` every 50 ms (and once more at the end) and keeps the peaks (each sample costs about half a millisecond here). */
function samplePeaks(): () => MemoryPeaks {
  const peaks: MemoryPeaks = { heapUsedKb: 0, heapTotalKb: 0, externalKb: 0, arrayBuffersKb: 0 };
  const sample = () => {
    const usage = process.memoryUsage();
    peaks.heapUsedKb = Math.max(peaks.heapUsedKb, usage.heapUsed / 1024);
    peaks.heapTotalKb = Math.max(peaks.heapTotalKb, usage.heapTotal / 1024);
    peaks.externalKb = Math.max(peaks.externalKb, usage.external / 1024);
    peaks.arrayBuffersKb = Math.max(peaks.arrayBuffersKb, usage.arrayBuffers / 1024);
  };
  const timer = setInterval(sample, 50);
  timer.unref();
  return () => {
    clearInterval(timer);
    sample();
    return peaks;
  };
}

async function sync(task: SyncTask): Promise<SyncResult> {
  const stop = samplePeaks();
  const started = performance.now();
  const module = (await import(task.bundle)) as { handler: Handler };
  const importMs = performance.now() - started;
  const callStarted = performance.now();
  const cpuBefore = process.cpuUsage();
  let answer: Record<string, unknown> | undefined;
  let threw: string | undefined;
  try {
    answer = (await module.handler({}, lambdaContext('scheduled-sync', task.timeoutMs))) as Record<
      string,
      unknown
    >;
  } catch (error) {
    threw = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  const wallMs = performance.now() - callStarted;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    importMs,
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    maxRssKb: peakRssKb(),
    peaks: stop(),
    ...(answer === undefined ? {} : { answer }),
    ...(threw === undefined ? {} : { threw }),
  };
}

function run(task: ChildTask): Promise<ColdResult | UpsertResult | SyncResult> {
  switch (task.kind) {
    case 'cold':
      return cold(task);
    case 'upsert':
      return upsert(task);
    case 'sync':
      return sync(task);
  }
}

async function main(): Promise<void> {
  const task = JSON.parse(process.argv[2] ?? '{}') as ChildTask;
  let message: ChildMessage;
  try {
    message = { ok: true, result: await run(task) };
  } catch (error) {
    message = { ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  process.send?.(message, () => {
    process.exit(0);
  });
}

await main();
