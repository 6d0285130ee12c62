import { generateKeyPairSync } from 'node:crypto';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJwtAssertion } from '../../lib/auth/jwt-assertion.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const claims = {
  clientId: '3MVG9.consumer-key',
  username: 'integration@acme.com',
  audience: 'https://login.salesforce.com',
};
const frozen = Date.UTC(2026, 10, 28, 12, 0, 0);

describe('signJwtAssertion', () => {
  it('signs RS256 with exactly the claims Salesforce reads, and verifies against the public key', async () => {
    const jwt = await signJwtAssertion(privateKey, claims, { now: () => frozen });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', typ: 'JWT' });
    const { payload } = await jwtVerify(jwt, publicKey, {
      algorithms: ['RS256'],
      issuer: claims.clientId,
      audience: claims.audience,
      subject: claims.username,
      currentDate: new Date(frozen),
    });
    const iat = frozen / 1000;
    expect(payload).toEqual({
      iss: claims.clientId,
      sub: claims.username,
      aud: claims.audience,
      iat,
      exp: iat + 180,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
    });
  });

  it('never sets exp more than 3 minutes ahead, and gives every assertion a new jti', async () => {
    const a = await signJwtAssertion(privateKey, claims, { now: () => frozen, lifetimeSeconds: 3600 });
    const b = await signJwtAssertion(privateKey, claims, { now: () => frozen, lifetimeSeconds: 60 });
    const pa = (await jwtVerify(a, publicKey, { currentDate: new Date(frozen) })).payload;
    const pb = (await jwtVerify(b, publicKey, { currentDate: new Date(frozen) })).payload;
    expect(pa.exp).toBe(frozen / 1000 + 180);
    expect(pb.exp).toBe(frozen / 1000 + 60);
    expect(pa.jti).not.toBe(pb.jti);
  });

  it('does not verify with another key', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey;
    const jwt = await signJwtAssertion(privateKey, claims);
    await expect(jwtVerify(jwt, other)).rejects.toThrow(/signature verification failed/);
  });
});
