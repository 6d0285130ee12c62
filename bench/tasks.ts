// What the orchestrator asks a child process to do, and what the child answers (over IPC).
import type { ClientName } from './clients/types.js';

export interface ColdTask {
  kind: 'cold';
  /** Absolute path of the function bundle to import. */
  bundle: string;
  /** Invoke the handler once after the import (token functions), then `warmCalls` more times. */
  invoke: boolean;
  warmCalls: number;
}

export interface UpsertTask {
  kind: 'upsert';
  client: ClientName;
  count: number;
}

/** Invoke a sync function bundle once, as Lambda would: env from the parent, a context with `timeoutMs`. */
export interface SyncTask {
  kind: 'sync';
  /** Absolute path of the sync function bundle to import. */
  bundle: string;
  /** The Lambda context's remaining time at the start of the invocation. */
  timeoutMs: number;
}

export type ChildTask = ColdTask | UpsertTask | SyncTask;

export interface ColdResult {
  /** From process start to the first line of the runner (Node's own boot). */
  bootMs: number;
  /** `await import(bundle)`. */
  importMs: number;
  /** The first handler call: secret fetch, assertion, login. */
  firstCallMs?: number;
  /** Warm handler calls, in microseconds. */
  warmP50Us?: number;
  warmP99Us?: number;
  maxRssKb: number;
}

export interface UpsertResult {
  api: string;
  /** From the client's creation (cold: secret, login) to its answer. */
  wallMs: number;
  maxRssKb: number;
  failedIds: string[];
  threw?: string;
}

/** The highest values `process.memoryUsage()` showed, sampled every few milliseconds, in KiB. */
export interface MemoryPeaks {
  heapUsedKb: number;
  heapTotalKb: number;
  externalKb: number;
  arrayBuffersKb: number;
}

export interface SyncResult {
  /** `await import(bundle)`. */
  importMs: number;
  /** The handler invocation, cold: secret fetch and login included. */
  wallMs: number;
  /** CPU time (user + system) of the invocation: less disturbed than wall time by other processes. */
  cpuMs: number;
  maxRssKb: number;
  peaks: MemoryPeaks;
  /** What the handler returned (ours: its `SyncSummary`; the baseline: `{ read, failed }`). */
  answer?: Record<string, unknown>;
  threw?: string;
}

export type ChildMessage =
  { ok: true; result: ColdResult | UpsertResult | SyncResult } | { ok: false; error: string };
