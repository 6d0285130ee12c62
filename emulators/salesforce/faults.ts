// Injected failures for client resilience tests: slow answers, dropped connections, 5xx pages and
// arbitrary OAuth errors, applied before the emulator's normal handling.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson, type Delays } from '../shared/http-server.js';
import { NO_STORE_HEADERS } from './oauth-errors.js';
import type { SalesforceFault } from './options.js';

export type FaultTarget = 'token' | 'rest' | 'other';

export function faultMatches(fault: SalesforceFault, target: FaultTarget, pathname: string): boolean {
  const endpoint = fault.endpoint ?? 'any';
  if (endpoint !== 'any' && endpoint !== target) return false;
  const { path } = fault;
  if (path === undefined) return true;
  if (typeof path === 'string') return pathname.includes(path);
  path.lastIndex = 0;
  return path.test(pathname);
}

/**
 * Plays the fault. Returns true when it answered (or dropped) the request, false when it only
 * delayed it and normal handling should go on.
 */
export async function playFault(
  fault: SalesforceFault,
  req: IncomingMessage,
  res: ServerResponse,
  delays: Delays,
): Promise<boolean> {
  // A client that gave up during the delay does not stop the request: see Delays.
  await delays.wait(fault.delayMs ?? 0);
  if (fault.reset) {
    // resetAndDestroy sends a TCP RST where it can, which is what a crashed load balancer looks like.
    if (!req.socket.destroyed) req.socket.resetAndDestroy();
    return true;
  }
  const headers = fault.headers ?? {};
  if (fault.oauthError) {
    sendJson(res, fault.status ?? 400, fault.oauthError, { ...NO_STORE_HEADERS, ...headers });
    return true;
  }
  if (fault.body !== undefined) {
    sendJson(res, fault.status ?? 500, fault.body, headers);
    return true;
  }
  if (fault.rawBody !== undefined) {
    const contentType = fault.contentType ?? 'text/html';
    res.writeHead(fault.status ?? 500, { 'Content-Type': contentType, ...headers });
    res.end(fault.rawBody);
    return true;
  }
  if (fault.status !== undefined) {
    res.writeHead(fault.status, { 'Content-Length': 0, ...headers });
    res.end();
    return true;
  }
  return false;
}
