// Cold init: fresh `node` processes, each importing one function bundle (and, for the token
// functions, invoking the handler once against the emulators, then a few hundred warm calls).
// Runs are interleaved across bundles so that machine noise spreads evenly; medians are reported.
import type { FunctionBundle } from './bundle-size.js';
import { runChild } from './children.js';
import { median } from './stats.js';
import type { ColdResult } from './tasks.js';

/** One bundle, optionally with env overrides (e.g. a log level), measured as its own row. */
export interface ColdStartEntry {
  bundle: FunctionBundle;
  variant?: string;
  env?: Record<string, string>;
}

export interface ColdStartRow {
  bundle: FunctionBundle;
  variant?: string;
  runs: number;
  bootMs: number;
  importMs: number;
  /** Secret fetch + assertion + login, through the handler (token functions only). */
  firstCallMs?: number;
  /** import + first call: when the function has handed out its first token. */
  readyMs?: number;
  /** Fork to exit, seen from the parent. */
  processMs: number;
  warmP50Us?: number;
  warmP99Us?: number;
  maxRssKb: number;
}

const WARM_CALLS = 300;

export async function measureColdStarts(
  entries: readonly ColdStartEntry[],
  runner: string,
  env: NodeJS.ProcessEnv,
  runs = 7,
): Promise<ColdStartRow[]> {
  const samples = new Map<ColdStartEntry, { result: ColdResult; processMs: number }[]>();
  // One unmeasured round first, so that no bundle's first run pays for cold file caches.
  for (let run = -1; run < runs; run += 1) {
    for (const entry of entries) {
      const invoke = entry.bundle.role === 'token';
      const child = await runChild(
        runner,
        { kind: 'cold', bundle: entry.bundle.path, invoke, warmCalls: invoke ? WARM_CALLS : 0 },
        { ...env, ...entry.env },
      );
      if (run >= 0) samples.set(entry, [...(samples.get(entry) ?? []), child]);
    }
  }
  return entries.map((entry) => {
    const { bundle } = entry;
    const runsOf = samples.get(entry) ?? [];
    const pick = (get: (r: ColdResult) => number | undefined): number | undefined => {
      const values = runsOf.map((r) => get(r.result)).filter((v): v is number => v !== undefined);
      return values.length ? median(values) : undefined;
    };
    const first = pick((r) => r.firstCallMs);
    const importMs = pick((r) => r.importMs) ?? Number.NaN;
    const ready = pick((r) => (r.firstCallMs === undefined ? undefined : r.importMs + r.firstCallMs));
    const p50 = pick((r) => r.warmP50Us);
    const p99 = pick((r) => r.warmP99Us);
    return {
      bundle,
      ...(entry.variant === undefined ? {} : { variant: entry.variant }),
      runs: runsOf.length,
      bootMs: pick((r) => r.bootMs) ?? Number.NaN,
      importMs,
      ...(first === undefined ? {} : { firstCallMs: first }),
      ...(ready === undefined ? {} : { readyMs: ready }),
      processMs: median(runsOf.map((r) => r.processMs)),
      ...(p50 === undefined ? {} : { warmP50Us: p50 }),
      ...(p99 === undefined ? {} : { warmP99Us: p99 }),
      maxRssKb: pick((r) => r.maxRssKb) ?? Number.NaN,
    };
  });
}
