import { createHmac, createSecretKey } from 'node:crypto';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateKeyMaterial, type KeyMaterial } from '../../scripts/keys/key-material.js';
import { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.js';
import {
  JWT_GRANT,
  postForm,
  signAssertion,
  tokenBody,
  type AssertionClaims,
  type HttpResult,
} from './salesforce-helpers.js';

const CLIENT_ID = '3MVG9_test_consumer_key';
const USER = 'integration@example.com';

let sf: SalesforceEmulator;
let keys: KeyMaterial;
let otherKeys: KeyMaterial;
let clock = Date.UTC(2026, 5, 1, 12, 0, 0);
let jtiCounter = 0;

beforeAll(async () => {
  [keys, otherKeys] = await Promise.all([
    generateKeyMaterial(),
    generateKeyMaterial({ commonName: 'other' }),
  ]);
  sf = await SalesforceEmulator.start({ now: () => clock });
});

afterAll(async () => {
  await sf.close();
});

beforeEach(() => {
  clock += 60 * 60 * 1000; // a fresh hour: no rate-limit carry-over between tests
  sf.registerApp({
    clientId: CLIENT_ID,
    certificatePem: keys.certificatePem,
    clientSecret: 'consumer-secret',
  });
  sf.registerUser({ username: USER, approvedApps: [CLIENT_ID] });
  sf.resetStats();
});

function claims(overrides: AssertionClaims = {}): AssertionClaims {
  jtiCounter += 1;
  return {
    iss: CLIENT_ID,
    sub: USER,
    aud: 'https://login.salesforce.com',
    exp: Math.floor(clock / 1000) + 180,
    jti: `jti-${jtiCounter}`,
    ...overrides,
  };
}

async function login(assertion: string): Promise<HttpResult> {
  return postForm(`${sf.url}/services/oauth2/token`, { grant_type: JWT_GRANT, assertion });
}

async function loginWith(
  overrides: AssertionClaims = {},
  privateKeyPem = keys.privateKeyPkcs8Pem,
): Promise<HttpResult> {
  return login(await signAssertion(privateKeyPem, claims(overrides)));
}

function expectOAuthError(result: HttpResult, error: string, description: string): void {
  expect(result.status).toBe(400);
  expect(result.headers.get('content-type')).toBe('application/json');
  expect(result.headers.get('cache-control')).toBe('no-store');
  expect(result.body).toEqual({ error, error_description: description });
}

describe('JWT bearer: success', () => {
  it('issues a Salesforce-shaped token response, without expires_in or refresh_token', async () => {
    const result = await loginWith();
    const body = tokenBody(result);
    expect(Object.keys(body).sort()).toEqual(
      ['access_token', 'id', 'instance_url', 'issued_at', 'scope', 'signature', 'token_type'].sort(),
    );
    expect(body.access_token).toMatch(/^00D000000000001![A-Za-z0-9_-]{40,}$/);
    expect(body.instance_url).toBe(sf.url);
    expect(body.id).toBe(`${sf.url}/id/00D000000000001EAA/005000000000001AAA`);
    expect(body.token_type).toBe('Bearer');
    expect(body.scope).toBe('api');
    expect(body.issued_at).toBe(String(clock));
    const expectedSignature = createHmac('sha256', 'consumer-secret')
      .update(body.id + body.issued_at)
      .digest('base64');
    expect(body.signature).toBe(expectedSignature);
    expect(sf.isActiveSession(body.access_token)).toBe(true);
    expect(sf.stats.logins).toBe(1);
    expect(sf.stats.loginsByFlow['jwt-bearer']).toBe(1);
  });

  it('accepts a key given as SPKI public key, and a PKCS#1 signing key', async () => {
    sf.registerApp({ clientId: 'spki-app', publicKeyPem: keys.publicKeyPem });
    sf.registerUser({ username: USER, approvedApps: [CLIENT_ID, 'spki-app'] });
    const result = await loginWith({ iss: 'spki-app' }, keys.privateKeyPkcs1Pem);
    expect(result.status).toBe(200);
  });

  it('accepts exp as a numeric string, as in the Salesforce doc example', async () => {
    const result = await loginWith({ exp: String(Math.floor(clock / 1000) + 180) });
    expect(result.status).toBe(200);
  });

  it('accepts a far-future exp in milliseconds, as sfdx-core sends it', async () => {
    const result = await loginWith({ exp: clock + 300 });
    expect(result.status).toBe(200);
  });

  it('takes the username from prn when both prn and sub are present', async () => {
    const result = await loginWith({ prn: USER, sub: 'nobody@example.com' });
    expect(result.status).toBe(200);
    const other = await loginWith({ prn: 'nobody@example.com', sub: USER });
    expectOAuthError(other, 'invalid_grant', "user hasn't approved this consumer");
  });

  it('accepts the emulator url and test.salesforce.com as audience', async () => {
    expect((await loginWith({ aud: sf.url })).status).toBe(200);
    expect((await loginWith({ aud: 'https://test.salesforce.com' })).status).toBe(200);
  });

  it('accepts an assertion without jti', async () => {
    const assertion = await signAssertion(keys.privateKeyPkcs8Pem, { ...claims(), jti: undefined });
    expect((await login(assertion)).status).toBe(200);
  });

  it('issues a fresh token on every login by default', async () => {
    const a = tokenBody(await loginWith());
    const b = tokenBody(await loginWith());
    expect(a.access_token).not.toBe(b.access_token);
    expect(sf.isActiveSession(a.access_token)).toBe(true);
  });

  it('admits pre-authorized users of an admin-approved app', async () => {
    sf.registerApp({
      clientId: CLIENT_ID,
      certificatePem: keys.certificatePem,
      permittedUsers: 'admin-approved-pre-authorized',
      preAuthorizedUsers: [USER.toUpperCase()],
    });
    sf.registerUser({ username: USER });
    expect((await loginWith()).status).toBe(200);
  });
});

describe('JWT bearer: errors, with Salesforce exact strings', () => {
  it('rejects a garbage assertion', async () => {
    expectOAuthError(await login('not-a-jwt'), 'invalid_grant', 'invalid assertion');
    expectOAuthError(await login('a.b.c'), 'invalid_grant', 'invalid assertion');
    expectOAuthError(
      await postForm(`${sf.url}/services/oauth2/token`, { grant_type: JWT_GRANT }),
      'invalid_grant',
      'invalid assertion',
    );
  });

  it('rejects any algorithm but RS256', async () => {
    expectOAuthError(
      await login(await signAssertion(keys.privateKeyPkcs8Pem, claims(), 'PS256')),
      'invalid_grant',
      'invalid assertion',
    );
    const hs256 = await new SignJWT(claims() as Record<string, unknown>)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(createSecretKey(Buffer.from('0123456789abcdef0123456789abcdef')));
    expectOAuthError(await login(hs256), 'invalid_grant', 'invalid assertion');
    const none = `${b64url({ alg: 'none' })}.${b64url(claims())}.`;
    expectOAuthError(await login(none), 'invalid_grant', 'invalid assertion');
  });

  it('rejects an unknown issuer with invalid_client_id', async () => {
    expectOAuthError(
      await loginWith({ iss: 'unknown-key' }),
      'invalid_client_id',
      'client identifier invalid',
    );
    expectOAuthError(await loginWith({ iss: undefined }), 'invalid_client_id', 'client identifier invalid');
  });

  it('rejects a signature by the wrong key', async () => {
    expectOAuthError(await loginWith({}, otherKeys.privateKeyPkcs8Pem), 'invalid_grant', 'invalid assertion');
  });

  it('rejects a tampered payload', async () => {
    const [header, , signature] = (await signAssertion(keys.privateKeyPkcs8Pem, claims())).split('.');
    const tampered = `${header}.${b64url(claims({ sub: 'admin@example.com' }))}.${signature}`;
    expectOAuthError(await login(tampered), 'invalid_grant', 'invalid assertion');
  });

  it('rotates keys with replaceCertificate: old key refused, new key accepted', async () => {
    sf.replaceCertificate(CLIENT_ID, otherKeys.certificatePem);
    expectOAuthError(await loginWith(), 'invalid_grant', 'invalid assertion');
    expect((await loginWith({}, otherKeys.privateKeyPkcs8Pem)).status).toBe(200);
  });

  it('rejects a wrong, bare-host, trailing-slash or array audience', async () => {
    for (const aud of ['https://evil.example.com', 'login.salesforce.com', 'https://login.salesforce.com/']) {
      expectOAuthError(await loginWith({ aud }), 'invalid_grant', 'audience is invalid');
    }
    expectOAuthError(
      await loginWith({ aud: ['https://login.salesforce.com'] }),
      'invalid_grant',
      'audience is invalid',
    );
    expectOAuthError(await loginWith({ aud: undefined }), 'invalid_grant', 'audience is invalid');
  });

  it('rejects an exp in the past with "expired authorization code"', async () => {
    const now = Math.floor(clock / 1000);
    expectOAuthError(await loginWith({ exp: now - 1 }), 'invalid_grant', 'expired authorization code');
    expectOAuthError(await loginWith({ exp: now }), 'invalid_grant', 'expired authorization code');
    expectOAuthError(
      await loginWith({ exp: String(now - 60) }),
      'invalid_grant',
      'expired authorization code',
    );
  });

  it('rejects a missing or non-numeric exp as invalid assertion', async () => {
    expectOAuthError(await loginWith({ exp: undefined }), 'invalid_grant', 'invalid assertion');
    expectOAuthError(await loginWith({ exp: 'tomorrow' }), 'invalid_grant', 'invalid assertion');
  });

  it('rejects a replayed jti', async () => {
    const assertion = await signAssertion(keys.privateKeyPkcs8Pem, claims());
    expect((await login(assertion)).status).toBe(200);
    expectOAuthError(await login(assertion), 'invalid_grant', 'invalid assertion');
  });

  it('forgets a jti after the retention window', async () => {
    const replayable = claims({ exp: Math.floor(clock / 1000) + 3 * 86_400 });
    const assertion = await signAssertion(keys.privateKeyPkcs8Pem, replayable);
    expect((await login(assertion)).status).toBe(200);
    clock += 86_400 * 1000 + 1;
    expect((await login(assertion)).status).toBe(200);
  });

  it('answers an unknown user like one who never approved the app', async () => {
    expectOAuthError(
      await loginWith({ sub: 'ghost@example.com' }),
      'invalid_grant',
      "user hasn't approved this consumer",
    );
  });

  it('rejects a user who has not approved a self-authorize app', async () => {
    sf.registerUser({ username: USER, approvedApps: [] });
    expectOAuthError(await loginWith(), 'invalid_grant', "user hasn't approved this consumer");
  });

  it('rejects a user not pre-authorized for an admin-approved app with invalid_app_access', async () => {
    sf.registerApp({
      clientId: CLIENT_ID,
      certificatePem: keys.certificatePem,
      permittedUsers: 'admin-approved-pre-authorized',
      preAuthorizedUsers: ['someone.else@example.com'],
    });
    expectOAuthError(
      await loginWith(),
      'invalid_app_access',
      'user is not admin approved to access this app',
    );
  });

  it('rejects an inactive user, and admits them again once reactivated', async () => {
    sf.setUserActive(USER, false);
    expectOAuthError(await loginWith(), 'invalid_grant', 'inactive user');
    sf.setUserActive(USER, true);
    expect((await loginWith()).status).toBe(200);
  });

  it('treats an app without JWT bearer enabled like a bad signature (design choice)', async () => {
    sf.registerApp({ clientId: CLIENT_ID, clientSecret: 's' });
    expectOAuthError(await loginWith(), 'invalid_grant', 'invalid assertion');
    sf.registerApp({ clientId: CLIENT_ID, certificatePem: keys.certificatePem, jwtBearerEnabled: false });
    expectOAuthError(await loginWith(), 'invalid_grant', 'invalid assertion');
  });

  it('rejects a subject-less assertion', async () => {
    expectOAuthError(await loginWith({ sub: undefined }), 'invalid_grant', 'invalid assertion');
  });

  it('counts failures in stats', async () => {
    await loginWith({ aud: 'https://nope.example.com' });
    await loginWith({}, otherKeys.privateKeyPkcs8Pem);
    await loginWith();
    expect(sf.stats).toMatchObject({ tokenRequests: 3, logins: 1, loginFailures: 2 });
  });
});

describe('JWT bearer: login rate limit', () => {
  it('refuses the (limit+1)th login in a rolling hour, failed attempts included', async () => {
    let now = Date.UTC(2026, 0, 1);
    const limited = await SalesforceEmulator.start({ now: () => now, loginRateLimitPerHour: 3 });
    try {
      limited.registerApp({ clientId: CLIENT_ID, certificatePem: keys.certificatePem });
      limited.registerUser({ username: USER, approvedApps: [CLIENT_ID] });
      const attempt = async (overrides: AssertionClaims = {}): Promise<HttpResult> =>
        postForm(`${limited.url}/services/oauth2/token`, {
          grant_type: JWT_GRANT,
          assertion: await signAssertion(keys.privateKeyPkcs8Pem, {
            ...claims(),
            exp: Math.floor(now / 1000) + 180,
            ...overrides,
          }),
        });

      expect((await attempt()).status).toBe(200);
      expect((await attempt({ exp: Math.floor(now / 1000) - 10 })).status).toBe(400); // counts too
      now += 30 * 60 * 1000;
      expect((await attempt()).status).toBe(200);
      expectOAuthError(await attempt(), 'invalid_grant', 'login rate exceeded');
      // Another user is not affected.
      limited.registerUser({ username: 'other@example.com', approvedApps: [CLIENT_ID] });
      expect((await attempt({ sub: 'other@example.com' })).status).toBe(200);
      // The first two attempts leave the window after an hour; the refused one did not count.
      now += 30 * 60 * 1000;
      expect((await attempt()).status).toBe(200);
      expect(limited.stats.loginFailures).toBe(2);
    } finally {
      await limited.close();
    }
  });
});

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}
