// Where an http(s) source may be read from: plain http only on loopback, never a link-local or
// metadata address (literal, or as DNS answers it: the address checked is the one connected to),
// redirects only within the origin and a bounded number of times. Real servers on 127.0.0.1.
import { get, type IncomingMessage } from 'node:http';
import type { LookupAddress } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../../lib/errors.js';
import {
  AddressRefusedError,
  addressProblem,
  guardedLookup,
  type Resolver,
} from '../../../lib/sync/source/address-guard.js';
import { answer, startRouteServer, type RouteServer } from '../../helpers/route-server.js';
import { collect, readError } from './collect.js';

let server: RouteServer;
let other: RouteServer;
const redirect = (location: () => string, status = 302) =>
  ((_req, res) => {
    res.writeHead(status, { location: location() });
    res.end();
  }) satisfies Parameters<typeof startRouteServer>[0][string];

beforeAll(async () => {
  other = await startRouteServer({ '/a.ndjson': answer('{"from":"elsewhere"}\n') });
  server = await startRouteServer({
    '/a.ndjson': answer('{"Ext_Id__c":"A-1"}\n'),
    '/relative': redirect(() => '/a.ndjson?token=kept', 301),
    '/absolute': redirect(() => `${server.url}/relative`, 307),
    '/to-other-port': redirect(() => `${other.url}/a.ndjson`),
    '/to-localhost': redirect(() => `${server.url.replace('127.0.0.1', 'localhost')}/a.ndjson`),
    '/to-metadata': redirect(() => 'http://169.254.169.254/latest/meta-data/'),
    '/loop': redirect(() => '/loop'),
  });
});

afterAll(async () => {
  await Promise.all([server.close(), other.close()]);
});

describe('addresses', () => {
  it.each([
    [
      'http://data.example.com/a.ndjson',
      /must use https \(plain http is accepted only for loopback hosts\)$/,
    ],
    ['http://10.1.2.3/a.ndjson', /must use https/],
    ['http://2852039166/a.ndjson', /must use https/],
  ])('plain http to a non-loopback host is refused before any request: %s', async (url, message) => {
    const error = await readError(url);
    expect(error).toBeInstanceOf(SourceReadError);
    expect(error.message).toMatch(message);
  });

  it.each([
    'https://169.254.169.254/latest/meta-data/iam.json',
    'https://2852039166/latest.json',
    'https://[fd00:ec2::254]/latest.json',
    'https://[fe80::1]/a.json',
    'https://[::ffff:169.254.169.254]/a.json',
    'https://100.100.100.200/a.json',
    'https://metadata.google.internal/computeMetadata/v1/a.json',
    'https://instance-data./a.json',
  ])('a link-local or metadata address is refused before any connection: %s', async (url) => {
    const error = await readError(url);
    expect(error).toMatchObject({ code: 'ERR_SOURCE_READ', limit: 'address' });
    expect(error.message).toMatch(
      /: the host is (a link-local or metadata address|a cloud metadata host); refused$/,
    );
  });

  it('http to localhost is read (its DNS answers are loopback addresses)', async () => {
    expect(await collect(`${server.url.replace('127.0.0.1', 'localhost')}/a.ndjson`)).toEqual([
      { ref: 'line 1', value: { Ext_Id__c: 'A-1' } },
    ]);
  });

  it('addressProblem: metadata and link-local always, non-loopback for plain http', () => {
    expect(addressProblem('169.254.170.2', false)).toBe('is a link-local or metadata address');
    expect(addressProblem('::ffff:a9fe:a9fe', false)).toBe('is a link-local or metadata address');
    expect(addressProblem('203.0.113.7', false)).toBeUndefined();
    expect(addressProblem('203.0.113.7', true)).toBe('is not a loopback address (plain http)');
    expect(addressProblem('127.8.9.10', true)).toBeUndefined();
    expect(addressProblem('::1', true)).toBeUndefined();
  });
});

describe('the lookup guard checks the address a request connects to', () => {
  /** A resolver whose answer the test decides: DNS that a real name server could give. */
  const resolvingTo =
    (addresses: LookupAddress[]): Resolver =>
    (_hostname, _options, callback) => {
      callback(null, addresses);
    };
  const port = () => new URL(server.url).port;
  const request = (resolve: Resolver, loopbackOnly: boolean) =>
    new Promise<IncomingMessage>((resolveResponse, reject) => {
      get(
        {
          hostname: 'source.example.test',
          port: port(),
          path: '/a.ndjson',
          lookup: guardedLookup(loopbackOnly, resolve),
        },
        resolveResponse,
      ).on('error', reject);
    });

  it('a name answered with a metadata address (DNS rebinding) fails the connection', async () => {
    const before = server.requested.length;
    await expect(
      request(resolvingTo([{ address: '169.254.169.254', family: 4 }]), false),
    ).rejects.toBeInstanceOf(AddressRefusedError);
    await expect(
      request(
        resolvingTo([
          { address: '127.0.0.1', family: 4 },
          { address: 'fd00:ec2::254', family: 6 },
        ]),
        false,
      ),
    ).rejects.toThrow('the source host is a link-local or metadata address');
    expect(server.requested.length).toBe(before);
  });

  it('for plain http, a name answered with a non-loopback address fails; a loopback answer connects', async () => {
    await expect(request(resolvingTo([{ address: '192.0.2.1', family: 4 }]), true)).rejects.toThrow(
      'is not a loopback address',
    );
    const response = await request(resolvingTo([{ address: '127.0.0.1', family: 4 }]), true);
    response.resume();
    expect(response.statusCode).toBe(200);
  });
});

describe('redirects', () => {
  it('same-origin redirects are followed (relative, absolute, 301 and 307), with the credentials', async () => {
    const url = server.url.replace('http://', 'http://reader:s3cret@');
    const before = server.headers.length;
    expect(await collect(`${url}/absolute?token=abc`)).toEqual([
      { ref: 'line 1', value: { Ext_Id__c: 'A-1' } },
    ]);
    const sent = server.headers.slice(before);
    expect(server.requested.slice(-3)).toEqual(['/absolute', '/relative', '/a.ndjson']);
    const basic = `Basic ${Buffer.from('reader:s3cret').toString('base64')}`;
    expect(sent.map((h) => h.authorization)).toEqual([basic, basic, basic]);
  });

  it.each(['/to-other-port', '/to-localhost', '/to-metadata'])(
    'a redirect to another origin is refused, and not followed: %s',
    async (path) => {
      const otherRequests = other.requested.length;
      const error = await readError(`${server.url}${path}`);
      expect(error).toMatchObject({ code: 'ERR_SOURCE_READ', limit: 'redirect' });
      expect(error.message).toBe(
        `Sync source ${server.url}${path} redirected to another origin, which is refused`,
      );
      expect(other.requested.length).toBe(otherRequests);
    },
  );

  it('a redirect loop stops after 5 redirects', async () => {
    const before = server.requested.length;
    const error = await readError(`${server.url}/loop`);
    expect(error).toMatchObject({ limit: 'redirect' });
    expect(error.message).toMatch(/redirected more than 5 times$/);
    expect(server.requested.length - before).toBe(6);
  });
});
