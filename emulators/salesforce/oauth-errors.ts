// The token endpoint's errors, with the exact `error` / `error_description` strings that real
// Salesforce sends (tables in §1.4 and §2). Every one is HTTP 400 with Content-Type
// application/json and Cache-Control no-store (help `remoteaccess_oauth_flow_errors.htm`).
import type { OAuthErrorBody } from './options.js';

const OAUTH_ERRORS = {
  /** Bad signature, wrong certificate, garbage assertion [OBS]. Also used for the design choices below. */
  invalidAssertion: { error: 'invalid_grant', error_description: 'invalid assertion' },
  /** exp in the past: surprisingly the same text as for an expired authorization code [OBS]. */
  expired: { error: 'invalid_grant', error_description: 'expired authorization code' },
  audienceInvalid: { error: 'invalid_grant', error_description: 'audience is invalid' },
  unknownClient: { error: 'invalid_client_id', error_description: 'client identifier invalid' },
  userNotApproved: { error: 'invalid_grant', error_description: "user hasn't approved this consumer" },
  notAdminApproved: {
    error: 'invalid_app_access',
    error_description: 'user is not admin approved to access this app',
  },
  inactiveUser: { error: 'invalid_grant', error_description: 'inactive user' },
  loginRateExceeded: { error: 'invalid_grant', error_description: 'login rate exceeded' },
  unsupportedGrantType: { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
  wrongDomain: { error: 'invalid_grant', error_description: 'request not supported on this domain' },
  noClientCredentialsUser: {
    error: 'invalid_grant',
    error_description: 'no client credentials user enabled',
  },
  invalidClientCredentials: { error: 'invalid_client', error_description: 'invalid client credentials' },
  /** Emulator wording: Salesforce's text for a non-form body is not recorded in the reference. */
  notFormEncoded: {
    error: 'invalid_request',
    error_description: 'request body must be application/x-www-form-urlencoded',
  },
  notPost: { error: 'invalid_request', error_description: 'must use HTTP POST' },
  /** Revocation of an unknown or expired token (§3, Mobile SDK "Revoking OAuth Tokens"). */
  invalidToken: { error: 'invalid_token', error_description: 'Token was invalid' },
} as const satisfies Record<string, OAuthErrorBody>;

export type OAuthErrorName = keyof typeof OAUTH_ERRORS;

export class OAuthError extends Error {
  readonly body: OAuthErrorBody;

  constructor(name: OAuthErrorName) {
    const body = OAUTH_ERRORS[name];
    super(`${body.error}: ${body.error_description}`);
    this.name = 'OAuthError';
    this.body = body;
  }
}

export const NO_STORE_HEADERS = { 'Cache-Control': 'no-store' } as const;
