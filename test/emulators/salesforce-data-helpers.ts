// Helpers for the Salesforce data API tests: an emulator with a client-credentials app, a login,
// and plain fetch calls against /services/data/v62.0.
import { afterAll, beforeAll, beforeEach } from 'vitest';
import {
  SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from '../../emulators/salesforce/salesforce-emulator.js';
import { postForm, tokenBody, type HttpResult } from './salesforce-helpers.js';

const CLIENT_ID = '3MVG9_data_key';
const SECRET = 'data-secret';
const RUN_AS = 'data.integration@example.com';
export const V = '/services/data/v62.0';

export async function startDataEmulator(
  options: SalesforceEmulatorOptions = {},
): Promise<SalesforceEmulator> {
  const sf = await SalesforceEmulator.start(options);
  sf.registerApp({ clientId: CLIENT_ID, clientSecret: SECRET, runAsUsername: RUN_AS });
  sf.registerUser({ username: RUN_AS });
  return sf;
}

export async function login(sf: SalesforceEmulator): Promise<string> {
  const result = await postForm(`${sf.url}/services/oauth2/token`, {
    grant_type: 'client_credentials',
    client_id: CLIENT_ID,
    client_secret: SECRET,
  });
  return tokenBody(result).access_token;
}

/**
 * One emulator for the test file, logged in once; every test starts with no records, no faults
 * and fresh stats. `ready` receives the emulator and the access token.
 */
export function useDataEmulator(
  ready: (sf: SalesforceEmulator, token: string) => void,
  options: SalesforceEmulatorOptions = {},
): void {
  let sf: SalesforceEmulator | undefined;
  beforeAll(async () => {
    sf = await startDataEmulator(options);
    ready(sf, await login(sf));
  });
  afterAll(async () => {
    await sf?.close();
  });
  beforeEach(() => {
    sf?.clearRecords();
    sf?.clearFaults();
    sf?.releaseBulkJobs();
    sf?.resetStats();
  });
}

export interface CallOptions {
  token: string;
  body?: unknown;
  /** Sent as-is (no JSON encoding), e.g. CSV or malformed JSON. */
  raw?: string | Buffer;
  contentType?: string;
  headers?: Record<string, string>;
}

/** A call to the emulator; `path` is absolute (`/services/…`). */
export async function call(
  sf: SalesforceEmulator,
  method: string,
  path: string,
  options: CallOptions,
): Promise<HttpResult> {
  const headers: Record<string, string> = { Authorization: `Bearer ${options.token}`, ...options.headers };
  let body: string | Buffer | undefined;
  if (options.raw !== undefined) {
    body = options.raw;
    headers['Content-Type'] = options.contentType ?? 'application/json';
  } else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] = options.contentType ?? 'application/json';
  }
  const response = await fetch(`${sf.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

/** `{attributes: {type}, …fields}` */
export function rec(type: string, fields: Record<string, unknown>): Record<string, unknown> {
  return { attributes: { type }, ...fields };
}

export function accounts(count: number, prefix = 'ext'): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) =>
    rec('Account', { Ext_Id__c: `${prefix}-${i}`, Name: `Account ${i}` }),
  );
}

export async function sleep(ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms));
}
