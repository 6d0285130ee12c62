// Verification of the JWT Bearer assertion (§1.2), in two steps so that the token endpoint can
// apply the per-user login rate limit in between: first who is asking (issuer, signature,
// username), then whether the assertion is acceptable (audience, expiry, replay).
import { compactVerify, decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import type { ConnectedApp, Directory } from './directory.js';
import type { ReplayCache } from './login-guards.js';
import { OAuthError } from './oauth-errors.js';

export interface SignedAssertion {
  app: ConnectedApp;
  /** From `prn` when present, else `sub` (KB 000204593: "If both are present, prn is used"). */
  username: string;
  claims: JWTPayload;
}

export interface ClaimRules {
  audiences: readonly string[];
  now: () => number;
  clockSkewMs: number;
  replayCache: ReplayCache;
}

/** Parses the compact JWS, finds the app by `iss` and verifies the RS256 signature against its certificate. */
export async function verifyAssertionSignature(
  assertion: string | undefined,
  directory: Directory,
): Promise<SignedAssertion> {
  if (assertion?.split('.').length !== 3) throw new OAuthError('invalidAssertion');
  let claims: JWTPayload;
  try {
    // "Salesforce requires that a JWT is signed using RSA SHA256" (§1.2): nothing else, not even none.
    if (decodeProtectedHeader(assertion).alg !== 'RS256') throw new OAuthError('invalidAssertion');
    claims = decodeJwt(assertion);
  } catch {
    throw new OAuthError('invalidAssertion');
  }

  const app = typeof claims.iss === 'string' ? directory.app(claims.iss) : undefined;
  if (!app) throw new OAuthError('unknownClient');
  // Design choice [UNCONFIRMED]: in Salesforce the JWT flow exists only through an uploaded
  // certificate, so an app without one can verify nothing; answer as for a bad signature.
  if (!app.jwtBearerEnabled || !app.verificationKey) throw new OAuthError('invalidAssertion');
  try {
    await compactVerify(assertion, app.verificationKey, { algorithms: ['RS256'] });
  } catch {
    throw new OAuthError('invalidAssertion');
  }

  const username = claims.prn !== undefined ? claims.prn : claims.sub;
  // Design choice: a missing or non-string subject is a malformed assertion.
  if (typeof username !== 'string' || username === '') throw new OAuthError('invalidAssertion');
  return { app, username, claims };
}

/** Audience, expiry and replay checks of an assertion whose signature already verified. */
export function checkAssertionClaims({ app, claims }: SignedAssertion, rules: ClaimRules): void {
  // A single string, exactly one of the accepted URLs; an array is refused too (datacloud-jdbc#132).
  if (typeof claims.aud !== 'string' || !rules.audiences.includes(claims.aud)) {
    throw new OAuthError('audienceInvalid');
  }

  const exp = parseExp(claims.exp);
  if (exp === undefined) throw new OAuthError('invalidAssertion');
  // Only the past is refused: sfdx-core signs `Date.now() + 300` (milliseconds) and works, so a
  // far-future exp must pass; "within 3 minutes" is not enforced by Salesforce (§1.2, Surprise 2).
  if (rules.now() >= exp * 1000 + rules.clockSkewMs) throw new OAuthError('expired');

  // Design choice: Salesforce documents jti replay checks for other JWT flows, and probably applies
  // them here too (§1.2, [UNCONFIRMED]). Enforcing it catches a client that re-sends an assertion.
  if (claims.jti !== undefined) {
    if (typeof claims.jti !== 'string') throw new OAuthError('invalidAssertion');
    if (rules.replayCache.seenBefore(`${app.clientId}\n${claims.jti}`))
      throw new OAuthError('invalidAssertion');
  }
}

/** `exp` as a number of seconds; the doc's own example sends a numeric string (§1.2, Surprise 1). */
function parseExp(exp: unknown): number | undefined {
  if (typeof exp === 'number' && Number.isFinite(exp)) return exp;
  if (typeof exp === 'string' && /^\d+(\.\d+)?$/.test(exp)) return Number(exp);
  return undefined;
}
