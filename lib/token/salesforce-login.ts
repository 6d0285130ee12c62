import { JWT_BEARER_GRANT_TYPE } from '../constants.js';
import { signJwtAssertion } from '../auth/jwt-assertion.js';
import { requestToken, type TokenRequestOptions } from '../auth/oauth-client.js';
import type { SalesforceCredentials } from '../secret/credentials.js';
import type { SalesforceToken } from './salesforce-token.js';

export interface LoginOptions {
  /** Assumed session lifetime in seconds (Salesforce returns no `expires_in`). */
  sessionTtlSeconds: number;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: (() => number) | undefined;
  request?: TokenRequestOptions | undefined;
  /** Abandons the login when aborted (`DeadlineExceededError`). Default: none. */
  signal?: AbortSignal | undefined;
}

/**
 * Exchanges credentials for an access token with the flow they name. It lives with the tokens,
 * not in auth/: it joins the secret's credentials to auth's token request, and auth depends on
 * neither.
 */
export async function login(
  credentials: SalesforceCredentials,
  options: LoginOptions,
): Promise<SalesforceToken> {
  const now = options.now ?? Date.now;
  const issuedAt = now();
  const response = await requestToken(
    credentials.loginUrl,
    () => tokenForm(credentials, now),
    options.request,
    options.signal,
  );
  return {
    accessToken: response.access_token,
    instanceUrl: response.instance_url.replace(/\/+$/, ''),
    tokenType: response.token_type,
    issuedAt,
    // Counted from when the request was sent, so the assumed lifetime never overshoots.
    expiresAt: issuedAt + options.sessionTtlSeconds * 1000,
    scope: response.scope,
  };
}

async function tokenForm(credentials: SalesforceCredentials, now: () => number): Promise<URLSearchParams> {
  if (credentials.flow === 'client-credentials') {
    // In the body rather than Basic auth: both are accepted, and the body is what Salesforce's
    // own samples show (salesforce-behaviour.md §2).
    return new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    });
  }
  const assertion = await signJwtAssertion(credentials.privateKey, credentials, { now });
  return new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion });
}
