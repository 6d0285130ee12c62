// Shared helpers for the Salesforce emulator tests: sign assertions with jose and talk to the
// emulator over real HTTP with global fetch.
import { createPrivateKey } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';

export const JWT_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface AssertionClaims {
  iss?: string | undefined;
  sub?: string | undefined;
  prn?: string | undefined;
  aud?: string | string[] | undefined;
  /** Seconds; a numeric string is allowed on purpose (Salesforce's own doc example sends one). */
  exp?: number | string | undefined;
  jti?: string | undefined;
  [claim: string]: unknown;
}

/** An RS256 compact JWS over exactly the given claims (nothing is added). */
export async function signAssertion(
  privateKeyPem: string,
  claims: AssertionClaims,
  alg = 'RS256',
): Promise<string> {
  // The cast lets tests send what real clients send, e.g. exp as a string; jose does not check it.
  return new SignJWT(claims as JWTPayload).setProtectedHeader({ alg }).sign(createPrivateKey(privateKeyPem));
}

export interface HttpResult {
  status: number;
  headers: Headers;
  body: unknown;
  text: string;
}

async function toResult(response: Response): Promise<HttpResult> {
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: parseJson(text), text };
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function postForm(
  url: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return toResult(response);
}

export async function get(url: string, accessToken?: string): Promise<HttpResult> {
  const response = await fetch(url, {
    headers: accessToken === undefined ? {} : { Authorization: `Bearer ${accessToken}` },
  });
  return toResult(response);
}

export function basicAuth(clientId: string, clientSecret: string): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` };
}

export interface TokenBody {
  access_token: string;
  instance_url: string;
  id: string;
  token_type: string;
  issued_at: string;
  signature: string;
  scope: string;
}

export function tokenBody(result: HttpResult): TokenBody {
  if (result.status !== 200)
    throw new Error(`expected 200 from the token endpoint, got ${result.status}: ${result.text}`);
  return result.body as TokenBody;
}
