// A source URL's credentials and query string never appear in an error, anywhere in its cause
// chain, or in what the (redacting) logger prints about it, however the read fails.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../functions/shared/logger.js';
import { redactText, redactUrl } from '../../../lib/logging/redact.js';
import { captureOutput } from '../../helpers/lambda.js';
import { answer, startRouteServer, type RouteServer } from '../../helpers/route-server.js';
import { numRuns } from '../../fuzz/runs.js';
import { readError } from './collect.js';

const USER = 'sync-reader';
const PASSWORD = 'pa55-w0rd-never-shown';
const TOKEN = 'tok-0123456789-never-shown';
const SECRETS = [USER, PASSWORD, TOKEN, 'token='];

let server: RouteServer;
let closedPort: number;

beforeAll(async () => {
  server = await startRouteServer({
    '/a.ndjson': answer(`{"a":1}\n${'{"b":2}\n'.repeat(100)}`),
    '/a.json': answer('[{"a":1},{"b" 2}]'),
    '/error.ndjson': (_req, res) => {
      res.writeHead(500);
      res.end(`upstream failed for token=${TOKEN}`);
    },
    '/away.ndjson': (_req, res) => {
      res.writeHead(302, { location: `http://${USER}:${PASSWORD}@localhost:1/x?token=${TOKEN}` });
      res.end();
    },
  });
  // A port with nothing listening: connection refused, a foreign (Node) error to wrap.
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPort = (probe.address() as AddressInfo).port;
  await new Promise((resolve) => probe.close(resolve));
});

afterAll(async () => {
  await server.close();
});

/** Everything an error carries: message, stack, own fields, and the same for each cause. */
function everything(error: unknown, depth = 0): string {
  if (depth > 10 || error === undefined || error === null) return '';
  if (typeof error !== 'object') return typeof error === 'string' ? error : '';
  const e = error as Error & { cause?: unknown };
  const fields = JSON.stringify(error, Object.getOwnPropertyNames(error));
  return [e.message, e.stack, fields, everything(e.cause, depth + 1)].join('\n');
}

const withSecrets = (base: string, path: string) =>
  `${base.replace('http://', `http://${USER}:${PASSWORD}@`)}${path}?token=${TOKEN}&x=1#frag`;

describe('a source URL with user:password@ and ?token=', () => {
  const cases: [string, () => string, RegExp][] = [
    [
      'connection refused (a foreign error)',
      () => withSecrets(`http://127.0.0.1:${closedPort}`, '/a.ndjson'),
      /could not be read: ECONNREFUSED$/,
    ],
    ['an HTTP error status', () => withSecrets(server.url, '/error.ndjson'), /answered HTTP 500$/],
    [
      'a redirect to another origin carrying the credentials',
      () => withSecrets(server.url, '/away.ndjson'),
      /redirected to another origin/,
    ],
    ['a byte limit', () => withSecrets(server.url, '/a.ndjson'), /exceeds SYNC_MAX_SOURCE_BYTES/],
    ['broken JSON', () => withSecrets(server.url, '/a.json'), /is not valid JSON/],
    [
      'a URL that cannot be parsed',
      () => `https://${USER}:${PASSWORD}@[bad/a.ndjson?token=${TOKEN}`,
      /^Sync source \(invalid URL\) must be/,
    ],
    [
      'an S3 URL with a query string',
      () => `s3://bucket/a.ndjson?token=${TOKEN}`,
      /must not have a query string/,
    ],
  ];

  it.each(cases)('%s: not in the error, its cause chain, or the log line', async (_name, url, message) => {
    const error = await readError(url(), { maxSourceBytes: 200 });
    expect(error).toMatchObject({ code: 'ERR_SOURCE_READ' });
    expect(error.message).toMatch(message);
    const text = everything(error);
    for (const secret of SECRETS) expect(text).not.toContain(secret);

    const output = captureOutput();
    try {
      createLogger('redaction-test').error('scheduled sync failed', error);
    } finally {
      output.restore();
    }
    const logged = output.text();
    expect(logged).toContain('ERR_SOURCE_READ');
    for (const secret of SECRETS) expect(logged).not.toContain(secret);
  });

  it('the message still names the source: scheme, host, port and path', async () => {
    const error = await readError(withSecrets(server.url, '/error.ndjson'));
    expect(error.message).toBe(`Sync source ${server.url}/error.ndjson answered HTTP 500`);
  });
});

describe('redactUrl', () => {
  it('keeps scheme, host, port and path only', () => {
    expect(redactUrl(`https://${USER}:${PASSWORD}@data.example.com:8443/a/b.ndjson?token=${TOKEN}#f`)).toBe(
      'https://data.example.com:8443/a/b.ndjson',
    );
    expect(redactUrl('s3://bucket/prefix/')).toBe('s3://bucket/prefix/');
    expect(redactUrl(new URL(`http://${USER}@127.0.0.1/x?y=1`))).toBe('http://127.0.0.1/x');
    expect(redactUrl('not a url with password=secret')).toBe('(invalid URL)');
  });

  it('never returns user, password, query or fragment, whatever the URL (property)', () => {
    const part = fc.stringMatching(/^[A-Za-z0-9]{8,20}$/).map((s) => `Secret${s}`);
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true, withFragments: true }),
        part,
        part,
        part,
        (url, user, pass, token) => {
          const parsed = new URL(url);
          parsed.username = user;
          parsed.password = pass;
          parsed.searchParams.set('token', token);
          const shown = redactUrl(parsed.href);
          for (const secret of [user, pass, token]) expect(shown).not.toContain(secret);
          expect(shown).toBe(`${parsed.protocol}//${parsed.host}${parsed.pathname}`);
          expect(shown).not.toMatch(/[?#]/);
        },
      ),
      { numRuns: numRuns(200) },
    );
  });

  it('the logger also cuts user:password@ out of any URL in free text', () => {
    expect(redactText(`GET https://${USER}:${PASSWORD}@host/x failed`)).toBe(
      'GET https://[REDACTED]@host/x failed',
    );
  });
});
