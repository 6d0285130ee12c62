// Shapes shared by the REST dispatcher and its routes. A route is a method, a path pattern relative
// to /services/data/vNN.0 (`:name` segments become params) and a handler.
import type { IncomingHttpHeaders } from 'node:http';
import type { ResolvedOptions } from './options.js';
import type { Session } from './sessions.js';

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
}

export interface RestRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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
  ) {
    super(message);
    this.name = 'RestError';
  }

  toBody(): { message: string; errorCode: string }[] {
    return [{ message: this.message, errorCode: this.errorCode }];
  }
}

export const notFound = (): RestError =>
  new RestError(404, 'NOT_FOUND', 'The requested resource does not exist');
