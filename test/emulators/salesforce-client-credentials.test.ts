import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SalesforceEmulator } from '../../emulators/salesforce/salesforce-emulator.js';
import { basicAuth, postForm, tokenBody, type HttpResult } from './salesforce-helpers.js';

const CLIENT_ID = '3MVG9_cc_consumer_key';
const SECRET = 'cc-consumer-secret';
const RUN_AS = 'api.only@example.com';

let sf: SalesforceEmulator;
let loginDomain: SalesforceEmulator;

beforeAll(async () => {
  [sf, loginDomain] = await Promise.all([
    SalesforceEmulator.start(),
    SalesforceEmulator.start({ domain: 'login' }),
  ]);
});

afterAll(async () => {
  await Promise.all([sf.close(), loginDomain.close()]);
});

beforeEach(() => {
  for (const emulator of [sf, loginDomain]) {
    emulator.registerApp({ clientId: CLIENT_ID, clientSecret: SECRET, runAsUsername: RUN_AS });
    emulator.registerUser({ username: RUN_AS });
    emulator.resetStats();
  }
});

async function token(
  emulator: SalesforceEmulator,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  return postForm(`${emulator.url}/services/oauth2/token`, fields, headers);
}

const bodyCredentials = { grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET };

function expectOAuthError(result: HttpResult, error: string, description: string): void {
  expect(result.status).toBe(400);
  expect(result.headers.get('content-type')).toBe('application/json');
  expect(result.headers.get('cache-control')).toBe('no-store');
  expect(result.body).toEqual({ error, error_description: description });
}

describe('client credentials: success', () => {
  it('logs in with client_id and client_secret in the form body', async () => {
    const body = tokenBody(await token(sf, bodyCredentials));
    expect(body.access_token).toMatch(/^00D000000000001!/);
    expect(body.instance_url).toBe(sf.url);
    expect(body.token_type).toBe('Bearer');
    expect(body.id).toMatch(new RegExp(`^${sf.url}/id/00D000000000001EAA/005[0-9A-Za-z]{15}$`));
    expect(body).not.toHaveProperty('expires_in');
    expect(body).not.toHaveProperty('refresh_token');
    expect(sf.stats.loginsByFlow).toEqual({ 'jwt-bearer': 0, 'client-credentials': 1 });
  });

  it('logs in with HTTP Basic and only grant_type in the body', async () => {
    const result = await token(sf, { grant_type: 'client_credentials' }, basicAuth(CLIENT_ID, SECRET));
    expect(result.status).toBe(200);
    expect(sf.isActiveSession(tokenBody(result).access_token)).toBe(true);
  });

  it('accepts a charset parameter on the form content type', async () => {
    const result = await token(sf, bodyCredentials, {
      'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8',
    });
    expect(result.status).toBe(200);
  });

  it('admits a pre-authorized run-as user of an admin-approved app', async () => {
    sf.registerApp({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      runAsUsername: RUN_AS,
      permittedUsers: 'admin-approved-pre-authorized',
      preAuthorizedUsers: [RUN_AS],
    });
    expect((await token(sf, bodyCredentials)).status).toBe(200);
  });
});

describe('client credentials: errors, with Salesforce exact strings', () => {
  it('is refused on the login domain whatever the credentials', async () => {
    expectOAuthError(
      await token(loginDomain, bodyCredentials),
      'invalid_grant',
      'request not supported on this domain',
    );
  });

  it('rejects an unknown client_id', async () => {
    expectOAuthError(
      await token(sf, { ...bodyCredentials, client_id: 'nope' }),
      'invalid_client_id',
      'client identifier invalid',
    );
    expectOAuthError(
      await token(sf, { grant_type: 'client_credentials' }, basicAuth('nope', SECRET)),
      'invalid_client_id',
      'client identifier invalid',
    );
  });

  it('rejects a wrong secret, in the body or Basic', async () => {
    expectOAuthError(
      await token(sf, { ...bodyCredentials, client_secret: 'wrong' }),
      'invalid_client',
      'invalid client credentials',
    );
    expectOAuthError(
      await token(sf, { grant_type: 'client_credentials' }, basicAuth(CLIENT_ID, 'wrong')),
      'invalid_client',
      'invalid client credentials',
    );
    expectOAuthError(
      await token(sf, { grant_type: 'client_credentials', client_id: CLIENT_ID }),
      'invalid_client',
      'invalid client credentials',
    );
  });

  it('rejects an app without a run-as user', async () => {
    sf.registerApp({ clientId: CLIENT_ID, clientSecret: SECRET });
    expectOAuthError(await token(sf, bodyCredentials), 'invalid_grant', 'no client credentials user enabled');
  });

  it('rejects an app whose client credentials flow is disabled (design choice)', async () => {
    sf.registerApp({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      runAsUsername: RUN_AS,
      clientCredentialsEnabled: false,
    });
    expectOAuthError(await token(sf, bodyCredentials), 'invalid_grant', 'no client credentials user enabled');
  });

  it('rejects an inactive run-as user', async () => {
    sf.setUserActive(RUN_AS, false);
    expectOAuthError(await token(sf, bodyCredentials), 'invalid_grant', 'inactive user');
  });

  it('rejects a run-as user not assigned to an admin-approved app', async () => {
    sf.registerApp({
      clientId: CLIENT_ID,
      clientSecret: SECRET,
      runAsUsername: RUN_AS,
      permittedUsers: 'admin-approved-pre-authorized',
    });
    expectOAuthError(
      await token(sf, bodyCredentials),
      'invalid_app_access',
      'user is not admin approved to access this app',
    );
  });
});

describe('token endpoint: request format', () => {
  it('rejects an unknown grant type', async () => {
    expectOAuthError(
      await token(sf, { grant_type: 'password' }),
      'unsupported_grant_type',
      'grant type not supported',
    );
    expectOAuthError(await token(sf, {}), 'unsupported_grant_type', 'grant type not supported');
  });

  it('rejects a JSON body with invalid_request', async () => {
    const response = await fetch(`${sf.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(bodyCredentials),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'request body must be application/x-www-form-urlencoded',
    });
  });

  it('rejects GET with invalid_request', async () => {
    const response = await fetch(`${sf.url}/services/oauth2/token?grant_type=client_credentials`);
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: 'invalid_request',
      error_description: 'must use HTTP POST',
    });
  });

  it('counts every token request, success or failure', async () => {
    await token(sf, bodyCredentials);
    await token(sf, { ...bodyCredentials, client_secret: 'x' });
    await token(sf, { grant_type: 'nope' });
    expect(sf.stats).toEqual({
      tokenRequests: 3,
      logins: 1,
      loginFailures: 2,
      loginsByFlow: { 'jwt-bearer': 0, 'client-credentials': 1 },
      apiCalls: 0,
      restRequests: 0,
      requestsByRoute: {},
    });
  });
});
