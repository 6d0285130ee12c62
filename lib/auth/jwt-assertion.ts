import { randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { JWT_ASSERTION_LIFETIME_SECONDS } from '../constants.js';

export interface JwtAssertionClaims {
  /** `iss`: the app's consumer key. */
  clientId: string;
  /** `sub`: the Salesforce username the token acts as. */
  username: string;
  /** `aud`: https://login.salesforce.com, https://test.salesforce.com, or the site URL. */
  audience: string;
}

export interface JwtAssertionOptions {
  /** Clock in epoch milliseconds; injectable for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Seconds until `exp`; Salesforce requires at most 180. Default 180. */
  lifetimeSeconds?: number | undefined;
}

/**
 * Signs the RS256 assertion of Salesforce's OAuth 2.0 JWT Bearer flow
 * (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_jwt_flow.htm).
 * A fresh `jti` every time: Salesforce rejects an assertion whose `jti` it has seen before,
 * so a retried request must carry a newly signed assertion.
 */
export async function signJwtAssertion(
  privateKey: KeyObject,
  claims: JwtAssertionClaims,
  options: JwtAssertionOptions = {},
): Promise<string> {
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const lifetime = Math.min(
    options.lifetimeSeconds ?? JWT_ASSERTION_LIFETIME_SECONDS,
    JWT_ASSERTION_LIFETIME_SECONDS,
  );
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setIssuer(claims.clientId)
    .setSubject(claims.username)
    .setAudience(claims.audience)
    .setIssuedAt(nowSeconds)
    .setExpirationTime(nowSeconds + lifetime)
    .setJti(randomUUID())
    .sign(privateKey);
}
