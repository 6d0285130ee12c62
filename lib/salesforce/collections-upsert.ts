import {
  COLLECTIONS_MAX_RECORDS,
  DEFAULT_COLLECTIONS_CONCURRENCY,
  DEFAULT_ISOLATION_BUDGET,
} from '../constants.js';
import { RequestLimitExceededError, SalesforceApiError } from '../errors.js';
import { mapConcurrent } from '../map-concurrent.js';
import {
  errorCode,
  errorMessage,
  failAll,
  failed,
  type MergedItem,
  type RecordOutcome,
} from '../record-outcome.js';
import type { OutcomeSink } from './bulk-results.js';
import type { SalesforceApi } from './salesforce-api.js';

export interface CollectionsUpsertOptions {
  sobject: string;
  externalIdField: string;
  /** Chunks in flight at once. Default 3. */
  concurrency?: number | undefined;
  /** Extra calls allowed per chunk to isolate the records behind a whole-request 400. Default 40. */
  isolationBudget?: number | undefined;
}

interface UpsertResult {
  id?: string;
  success: boolean;
  created?: boolean;
  errors?: { statusCode?: string; message?: string; fields?: string[] }[];
}

/**
 * Upserts merged records with sObject Collections
 * (`PATCH /composite/sobjects/{SObject}/{ExternalIdField}`, allOrNone false), 200 per call,
 * a few calls at a time, and maps every result back to its records. A whole-request 400 caused
 * by some records (an unknown field, a value of the wrong type) is narrowed down to them, so
 * their neighbours are still written. Once the org's API allocation is exhausted, no further
 * call is made and the remaining records are reported failed.
 */
export async function upsertWithCollections(
  client: SalesforceApi,
  items: readonly MergedItem[],
  options: CollectionsUpsertOptions,
): Promise<RecordOutcome[]> {
  // Kept short: this function is in every caller's bundle, whose budget is counted in bytes.
  const results = await mapConcurrent(
    chunked(items, COLLECTIONS_MAX_RECORDS),
    options.concurrency ?? DEFAULT_COLLECTIONS_CONCURRENCY,
    chunkSender(client, options),
  );
  return results.flat();
}

/**
 * {@link upsertWithCollections}, each chunk's outcomes told to `emit` (with the external ID as
 * the record carries it) as soon as the chunks before it are told, in input order, instead of
 * being collected: a large run keeps no outcome. A chunk waits for `emit` before the next starts.
 * (A separate function, so that a caller's bundle, which needs only the one above, leaves it out.)
 */
export async function streamCollectionsUpsert(
  client: SalesforceApi,
  items: readonly MergedItem[],
  options: CollectionsUpsertOptions,
  emit: OutcomeSink,
): Promise<void> {
  const send = chunkSender(client, options);
  const chunks = chunked(items, COLLECTIONS_MAX_RECORDS);
  // Chunks finish out of order; their outcomes are told in order, one chunk after another.
  const done = new Map<number, RecordOutcome[]>();
  let next = 0;
  let telling = Promise.resolve();
  const tell = async (): Promise<void> => {
    for (let outcomes = done.get(next); outcomes; outcomes = done.get(next)) {
      const externalIdOf = externalIdsOf(chunks[next] ?? [], options.externalIdField);
      done.delete(next);
      next += 1;
      let i = 0;
      for (const outcome of outcomes) {
        // A sink that answers at once (a written record, say) costs no await.
        const told = emit(outcome, externalIdOf(outcome.ref, i));
        if (told) await told;
        i += 1;
      }
    }
  };
  await mapConcurrent(
    chunks,
    options.concurrency ?? DEFAULT_COLLECTIONS_CONCURRENCY,
    async (chunk, index) => {
      done.set(index, await send(chunk));
      telling = telling.then(tell);
      await telling;
    },
  );
}

/**
 * One chunk's call, its results mapped to its records, with the isolation of a whole-request 400
 * (a budget of extra calls per chunk); once the API allocation is exhausted, later chunks of the
 * run fail without a call.
 */
