import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { REDACTED, redactingReplacer, redactText } from '../../lib/logging/redact.js';

const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString();
const sessionId = '00D000000000001!AQ8AQJ3r7XyZ.abc_def-ghi';
const jwt = 'eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJrZXkifQ.c2lnbmF0dXJlLXBhcnQ';

describe('redaction', () => {
  it('cuts tokens, PEMs, assertions and form secrets out of free text', () => {
    const text = `failed with ${sessionId} and key ${pem} and ${jwt}; body grant_type=x&client_secret=s3cr3t&assertion=${jwt}; Authorization: Bearer abcdefghijklmnopqrstuvwxyz`;
    const out = redactText(text);
    expect(out).not.toContain('AQ8AQJ3r7XyZ');
    expect(out).not.toContain('MII');
    expect(out).not.toContain('eyJ');
    expect(out).not.toContain('s3cr3t');
    expect(out).not.toContain('abcdefghijklmnop');
    expect(out).toContain('client_secret=[REDACTED]');
    expect(out).toContain('grant_type=x');
  });

  it('catches a PEM whose newlines are stored as literal \\n', () => {
    const escaped = pem.trim().replace(/\n/g, '\\n');
    expect(redactText(`key: ${escaped}`)).toBe(`key: ${REDACTED}`);
  });

  it('replaces values under sensitive keys at any depth, whatever they hold', () => {
    const line = JSON.stringify(
      {
        message: 'token vended',
        accessToken: 'plain-looking',
        nested: {
          client_secret: 'x',
          privateKey: { kty: 'RSA' },
          list: [{ assertion: 'a' }],
          staleToken: 't',
          sessionId: 's',
        },
        instanceUrl: 'https://acme.my.salesforce.com',
        expiresAt: 123,
      },
      redactingReplacer,
    );
    expect(JSON.parse(line)).toEqual({
      message: 'token vended',
      accessToken: REDACTED,
      nested: {
        client_secret: REDACTED,
        privateKey: REDACTED,
        list: [{ assertion: REDACTED }],
        staleToken: REDACTED,
        sessionId: REDACTED,
      },
      instanceUrl: 'https://acme.my.salesforce.com',
      expiresAt: 123,
    });
  });
});
