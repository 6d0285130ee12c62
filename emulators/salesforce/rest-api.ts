// Dispatcher for /services/data: the versions list, API version checks, session authentication,
// API usage accounting and Salesforce's error format (§4, §5), around the route table.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SalesforceStats } from './options.js';
import { notFound, RestError, type RestContext, type RestResponse, type RestRoute } from './rest-types.js';
import type { Session, SessionStore } from './sessions.js';

export const REST_PREFIX = '/services/data';
const JSON_UTF8 = 'application/json;charset=UTF-8';

export interface RestApiContext extends RestContext {
  sessions: SessionStore;
  stats: SalesforceStats;
}

interface CompiledRoute {
  route: RestRoute;
  regex: RegExp;
  paramNames: string[];
}

export class RestApi {
  readonly #routes: CompiledRoute[];

  constructor(
    routes: readonly RestRoute[],
    private readonly ctx: RestApiContext,
  ) {
    this.#routes = routes.map(compile);
  }

  async handle(req: IncomingMessage, res: ServerResponse, url: URL, body: Buffer): Promise<void> {
    let usageHeader: Record<string, string> = {};
    try {
      const path = url.pathname;
      if (path === REST_PREFIX || path === `${REST_PREFIX}/`) {
        // The versions list needs no session and is not counted against limits, so it carries no
        // Sforce-Limit-Info header (§4, headers_api_usage.htm).
        send(res, { status: 200, body: this.#versions() });
        return;
      }
      const { version, subPath } = this.#parseVersion(path);
      // A resource newer than the requested version does not exist there.
      const candidates = this.#match(subPath).filter(
        (candidate) => Number(version) >= (candidate.route.minVersion ?? 0),
      );
      if (candidates.length === 0) throw notFound();

      const session = this.#authenticate(req);
      this.ctx.stats.apiCalls += 1;
      const method = req.method ?? 'GET';
      const hit = candidates.find((candidate) => candidate.route.method === method);
      if (hit) {
        const { requestsByRoute } = this.ctx.stats;
        requestsByRoute[hit.route.name] = (requestsByRoute[hit.route.name] ?? 0) + 1;
      }
      const withinLimit = this.#useApiRequest();
      usageHeader = { 'Sforce-Limit-Info': this.ctx.usage.header };
      // Once the daily allocation is used up: 403 REQUEST_LIMIT_EXCEEDED (§4); not a session problem.
      if (!withinLimit) throw new RestError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.');

      if (!hit) {
        const allowed = [...new Set(candidates.map((candidate) => candidate.route.method))].join(',');
        throw new RestError(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${method}' not allowed. Allowed are ${allowed}`,
        );
      }
      const response = await hit.route.handle(
        {
          method,
          path: subPath,
          version,
          params: hit.params,
          query: url.searchParams,
          headers: req.headers,
          body,
          session,
        },
        this.ctx,
      );
      send(res, { ...response, headers: { ...usageHeader, ...response.headers } });
    } catch (error) {
      if (!(error instanceof RestError)) throw error;
      send(res, {
        status: error.status,
        body: error.toBody(),
        headers: { ...usageHeader, ...error.headers },
      });
    }
  }

  #versions(): { label: string; url: string; version: string }[] {
    const { min, max } = this.ctx.options.apiVersions;
    const versions = [];
    for (let major = min; major <= max; major++) {
      versions.push({ label: releaseLabel(major), url: `${REST_PREFIX}/v${major}.0`, version: `${major}.0` });
    }
    return versions;
  }

  #parseVersion(path: string): { version: string; subPath: string } {
    const match = /^\/services\/data\/v(\d+)\.0(\/.*)?$/.exec(path);
    const major = Number(match?.[1]);
    const { min, max } = this.ctx.options.apiVersions;
    if (!match || !(major >= min && major <= max)) throw notFound();
    const rest = match[2] ?? '/';
    return {
      version: `${major}.0`,
      subPath: rest.length > 1 && rest.endsWith('/') ? rest.slice(0, -1) : rest,
    };
  }

  #match(subPath: string): { route: RestRoute; params: Record<string, string> }[] {
    return this.#routes.flatMap(({ route, regex, paramNames }) => {
      const match = regex.exec(subPath);
      if (!match) return [];
      const params = Object.fromEntries(
        paramNames.map((name, i) => [name, decodeSegment(match[i + 1] ?? '')]),
      );
      return [{ route, params }];
    });
  }

  /**
   * `Authorization: Bearer <token>` (or the older `OAuth <token>` scheme, which Salesforce also
   * accepts). Anything else, or a timed-out or revoked session, is 401 INVALID_SESSION_ID with
   * `WWW-Authenticate: Token`, exactly as captured in restforce#284 (§5).
   */
  #authenticate(req: IncomingMessage): Session {
    const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const session = match?.[1] ? this.ctx.sessions.touch(match[1]) : undefined;
    if (!session) {
      throw new RestError(401, 'INVALID_SESSION_ID', 'Session expired or invalid', {
        'WWW-Authenticate': 'Token',
      });
    }
    return session;
  }

  /** Uses one request of the daily allocation; false when none is left. */
  #useApiRequest(): boolean {
    const { usage } = this.ctx;
    if (usage.used >= usage.limit) return false;
    usage.used += 1;
    return true;
  }
}

function compile(route: RestRoute): CompiledRoute {
  const paramNames: string[] = [];
  const source = route.pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(segment.slice(1));
      return '([^/]+)';
    })
    .join('/');
  return { route, regex: new RegExp(`^${source}$`), paramNames };
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw notFound();
  }
}

/** Three releases a year; v62.0 is Winter '25 (§6 table). */
function releaseLabel(major: number): string {
  const offset = major - 62;
  const season = ['Winter', 'Spring', 'Summer'][((offset % 3) + 3) % 3] ?? 'Winter';
  const year = 25 + Math.floor(offset / 3);
  return `${season} '${String(year).padStart(2, '0')}`;
}

function send(res: ServerResponse, response: RestResponse): void {
  const headers: Record<string, string | number> = { ...response.headers };
  let text = '';
  if (response.rawBody !== undefined) {
    text = response.rawBody;
    headers['Content-Type'] = response.contentType ?? 'text/plain';
  } else if (response.body !== undefined) {
    text = JSON.stringify(response.body);
    headers['Content-Type'] = response.contentType ?? JSON_UTF8;
  }
  headers['Content-Length'] = Buffer.byteLength(text);
  res.writeHead(response.status, headers);
  res.end(text);
}
