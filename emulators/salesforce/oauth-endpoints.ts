// HTTP side of /services/oauth2/{token,revoke,introspect}: form parsing and Salesforce's response
// shapes. The grant logic itself is in token-grants.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mediaType, sendJson } from '../shared/http-server.js';
import { NO_STORE_HEADERS, OAuthError } from './oauth-errors.js';
import type { OAuthErrorBody, SalesforceStats } from './options.js';
import { toId18 } from './salesforce-ids.js';
import { authenticateClient, grantToken, type TokenGrantContext } from './token-grants.js';

export const TOKEN_PATH = '/services/oauth2/token';
const REVOKE_PATH = '/services/oauth2/revoke';
const INTROSPECT_PATH = '/services/oauth2/introspect';

export interface OAuthContext extends TokenGrantContext {
  stats: SalesforceStats;
}

type OAuthHandler = (
  req: IncomingMessage,
  res: ServerResponse,
  form: URLSearchParams,
  ctx: OAuthContext,
) => Promise<void> | void;

const HANDLERS: Readonly<Record<string, OAuthHandler>> = {
  [TOKEN_PATH]: token,
  [REVOKE_PATH]: revoke,
  [INTROSPECT_PATH]: introspect,
};

export function isOAuthPath(path: string): boolean {
  return Object.hasOwn(HANDLERS, path);
}

export async function handleOAuth(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  body: Buffer,
  ctx: OAuthContext,
): Promise<void> {
  const handler = HANDLERS[path];
  if (!handler) throw new Error(`not an OAuth path: ${path}`);
  try {
    if (req.method !== 'POST') throw new OAuthError('notPost');
    // Only form bodies (§9): a JSON body is the classic client bug this should catch.
    if (mediaType(req) !== 'application/x-www-form-urlencoded') throw new OAuthError('notFormEncoded');
    await handler(req, res, new URLSearchParams(body.toString('utf8')), ctx);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    if (path === TOKEN_PATH) ctx.stats.loginFailures += 1;
    sendOAuthError(res, error.body);
  }
}

/** Every token-endpoint error: HTTP 400, JSON, Cache-Control no-store (§1.4). */
function sendOAuthError(res: ServerResponse, body: OAuthErrorBody, status = 400): void {
  sendJson(res, status, body, NO_STORE_HEADERS);
}

async function token(
  req: IncomingMessage,
  res: ServerResponse,
  form: URLSearchParams,
  ctx: OAuthContext,
): Promise<void> {
  const { flow, response } = await grantToken(form, req.headers.authorization, ctx);
  ctx.stats.logins += 1;
  ctx.stats.loginsByFlow[flow] += 1;
  sendJson(res, 200, response, NO_STORE_HEADERS);
}

/** 200 with an empty body, or 400 invalid_token (§3, Mobile SDK "Revoking OAuth Tokens"). */
function revoke(_req: IncomingMessage, res: ServerResponse, form: URLSearchParams, ctx: OAuthContext): void {
  const accessToken = form.get('token') ?? '';
  if (!ctx.sessions.peek(accessToken)) throw new OAuthError('invalidToken');
  ctx.sessions.expire(accessToken);
  res.writeHead(200, { 'Content-Length': 0, ...NO_STORE_HEADERS });
  res.end();
}

/**
 * RFC 7662 introspection, authenticated with the app's consumer key and secret (body or Basic, §3).
 * Looking does not count as activity, so it does not extend the session. An unknown, revoked or
 * timed-out token is `{"active":false}` ([UNCONFIRMED] for Salesforce, but what RFC 7662 says).
 */
function introspect(
  req: IncomingMessage,
  res: ServerResponse,
  form: URLSearchParams,
  ctx: OAuthContext,
): void {
  authenticateClientOrThrow(form, req.headers.authorization, ctx);
  const session = ctx.sessions.peek(form.get('token') ?? '');
  if (!session) {
    sendJson(res, 200, { active: false }, NO_STORE_HEADERS);
    return;
  }
  const iat = Math.floor(session.issuedAt / 1000);
  sendJson(
    res,
    200,
    {
      active: true,
      scope: session.scope,
      client_id: session.clientId,
      username: session.username,
      sub: `${ctx.url}/id/${toId18(ctx.options.orgId)}/${session.userId18}`,
      token_type: 'access_token',
      exp: Math.floor(ctx.sessions.expiresAt(session) / 1000),
      iat,
      nbf: iat,
    },
    NO_STORE_HEADERS,
  );
}

function authenticateClientOrThrow(
  form: URLSearchParams,
  authorization: string | undefined,
  ctx: OAuthContext,
): void {
  try {
    authenticateClient(form, authorization, ctx.directory);
  } catch (error) {
    // Design choice: any client failure reads as bad credentials; which apps exist is not revealed.
    throw error instanceof OAuthError ? new OAuthError('invalidClientCredentials') : error;
  }
}
