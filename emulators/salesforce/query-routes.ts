// GET /query?q=… and GET /query/<locator>-<offset> (reference §8): pages of up to 2,000 records,
// or the batchSize asked for with `Sforce-Query-Options: batchSize=N` (200..2,000), with a
// nextRecordsUrl only while done is false. A page is cut from a snapshot taken when the query ran,
// so later writes do not shift the pages of a cursor that is being read.
import type { SObjectRecord } from './record-store.js';
import {
  RestError,
  type RestContext,
  type RestRequest,
  type RestResponse,
  type RestRoute,
} from './rest-types.js';
import { IdSequence } from './salesforce-ids.js';
import { parseSoql, runSoql, SoqlError } from './soql.js';

const DEFAULT_BATCH = 2000;
const MIN_BATCH = 200;
/** Open cursors kept; older ones are forgotten and answer INVALID_QUERY_LOCATOR ([CHOSEN] number). */
const MAX_CURSORS = 100;

interface Cursor {
  records: Record<string, unknown>[];
  batchSize: number;
}

/** Query cursors (locators) of the org. */
export class QueryCursors {
  readonly #cursors = new Map<string, Cursor>();
  readonly #ids = new IdSequence('01g');

  open(cursor: Cursor): string {
    const id = this.#ids.next();
    this.#cursors.set(id, cursor);
    if (this.#cursors.size > MAX_CURSORS) {
      const oldest = this.#cursors.keys().next().value;
      if (oldest !== undefined) this.#cursors.delete(oldest);
    }
    return id;
  }

  get(id: string): Cursor | undefined {
    return this.#cursors.get(id);
  }
}

export const queryRoutes: readonly RestRoute[] = [
  { name: 'query', method: 'GET', pattern: '/query', resource: 'query', handle: query },
  { name: 'query.more', method: 'GET', pattern: '/query/:locator', handle: queryMore },
];

function query(req: RestRequest, ctx: RestContext): RestResponse {
  const soql = req.query.get('q');
  // [OBS] "MALFORMED_QUERY: A query string has to be specified" (from memory of client reports).
  if (soql === null || soql.trim() === '') {
    throw new RestError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
  }
  let records: SObjectRecord[];
  let parsed;
  try {
    parsed = parseSoql(soql, ctx.schema);
    records = runSoql(parsed, ctx.store.table(parsed.sobject));
  } catch (error) {
    if (error instanceof SoqlError) throw new RestError(400, error.errorCode, error.format(soql));
    throw error;
  }
  const { sobject, fields } = parsed;
  const rows = records.map((record) => {
    const row: Record<string, unknown> = {
      attributes: {
        type: sobject.name,
        url: `/services/data/v${req.version}/sobjects/${sobject.name}/${String(record.Id)}`,
      },
    };
    for (const field of fields) row[field.name] = record[field.name] ?? null;
    return row;
  });
  const batchSize = batchSizeOf(req);
  return page(req, ctx, { records: rows, batchSize }, undefined, 0);
}

function queryMore(req: RestRequest, ctx: RestContext): RestResponse {
  const match = /^([0-9A-Za-z]{18})-(\d+)$/.exec(req.params.locator ?? '');
  const cursor = match?.[1] === undefined ? undefined : ctx.queries.get(match[1]);
  const offset = Number(match?.[2]);
  // [OBS] INVALID_QUERY_LOCATOR "invalid query locator"; the status is [CHOSEN].
  if (!match || !cursor || offset > cursor.records.length) {
    throw new RestError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
  }
  return page(req, ctx, cursor, match[1], offset);
}

function page(
  req: RestRequest,
  ctx: RestContext,
  cursor: Cursor,
  locator: string | undefined,
  offset: number,
): RestResponse {
  const end = Math.min(offset + cursor.batchSize, cursor.records.length);
  const done = end >= cursor.records.length;
  const body: Record<string, unknown> = { totalSize: cursor.records.length, done };
  if (!done) {
    const id = locator ?? ctx.queries.open(cursor);
    body.nextRecordsUrl = `/services/data/v${req.version}/query/${id}-${end}`;
  }
  body.records = cursor.records.slice(offset, end);
  return { status: 200, body };
}

/** `Sforce-Query-Options: batchSize=N`, clamped to 200..2,000 (a hint, "not guaranteed"). */
function batchSizeOf(req: RestRequest): number {
  const header = req.headers['sforce-query-options'];
  const text = Array.isArray(header) ? header.join(',') : (header ?? '');
  const match = /batchSize\s*=\s*(\d+)/i.exec(text);
  if (!match) return DEFAULT_BATCH;
  return Math.min(DEFAULT_BATCH, Math.max(MIN_BATCH, Number(match[1])));
}
