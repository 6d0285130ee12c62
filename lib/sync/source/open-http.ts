// An http(s) source: one GET with node:http(s), so that every address connected to is checked
// (the `lookup` hook) and the bytes are counted as sent (no transparent decompression).
// Redirects are followed by hand, only within the origin, a bounded number of times.
import { request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { SOURCE_MAX_REDIRECTS } from '../../constants.js';
import { SourceReadError } from '../../errors.js';
import { isLoopbackHost } from '../../source-location.js';
import { AddressRefusedError, addressProblem, guardedLookup, hostProblem } from './address-guard.js';
import type { ReadClock } from './limits.js';
import type { SourceObject } from './types.js';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const ACCEPT = 'application/x-ndjson, application/jsonl, application/json, text/csv;q=0.9, */*;q=0.1';

/** Opens `url` for reading: its response once the status is 200, after same-origin redirects. */
export async function openHttp(
  url: URL,
  options: { label: string; clock: ReadClock },
): Promise<SourceObject> {
  const { label, clock } = options;
  let current = url;
  for (let redirects = 0; ; redirects += 1) {
    clock.throwIfStopped();
    const response = await clock.wait(get(current, label, clock.signal));
    const status = response.statusCode ?? 0;
    if (REDIRECTS.has(status) && response.headers.location !== undefined) {
      response.resume();
      const next = sameOriginRedirect(url, current, response.headers.location, label);
      if (redirects >= SOURCE_MAX_REDIRECTS) {
        throw new SourceReadError(`Sync source ${label} redirected more than ${SOURCE_MAX_REDIRECTS} times`, {
          limit: 'redirect',
        });
      }
      current = next;
      continue;
    }
    if (status !== 200) {
      response.resume();
      throw new SourceReadError(`Sync source ${label} answered HTTP ${status}`);
    }
    return {
      name: decodeURIComponent(current.pathname),
      label,
      contentType: response.headers['content-type'],
      contentEncoding: response.headers['content-encoding'],
      body: response,
    };
  }
}

/** The redirect's target, which must have the source's own origin; it keeps the source's credentials. */
function sameOriginRedirect(source: URL, current: URL, location: string, label: string): URL {
  let next: URL;
  try {
    next = new URL(location, current);
  } catch {
    throw new SourceReadError(`Sync source ${label} redirected to an invalid URL`, { limit: 'redirect' });
  }
  if (next.origin !== source.origin) {
    // The target is not named: a redirect can carry a token in its query string too.
    throw new SourceReadError(`Sync source ${label} redirected to another origin, which is refused`, {
      limit: 'redirect',
    });
  }
  next.username = source.username;
  next.password = source.password;
  return next;
}

function get(url: URL, label: string, signal: AbortSignal): Promise<IncomingMessage> {
  const loopbackOnly = url.protocol === 'http:';
  const refused = (problem: string) =>
    new SourceReadError(`Sync source ${label}: ${problem}; refused`, { limit: 'address' });
  if (loopbackOnly && !isLoopbackHost(url.hostname)) {
    throw refused('plain http is accepted only for loopback hosts');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const problem = isIP(host) ? addressProblem(host, loopbackOnly) : hostProblem(host);
  if (problem) throw refused(`the host ${problem}`);
  const requestOptions: RequestOptions = {
    method: 'GET',
    protocol: url.protocol,
    hostname: host,
    port: url.port || undefined,
    path: `${url.pathname}${url.search}`,
    headers: { accept: ACCEPT, 'accept-encoding': 'gzip' },
    auth: url.username
      ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
      : undefined,
    lookup: guardedLookup(loopbackOnly),
    signal,
  };
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(requestOptions, resolve);
    request.on('error', (error) => {
      reject(error instanceof AddressRefusedError ? refused(error.message) : error);
    });
    request.end();
  });
}
