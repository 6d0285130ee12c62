import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.js';
import { basicAuth, get, postForm, tokenBody, type HttpResult } from './salesforce-helpers.js';

const CLIENT_ID = '3MVG9_rest_key';
const SECRET = 'rest-secret';
const RUN_AS = 'api.only@example.com';
const INVALID_SESSION = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
const NOT_FOUND = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];
const HOUR_MS = 60 * 60 * 1000;

let clock = Date.UTC(2026, 5, 1);
let sf: SalesforceEmulator;

beforeAll(async () => {
  sf = await SalesforceEmulator.start({ now: () => clock });
});

afterAll(async () => {
  await sf.close();
});

beforeEach(() => {
  setUp(sf);
  sf.setDailyApiUsage(0);
  sf.resetStats();
});

function setUp(emulator: SalesforceEmulator): void {
  emulator.registerApp({ clientId: CLIENT_ID, clientSecret: SECRET, runAsUsername: RUN_AS });
  emulator.registerUser({ username: RUN_AS });
}

async function login(emulator = sf): Promise<string> {
  const result = await postForm(`${emulator.url}/services/oauth2/token`, {
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: SECRET,
  });
  return tokenBody(result).access_token;
}

async function limits(accessToken?: string): Promise<HttpResult> {
  return get(`${sf.url}/services/data/v62.0/limits`, accessToken);
}

function expectInvalidSession(result: HttpResult): void {
  expect(result.status).toBe(401);
  expect(result.headers.get('www-authenticate')).toBe('Token');
  expect(result.headers.get('content-type')).toBe('application/json;charset=UTF-8');
  expect(result.body).toEqual(INVALID_SESSION);
}