function chunkSender(
  client: SalesforceApi,
  options: CollectionsUpsertOptions,
): (chunk: readonly MergedItem[]) => Promise<RecordOutcome[]> {
  const path = `/composite/sobjects/${options.sobject}/${options.externalIdField}`;
  let limitError: RequestLimitExceededError | undefined;
  const send = async (chunk: readonly MergedItem[], budget: { calls: number }): Promise<RecordOutcome[]> => {
    if (limitError) return failAll(chunk, limitError.errorCode, limitError.message);
    try {
      const records = chunk.map((item) => ({ attributes: { type: options.sobject }, ...item.record }));
      const { body } = await client.request<UpsertResult[]>('PATCH', path, {
        json: { allOrNone: false, records },
      });
      return mapResults(chunk, body);
    } catch (error) {
      if (error instanceof RequestLimitExceededError) limitError = error;
      if (
        error instanceof SalesforceApiError &&
        error.status === 400 &&
        chunk.length > 1 &&
        budget.calls > 0
      ) {
        return isolate(chunk, error, budget, send);
      }
      return failAll(chunk, errorCode(error), errorMessage(error));
    }
  };
  return (chunk) => send(chunk, { calls: options.isolationBudget ?? DEFAULT_ISOLATION_BUDGET });
}

/**
 * The external ID (as the record carries it, not lower-cased) of the outcome for `ref`, at
 * position `i` of a chunk's outcomes. Outcomes come in the chunk's order of refs, so the position
 * finds it; only a chunk whose call was split (see `isolate`), which may tell its outcomes in
 * another order, builds a map by ref.
 */
function externalIdsOf(chunk: readonly MergedItem[], field: string): (ref: string, i: number) => string {
  const refs: string[] = [];
  const ids: string[] = [];
  for (const item of chunk) {
    const id = String(item.record[field]);
    for (const ref of item.refs) {
      refs.push(ref);
      ids.push(id);
    }
  }
  let byRef: Map<string, string> | undefined;
  return (ref, i) => {
    if (refs[i] === ref) return ids[i] ?? '';
    byRef ??= new Map(refs.map((r, j) => [r, ids[j] ?? '']));
    return byRef.get(ref) ?? '';
  };
}

async function isolate(
  chunk: readonly MergedItem[],
  error: SalesforceApiError,
  budget: { calls: number },
  send: (chunk: readonly MergedItem[], budget: { calls: number }) => Promise<RecordOutcome[]>,
): Promise<RecordOutcome[]> {
  const column =
    error.errorCode === 'INVALID_FIELD'
      ? /No such column '([^']+)'/.exec(error.errors[0]?.message ?? '')?.[1]
      : undefined;
  if (column) {
    const bad = chunk.filter((item) => Object.hasOwn(item.record, column));
    if (bad.length > 0) {
      const good = chunk.filter((item) => !Object.hasOwn(item.record, column));
      budget.calls -= 1;
      const rest = good.length ? await send(good, budget) : [];
      return [...failAll(bad, error.errorCode, error.errors[0]?.message ?? error.message, [column]), ...rest];
    }
  }
  const middle = Math.ceil(chunk.length / 2);
  budget.calls -= 2;
  const left = await send(chunk.slice(0, middle), budget);
  const right = await send(chunk.slice(middle), budget);
  return [...left, ...right];
}

function mapResults(chunk: readonly MergedItem[], results: UpsertResult[]): RecordOutcome[] {
  if (!Array.isArray(results) || results.length !== chunk.length) {
    return failAll(chunk, 'UNEXPECTED_RESPONSE', `expected ${chunk.length} results from Salesforce`);
  }
  return chunk.flatMap((item, index): RecordOutcome[] => {
    const result = results[index] ?? { success: false };
    if (result.success && result.id) {
      const { id } = result;
      return item.refs.map((ref) => ({ ref, ok: true as const, id, created: result.created === true }));
    }
    const first = result.errors?.[0];
    return item.refs.map((ref) =>
      failed(
        ref,
        first?.statusCode ?? 'UNKNOWN_ERROR',
        first?.message ?? 'Salesforce gave no reason for this failure',
        first?.fields,
      ),
    );
  });
}

function chunked<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
