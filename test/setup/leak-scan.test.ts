import { describe, expect, it } from 'vitest';
import { CANARY_EXPECTED, CONSOLE_CANARY, STDOUT_CANARY, findSecrets } from './leak-scan.js';
import { recordOutput } from './output-sink.js';

describe('leak scan', () => {
  it.each([
    ['private key', 'x -----BEGIN PRIVATE KEY-----\nMIIE'],
    ['private key', '"-----BEGIN RSA PRIVATE KEY-----\\nMIIE'],
    ['Salesforce access token', 'token 00D000000000001!AQ8AQJ3r7XyZabcdefghijklmnop'],
    [
      'JWT assertion',
      'assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiIzTVZHOSJ9.c2lnbmF0dXJlLXBhcnQtbG9uZy1lbm91Z2g',
    ],
    ['local client secret', '{"clientSecret":"local-0f8fad5b-d9cb-469f-a165-70867728950e"}'],
  ])('finds a %s, and does not repeat it', (name, text) => {
    const hits = findSecrets(text);
    expect(hits.map((h) => h.name)).toEqual([name]);
    expect(hits[0]?.context).not.toContain(text.slice(-10));
  });

  it('passes ordinary log lines', () => {
    expect(
      findSecrets(
        '{"level":"INFO","message":"token vended","instanceUrl":"http://127.0.0.1:1","expiresAt":1}',
      ),
    ).toEqual([]);
    expect(findSecrets('00D000000000001!…[64 chars redacted]')).toEqual([]);
  });

  it('sees what a passing test prints, though the run does not show it', () => {
    // Checked once the run is over (leak-scan.ts teardown): both lines must have reached the scan.
    recordOutput(`${CANARY_EXPECTED}\n`);
    console.log(CONSOLE_CANARY);
    process.stdout.write(`${STDOUT_CANARY}\n`);
  });
});
