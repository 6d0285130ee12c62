// Shapes shared by the REST dispatcher and its routes. A route is a method, a path pattern relative
// to /services/data/vNN.0 (`:name` segments become params) and a handler.
import type { IncomingHttpHeaders } from 'node:http';
import type { BulkIngest } from './bulk-ingest.js';
import type { ResolvedOptions } from './options.js';
import type { QueryCursors } from './query-routes.js';
import type { RecordStore } from './record-store.js';
import type { OrgSchema } from './schema.js';
import type { Session } from './sessions.js';

/**
 * Stable names of the REST resources, the keys of `stats.requestsByRoute` (each authenticated
 * request to a resource counts once, whatever its outcome).
 */
export const SALESFORCE_ROUTE_NAMES = [
  'resources',
  'limits',
  'query',
  'query.more',
  'collections.create',
  'collections.update',
  'collections.upsert',
  'sobject.upsert',
  'bulk.createJob',
  'bulk.listJobs',
  'bulk.upload',
  'bulk.closeJob',
  'bulk.jobInfo',
  'bulk.deleteJob',
  'bulk.successfulResults',
  'bulk.failedResults',
  'bulk.unprocessedRecords',
] as const;

export type SalesforceRouteName = (typeof SALESFORCE_ROUTE_NAMES)[number];

export interface RestRequest {
  method: string;
  /** Path below /services/data/vNN.0, e.g. `/limits`; `/` for the version root. */
  path: string;
  /** e.g. `62.0`. */
  version: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
  session: Session;
}

export interface RestResponse {
  status: number;
  /** Serialized as JSON unless `rawBody` is used. */
  body?: unknown;
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

/** Org-wide daily API allocation (§4): every authenticated call uses one. */
export class ApiUsage {
  used = 0;

  constructor(readonly limit: number) {}

  get header(): string {
    return `api-usage=${this.used}/${this.limit}`;
  }
}

export interface RestContext {
  url: string;
  options: ResolvedOptions;
  usage: ApiUsage;
  schema: OrgSchema;
  store: RecordStore;
  queries: QueryCursors;
  bulk: BulkIngest;
}

export interface RestRoute {
  name: SalesforceRouteName;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The first API version that has the resource; older versions answer 404 NOT_FOUND. */
  minVersion?: number;
  /** e.g. `/limits` or `/composite/sobjects/:type/:externalIdField`. */
  pattern: string;
  /** Listed under this name by GET /services/data/vNN.0/ (the resources list). */
  resource?: string;
  handle: (req: RestRequest, ctx: RestContext) => RestResponse | Promise<RestResponse>;
}

/** A REST API error: the body is Salesforce's array of `{message, errorCode}` (§5). */
export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Present in the body only when given (record-level errors carry it, request-level ones do not). */
    readonly fields?: readonly string[],
  ) {
    super(message);
    this.name = 'RestError';
  }

  toBody(): { message: string; errorCode: string; fields?: string[] }[] {
    const body = { message: this.message, errorCode: this.errorCode };
    return [this.fields ? { ...body, fields: [...this.fields] } : body];
  }
}

export const notFound = (): RestError =>
  new RestError(404, 'NOT_FOUND', 'The requested resource does not exist');
