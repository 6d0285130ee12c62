import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importRsaPrivateKey, normalisePem } from '../../lib/auth/private-key.js';
import { PrivateKeyError } from '../../lib/errors.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const pkcs1 = rsa.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const spki = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();

function expectKeyError(raw: string, message: RegExp): void {
  let caught: unknown;
  try {
    importRsaPrivateKey(raw);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PrivateKeyError);
  const error = caught as PrivateKeyError;
  expect(error.code).toBe('ERR_PRIVATE_KEY');
  expect(error.message).toMatch(message);
  expect(error.cause).toBeUndefined();
  // No line of base64 key material in the message.
  expect(error.message).not.toMatch(/[A-Za-z0-9+/]{40,}/);
}

describe('importRsaPrivateKey', () => {
  it('imports PKCS#8 and PKCS#1 to the same RSA key', () => {
    const a = importRsaPrivateKey(pkcs8);
    const b = importRsaPrivateKey(pkcs1);
    expect(a.asymmetricKeyType).toBe('rsa');
    expect(a.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(a.equals(b)).toBe(true);
  });

  it('accepts newlines stored as literal \\n, CRLF, and surrounding quotes', () => {
    const escaped = pkcs8.trim().replace(/\n/g, '\\n');
    expect(escaped).not.toContain('\n');
    expect(importRsaPrivateKey(escaped).equals(rsa.privateKey)).toBe(true);
    expect(importRsaPrivateKey(`"${pkcs1.replace(/\n/g, '\r\n')}"`).equals(rsa.privateKey)).toBe(true);
    expect(normalisePem('  a\\r\\nb\\nc  ')).toBe('a\nb\nc');
  });

  it('names the problem without echoing key material', () => {
    expectKeyError('not a key at all', /not a PEM block/);
    expectKeyError(spki, /holds a public key, not a private key/);
    expectKeyError('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----', /holds a certificate/);
    expectKeyError(
      '-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----',
      /encrypted/,
    );
    expectKeyError(
      '-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----',
      /"EC PRIVATE KEY" PEM/,
    );
    // A truncated key: header intact, body cut in half.
    const lines = pkcs8.trim().split('\n');
    const truncated = [...lines.slice(0, lines.length / 2), lines.at(-1)].join('\n');
    expectKeyError(truncated, /does not parse/);
  });

  it('refuses non-RSA and short RSA keys, which RS256 cannot use', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expectKeyError(ec, /is a ec key; .* needs RSA/);
    const short = generateKeyPairSync('rsa', { modulusLength: 1024 })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    expectKeyError(short, /RSA 1024-bit; RS256 needs at least 2048 bits/);
  });
});
