// The two server-to-server grants of POST /services/oauth2/token: JWT Bearer (§1) and Client
// Credentials (§2). Each either returns Salesforce's token response or throws an OAuthError.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { ConnectedApp, Directory, OrgUser } from './directory.js';
import { usernameKey } from './directory.js';
import { checkAssertionClaims, verifyAssertionSignature } from './jwt-verifier.js';
import type { LoginRateLimiter, ReplayCache } from './login-guards.js';
import { OAuthError } from './oauth-errors.js';
import type { LoginFlow, ResolvedOptions } from './options.js';
import { toId18 } from './salesforce-ids.js';
import type { Session, SessionStore } from './sessions.js';

const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CLIENT_CREDENTIALS_GRANT = 'client_credentials';

export interface TokenGrantContext {
  url: string;
  options: ResolvedOptions;
  directory: Directory;
  sessions: SessionStore;
  rateLimiter: LoginRateLimiter;
  replayCache: ReplayCache;
}

/** Salesforce's success body: never `expires_in`, never `refresh_token` for these flows (§1.3, §2). */
export interface TokenResponse {
  access_token: string;
  signature: string;
  scope: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  /** Milliseconds since the epoch, as a string. */
  issued_at: string;
}

export interface GrantResult {
  flow: LoginFlow;
  session: Session;
  response: TokenResponse;
}

export async function grantToken(
  form: URLSearchParams,
  authorization: string | undefined,
  ctx: TokenGrantContext,
): Promise<GrantResult> {
  const grantType = form.get('grant_type');
  if (grantType === JWT_BEARER_GRANT) return jwtBearer(form, ctx);
  if (grantType === CLIENT_CREDENTIALS_GRANT) return clientCredentials(form, authorization, ctx);
  throw new OAuthError('unsupportedGrantType');
}

async function jwtBearer(form: URLSearchParams, ctx: TokenGrantContext): Promise<GrantResult> {
  const signed = await verifyAssertionSignature(form.get('assertion') ?? undefined, ctx.directory);
  admitLogin(signed.username, ctx);
  checkAssertionClaims(signed, {
    audiences: ctx.options.audiences,
    now: ctx.options.now,
    clockSkewMs: ctx.options.clockSkewMs,
    replayCache: ctx.replayCache,
  });

  // Design choice: an unknown username gets the same answer as a user who never approved the app.
  // Salesforce's answer is [UNCONFIRMED] (§1.4); this is the likeliest, and it reveals nothing.
  const user = ctx.directory.user(signed.username);
  if (!user) throw new OAuthError('userNotApproved');
  if (!user.active) throw new OAuthError('inactiveUser');
  requireAppAccess(signed.app, user, ctx.directory);
  return issue(signed.app, user, 'jwt-bearer', ctx);
}

function clientCredentials(
  form: URLSearchParams,
  authorization: string | undefined,
  ctx: TokenGrantContext,
): GrantResult {
  // login.salesforce.com and test.salesforce.com refuse this grant whatever the credentials (§2).
  if (ctx.options.domain === 'login') throw new OAuthError('wrongDomain');
  const app = authenticateClient(form, authorization, ctx.directory);
  // Design choice [UNCONFIRMED]: with the flow disabled there is no execution user enabled either,
  // so the answer is the same as for a missing Run As user. So is a Run As user who does not exist.
  if (!app.clientCredentialsEnabled || app.runAsUsername === undefined) {
    throw new OAuthError('noClientCredentialsUser');
  }
  const user = ctx.directory.user(app.runAsUsername);
  if (!user) throw new OAuthError('noClientCredentialsUser');
  admitLogin(user.username, ctx);
  if (!user.active) throw new OAuthError('inactiveUser');
  // Self-authorization does not apply to the execution user, but an admin-approved app still needs
  // the user's profile or permission set assigned (§2 table).
  if (
    app.permittedUsers === 'admin-approved-pre-authorized' &&
    !ctx.directory.isPreAuthorized(app, user.username)
  ) {
    throw new OAuthError('notAdminApproved');
  }
  return issue(app, user, 'client-credentials', ctx);
}

/**
 * The client's ID and secret, from HTTP Basic (what simple-salesforce sends) or else the form body
 * (the Salesforce help sample): the emulator accepts both, as Salesforce does (§2).
 */
export function authenticateClient(
  form: URLSearchParams,
  authorization: string | undefined,
  directory: Directory,
): ConnectedApp {
  const credentials = basicCredentials(authorization) ?? {
    clientId: form.get('client_id') ?? '',
    clientSecret: form.get('client_secret') ?? '',
  };
  const app = directory.app(credentials.clientId);
  if (!app) throw new OAuthError('unknownClient');
  if (app.clientSecret === undefined || !secretsEqual(app.clientSecret, credentials.clientSecret)) {
    throw new OAuthError('invalidClientCredentials');
  }
  return app;
}

function basicCredentials(
  authorization: string | undefined,
): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return { clientId: decoded, clientSecret: '' };
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
}

function secretsEqual(expected: string, actual: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(actual);
  return a.length === b.length && timingSafeEqual(a, b);
}

function admitLogin(username: string, ctx: TokenGrantContext): void {
  if (!ctx.rateLimiter.admit(usernameKey(username))) throw new OAuthError('loginRateExceeded');
}

/**
 * Permitted Users policy (§1.2 prerequisites, §1.4 table): self-authorize needs the user's one-time
 * approval; admin-approved needs the user's profile or permission set assigned to the app.
 */
function requireAppAccess(app: ConnectedApp, user: OrgUser, directory: Directory): void {
  if (app.permittedUsers === 'admin-approved-pre-authorized') {
    if (!directory.isPreAuthorized(app, user.username)) throw new OAuthError('notAdminApproved');
  } else if (!user.approvedApps.has(app.clientId)) {
    throw new OAuthError('userNotApproved');
  }
}

function issue(app: ConnectedApp, user: OrgUser, flow: LoginFlow, ctx: TokenGrantContext): GrantResult {
  const session = ctx.sessions.issue(
    { username: user.username, userId18: user.userId18, clientId: app.clientId, flow },
    ctx.options.reuseSessions,
  );
  const issuedAt = String(ctx.options.now());
  const id = `${ctx.url}/id/${toId18(ctx.options.orgId)}/${user.userId18}`;
  return {
    flow,
    session,
    response: {
      access_token: session.accessToken,
      // Base64 HMAC-SHA256 of id + issued_at keyed with the consumer secret, as Salesforce signs it.
      signature: createHmac('sha256', app.signingSecret)
        .update(id + issuedAt)
        .digest('base64'),
      scope: session.scope,
      instance_url: ctx.options.instanceUrl,
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    },
  };
}