describe('REST: versions, resources, limits', () => {
  it('lists API versions without a session and without Sforce-Limit-Info', async () => {
    for (const path of ['/services/data', '/services/data/']) {
      const result = await get(`${sf.url}${path}`);
      expect(result.status).toBe(200);
      expect(result.headers.get('sforce-limit-info')).toBeNull();
      const versions = result.body as { label: string; url: string; version: string }[];
      expect(versions).toHaveLength(37);
      expect(versions[0]).toEqual({ label: "Summer '14", url: '/services/data/v31.0', version: '31.0' });
      expect(versions).toContainEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
      expect(versions.at(-1)).toEqual({ label: "Summer '26", url: '/services/data/v67.0', version: '67.0' });
    }
    expect(sf.stats.apiCalls).toBe(0);
    expect(sf.stats.restRequests).toBe(2);
  });

  it('serves /limits with the live daily API usage and the Sforce-Limit-Info header', async () => {
    const accessToken = await login();
    const first = await limits(accessToken);
    expect(first.status).toBe(200);
    expect(first.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(first.headers.get('sforce-limit-info')).toBe('api-usage=1/15000');
    expect((first.body as Record<string, unknown>).DailyApiRequests).toEqual({
      Max: 15000,
      Remaining: 14999,
    });
    const second = await limits(accessToken);
    expect(second.headers.get('sforce-limit-info')).toBe('api-usage=2/15000');
    expect(sf.stats.apiCalls).toBe(2);
  });

  it('accepts the OAuth authorization scheme as well as Bearer', async () => {
    const accessToken = await login();
    const response = await fetch(`${sf.url}/services/data/v62.0/limits`, {
      headers: { Authorization: `OAuth ${accessToken}` },
    });
    expect(response.status).toBe(200);
  });

  it('lists the resources of a version', async () => {
    const result = await get(`${sf.url}/services/data/v62.0/`, await login());
    expect(result.status).toBe(200);
    expect(result.body).toEqual({
      limits: '/services/data/v62.0/limits',
      query: '/services/data/v62.0/query',
    });
  });

  it('answers 404 NOT_FOUND for unknown paths and unsupported versions', async () => {
    const accessToken = await login();
    for (const path of [
      '/services/data/v62.0/nothing-here',
      '/services/data/v30.0/limits',
      '/services/data/v68.0/limits',
      '/services/data/v62.1/limits',
      '/services/apexrest/x',
      '/',
    ]) {
      const result = await get(`${sf.url}${path}`, accessToken);
      expect(result.status, path).toBe(404);
      expect(result.body, path).toEqual(NOT_FOUND);
    }
  });

  it('answers 405 for a known resource with the wrong method', async () => {
    const response = await fetch(`${sf.url}/services/data/v62.0/limits`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${await login()}` },
    });
    expect(response.status).toBe(405);
    expect(await response.json()).toEqual([
      { errorCode: 'METHOD_NOT_ALLOWED', message: "HTTP Method 'POST' not allowed. Allowed are GET" },
    ]);
  });

  it('answers 403 REQUEST_LIMIT_EXCEEDED once the daily allocation is used up', async () => {
    const accessToken = await login();
    sf.setDailyApiUsage(15_000);
    const result = await limits(accessToken);
    expect(result.status).toBe(403);
    expect(result.body).toEqual([
      { message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' },
    ]);
    expect(result.headers.get('sforce-limit-info')).toBe('api-usage=15000/15000');
    // A limit is not a session problem: the session is still valid.
    expect(sf.isActiveSession(accessToken)).toBe(true);
  });
});

describe('sessions', () => {
  it('refuses a missing, malformed or unknown token with 401 INVALID_SESSION_ID', async () => {
    expectInvalidSession(await limits());
    expectInvalidSession(await limits('00D000000000001!not-a-session'));
    const basic = await fetch(`${sf.url}/services/data/v62.0/limits`, {
      headers: basicAuth(CLIENT_ID, SECRET),
    });
    expect(basic.status).toBe(401);
    expect(sf.stats.apiCalls).toBe(0);
    expect(sf.stats.restRequests).toBe(3);
  });

  it('refuses a token after expireSession, leaving other sessions alone', async () => {
    const a = await login();
    const b = await login();
    sf.expireSession(a);
    expect(sf.isActiveSession(a)).toBe(false);
    expectInvalidSession(await limits(a));
    expect((await limits(b)).status).toBe(200);
  });

  it('refuses every token after expireAllSessions', async () => {
    const a = await login();
    const b = await login();
    sf.expireAllSessions();
    expectInvalidSession(await limits(a));
    expectInvalidSession(await limits(b));
    expect(sf.activeSessionCount).toBe(0);
  });

  it('times out after 2 h of inactivity; each API call resets the timer', async () => {
    const accessToken = await login();
    clock += 2 * HOUR_MS - 1;
    expect((await limits(accessToken)).status).toBe(200);
    clock += 2 * HOUR_MS - 1;
    expect(sf.isActiveSession(accessToken)).toBe(true);
    expect((await limits(accessToken)).status).toBe(200);
    clock += 2 * HOUR_MS;
    expect(sf.isActiveSession(accessToken)).toBe(false);
    expectInvalidSession(await limits(accessToken));
  });

  it('honours a configured timeout', async () => {
    let now = Date.UTC(2026, 0, 1);
    const short = await SalesforceEmulator.start({ now: () => now, sessionTimeoutSeconds: 900 });
    try {
      setUp(short);
      const accessToken = await login(short);
      now += 899_000;
      expect(short.isActiveSession(accessToken)).toBe(true);
      now += 1_000;
      expect(short.isActiveSession(accessToken)).toBe(false);
    } finally {
      await short.close();
    }
  });

  it('reuses the live session when reuseSessions is on', async () => {
    let now = Date.UTC(2026, 0, 1);
    const reusing = await SalesforceEmulator.start({ now: () => now, reuseSessions: true });
    try {
      setUp(reusing);
      const a = await login(reusing);
      now += 1000;
      expect(await login(reusing)).toBe(a);
      reusing.expireSession(a);
      expect(await login(reusing)).not.toBe(a);
    } finally {
      await reusing.close();
    }
  });
});

describe('revoke and introspect', () => {
  const introspect = async (
    token: string,
    auth: Record<string, string> = basicAuth(CLIENT_ID, SECRET),
  ): Promise<HttpResult> =>
    postForm(`${sf.url}/services/oauth2/introspect`, { token, token_type_hint: 'access_token' }, auth);

  it('revokes a token: 200 with an empty body, then 401 on the REST API, then invalid_token', async () => {
    const accessToken = await login();
    const revoked = await postForm(`${sf.url}/services/oauth2/revoke`, { token: accessToken });
    expect(revoked.status).toBe(200);
    expect(revoked.text).toBe('');
    expectInvalidSession(await limits(accessToken));
    const again = await postForm(`${sf.url}/services/oauth2/revoke`, { token: accessToken });
    expect(again.status).toBe(400);
    expect(again.body).toEqual({ error: 'invalid_token', error_description: 'Token was invalid' });
  });

  it('introspects a live token, with exp following the inactivity timer', async () => {
    const accessToken = await login();
    const issuedAt = clock;
    const first = await introspect(accessToken);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      active: true,
      scope: 'api',
      client_id: CLIENT_ID,
      username: RUN_AS,
      sub: expect.stringMatching(new RegExp(`^${sf.url}/id/00D000000000001EAA/005`)) as unknown,
      token_type: 'access_token',
      exp: Math.floor((issuedAt + 2 * HOUR_MS) / 1000),
      iat: Math.floor(issuedAt / 1000),
      nbf: Math.floor(issuedAt / 1000),
    });

    clock += 60_000;
    // Introspection itself is not activity; an API call is.
    expect(((await introspect(accessToken)).body as { exp: number }).exp).toBe(
      Math.floor((issuedAt + 2 * HOUR_MS) / 1000),
    );
    await limits(accessToken);
    expect(((await introspect(accessToken)).body as { exp: number }).exp).toBe(
      Math.floor((clock + 2 * HOUR_MS) / 1000),
    );
  });

  it('introspects an unknown or expired token as inactive', async () => {
    expect((await introspect('00D000000000001!nope')).body).toEqual({ active: false });
    const accessToken = await login();
    sf.expireSession(accessToken);
    expect((await introspect(accessToken)).body).toEqual({ active: false });
  });

  it('requires the client credentials of a connected app, in Basic or the body', async () => {
    const accessToken = await login();
    const viaBody = await postForm(`${sf.url}/services/oauth2/introspect`, {
      token: accessToken,
      client_id: CLIENT_ID,
      client_secret: SECRET,
    });
    expect((viaBody.body as { active: boolean }).active).toBe(true);
    for (const auth of [{}, basicAuth(CLIENT_ID, 'wrong'), basicAuth('unknown', SECRET)]) {
      const refused = await introspect(accessToken, auth);
      expect(refused.status).toBe(400);
      expect(refused.body).toEqual({
        error: 'invalid_client',
        error_description: 'invalid client credentials',
      });
    }
  });
});
