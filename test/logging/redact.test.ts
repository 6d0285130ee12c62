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

/** A megabyte of text made to make a backtracking pattern rescan it from every position. */
const MB = 1 << 20;
const adversarial: Record<string, string> = {
  'repeated eyJ': 'eyJ'.repeat(MB / 3),
  'a base64 run': 'QUJD'.repeat(MB / 4),
  'repeated Bearer': 'Bearer '.repeat(MB / 7),
  'repeated 00D…! session-id heads': `00D${'a'.repeat(12)}!`.repeat(MB / 16),
  'repeated eyJ…. JWS heads': 'eyJabcde.'.repeat(MB / 9),
};

describe('redaction time on hostile input', () => {
  // The one wall-clock bound, generous: it guards only against the catastrophic (quadratic) case.
  // The 131 KB external ID took 12 s to log before, a megabyte far longer; a linear pass
  // over all of these takes milliseconds (npm run bench: "log a 1 MB adversarial value").
  const GENEROUS_MS = 5_000;

  it("logs the issue's 131 KB external ID, then 1 MB hostile values and keys, and redacts them unbounded, all in well under seconds", () => {
    const started = performance.now();
    const cases: [string, () => string][] = [
      [
        '"eyJ" × 43,690 logged',
        () => JSON.stringify({ externalId: 'eyJ'.repeat(43_690) }, redactingReplacer),
      ],
      ...Object.entries(adversarial).flatMap(([name, value]): [string, () => string][] => [
        [
          `${name} logged as value and key`,
          () => JSON.stringify({ externalId: value, [value]: 1 }, redactingReplacer),
        ],
        // No cut at all: the patterns themselves must be linear, not only the input short.
        [`${name} redacted unbounded`, () => redactText(value, Number.POSITIVE_INFINITY)],
      ]),
    ];
    for (const [name, run] of cases) {
      const out = run();
      if (name.includes('logged')) expect(out.length, name).toBeLessThan(5_000);
      // Checked after each case, so a quadratic redactor fails at the first, not after hours.
      expect(performance.now() - started, name).toBeLessThan(GENEROUS_MS);
    }
  });
});

describe('bounded log fields', () => {
  it('cuts a long string to 4 KB, marked with the number of characters cut', () => {
    const long = 'word '.repeat(2_000);
    const out = redactText(long);
    expect(out.length).toBeLessThan(4_200);
    expect(out).toMatch(/word …\[truncated: \d+ chars\]$/);
    expect(long.startsWith(out.slice(0, out.indexOf('…')))).toBe(true);
  });

  it('never keeps the head of a token the cut falls in', () => {
    for (const secret of [
      sessionId,
      jwt,
      'Bearer abcdefghijklmnopqrstuvwxyz',
      'client_secret=s3cr3t-value',
    ]) {
      for (let shift = 1; shift < secret.length; shift++) {
        const text = `${'a '.repeat(2_048 - Math.ceil(shift / 2))}${'b'.repeat(shift % 2)} ${secret} tail`;
        const out = redactText(text);
        const tail = secret.slice(-6);
        expect(out).not.toContain(tail);
        expect(out).not.toContain('AQ8AQJ3r7XyZ');
        expect(out).not.toContain('c2lnbmF0');
        expect(out).not.toContain('abcdefghij');
        expect(out).not.toContain('s3cr3t');
      }
    }
  });

  it('cuts and redacts object keys: a 1 MB key or a Bearer session id as a key is never printed', () => {
    const longKey = 'k'.repeat(MB);
    const bearerKey = `Bearer ${sessionId}`;
    const line = JSON.stringify(
      { record: { [longKey]: 1, [bearerKey]: 2, Name: 'Acme' } },
      redactingReplacer,
    );
    expect(line.length).toBeLessThan(1_000);
    expect(line).not.toContain('AQ8AQJ3r7XyZ');
    expect(line).not.toContain('k'.repeat(200));
    expect(JSON.parse(line)).toMatchObject({ record: { Name: 'Acme' } });
  });
});
