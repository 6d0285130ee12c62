import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.js';
import { get, postForm, tokenBody, type HttpResult } from './salesforce-helpers.js';

const CLIENT_ID = '3MVG9_fault_key';
const SECRET = 'fault-secret';
const RUN_AS = 'api.only@example.com';

let sf: SalesforceEmulator;

beforeAll(async () => {
  sf = await SalesforceEmulator.start();
  sf.registerApp({ clientId: CLIENT_ID, clientSecret: SECRET, runAsUsername: RUN_AS });
  sf.registerUser({ username: RUN_AS });
});

afterAll(async () => {
  await sf.close();
});

beforeEach(() => {
  sf.clearFaults();
  sf.resetStats();
});

async function token(): Promise<HttpResult> {
  return postForm(`${sf.url}/services/oauth2/token`, {
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: SECRET,
  });
}

async function limits(accessToken: string): Promise<HttpResult> {
  return get(`${sf.url}/services/data/v62.0/limits`, accessToken);
}

describe('fault injection', () => {
  it('answers with the given status and JSON body, once by default', async () => {
    sf.injectFault({
      endpoint: 'token',
      status: 503,
      body: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }],
    });
    const faulted = await token();
    expect(faulted.status).toBe(503);
    expect(faulted.headers.get('content-type')).toBe('application/json');
    expect(faulted.body).toEqual([{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }]);
    expect((await token()).status).toBe(200);
  });

  it('answers an OAuth error like the token endpoint does', async () => {
    sf.injectFault({
      endpoint: 'token',
      oauthError: { error: 'invalid_grant', error_description: 'IP restricted or invalid login hours' },
    });
    const faulted = await token();
    expect(faulted.status).toBe(400);
    expect(faulted.headers.get('cache-control')).toBe('no-store');
    expect(faulted.body).toEqual({
      error: 'invalid_grant',
      error_description: 'IP restricted or invalid login hours',
    });
  });

  it('sends a raw non-JSON body with extra headers, or just a status', async () => {
    sf.injectFault({ rawBody: '<html>Maintenance</html>', status: 503, headers: { 'Retry-After': '7' } });
    sf.injectFault({ status: 502 });
    const html = await token();
    expect(html.status).toBe(503);
    expect(html.headers.get('content-type')).toBe('text/html');
    expect(html.headers.get('retry-after')).toBe('7');
    expect(html.text).toBe('<html>Maintenance</html>');
    const bare = await token();
    expect(bare.status).toBe(502);
    expect(bare.text).toBe('');
  });

  it('hits `times` matching requests, then stops', async () => {
    sf.injectFault({ endpoint: 'token', status: 500, times: 2 });
    expect((await token()).status).toBe(500);
    expect((await token()).status).toBe(500);
    expect((await token()).status).toBe(200);
    expect(sf.stats).toMatchObject({ tokenRequests: 3, logins: 1, loginFailures: 0 });
  });

  it('keeps endpoint faults apart: a rest fault does not touch token requests', async () => {
    sf.injectFault({ endpoint: 'rest', status: 503 });
    const accessToken = tokenBody(await token()).access_token;
    expect((await limits(accessToken)).status).toBe(503);
    expect((await limits(accessToken)).status).toBe(200);
    expect(sf.stats).toMatchObject({ restRequests: 2, apiCalls: 1 });
  });

  it('delays and then answers normally when only delayMs is given', async () => {
    const accessToken = tokenBody(await token()).access_token;
    sf.injectFault({ endpoint: 'rest', delayMs: 300 });
    const started = performance.now();
    const result = await limits(accessToken);
    expect(result.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('lets a client time out on a delayed answer; the request still completes server-side', async () => {
    // Long enough that the client's 100 ms timeout always comes first, however loaded the machine.
    sf.injectFault({ endpoint: 'token', delayMs: 2_000 });
    await expect(
      fetch(`${sf.url}/services/oauth2/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: CLIENT_ID,
          client_secret: SECRET,
        }),
        signal: AbortSignal.timeout(100),
      }),
    ).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(sf.stats.logins).toBe(0);
    // Like a real server, the emulator does not notice the client gave up: a token is minted and abandoned.
    await vi.waitFor(
      () => {
        expect(sf.stats.logins).toBe(1);
      },
      { timeout: 15_000, interval: 20 },
    );
    expect(sf.activeSessionCount).toBeGreaterThanOrEqual(1);
    expect((await token()).status).toBe(200);
  });

  it('does not make close() wait for pending delays', async () => {
    const slow = await SalesforceEmulator.start();
    // Far past the test's timeout: if close() waited for it, the test would fail by timing out.
    slow.injectFault({ delayMs: 600_000 });
    const pending = fetch(`${slow.url}/services/data/`).catch((error: unknown) => error);
    await vi.waitFor(
      () => {
        expect(slow.stats.restRequests).toBe(1);
      },
      { timeout: 15_000, interval: 5 },
    );
    await slow.close();
    await pending;
  });

  it('resets the connection', async () => {
    sf.injectFault({ endpoint: 'token', reset: true });
    await expect(token()).rejects.toThrow(TypeError);
    expect(sf.stats.tokenRequests).toBe(1);
    expect((await token()).status).toBe(200);
  });

  it('matches endpoint any (the default) on every path, and clearFaults disarms', async () => {
    sf.injectFault({ status: 418, times: Infinity });
    expect((await get(`${sf.url}/services/data/`)).status).toBe(418);
    expect((await postForm(`${sf.url}/services/oauth2/revoke`, { token: 'x' })).status).toBe(418);
    expect((await token()).status).toBe(418);
    sf.clearFaults();
    expect((await token()).status).toBe(200);
  });

  it('fires faults in the order they were armed', async () => {
    sf.injectFault({ endpoint: 'token', status: 501 });
    sf.injectFault({ endpoint: 'token', status: 502 });
    expect((await token()).status).toBe(501);
    expect((await token()).status).toBe(502);
  });
});

describe('stats', () => {
  it('counts token requests, logins by flow, API calls and REST requests; resetStats zeroes in place', async () => {
    const stats = sf.stats;
    const accessToken = tokenBody(await token()).access_token;
    await postForm(`${sf.url}/services/oauth2/token`, {
      grant_type: 'client_credentials',
      client_id: 'nope',
    });
    await limits(accessToken);
    await limits('bad-token');
    await get(`${sf.url}/services/data/`);
    expect(stats).toEqual({
      tokenRequests: 2,
      logins: 1,
      loginFailures: 1,
      loginsByFlow: { 'jwt-bearer': 0, 'client-credentials': 1 },
      apiCalls: 1,
      restRequests: 3,
      requestsByRoute: { limits: 1 },
    });
    const byRoute = stats.requestsByRoute;
    sf.resetStats();
    expect(stats).toEqual({
      tokenRequests: 0,
      logins: 0,
      loginFailures: 0,
      loginsByFlow: { 'jwt-bearer': 0, 'client-credentials': 0 },
      apiCalls: 0,
      restRequests: 0,
      requestsByRoute: {},
    });
    expect(stats.requestsByRoute).toBe(byRoute);
  });
});
