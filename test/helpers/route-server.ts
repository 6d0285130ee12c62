import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RouteServer {
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  url: string;
  /** Paths requested so far (without query strings), in order. */
  requested: string[];
  /** Headers of the requests so far, in order. */
  headers: IncomingMessage['headers'][];
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 whose answers the test writes: one handler per path. */
export async function startRouteServer(
  routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void>,
): Promise<RouteServer> {
  const requested: string[] = [];
  const headers: IncomingMessage['headers'][] = [];
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    requested.push(path);
    headers.push(req.headers);
    const route = routes[path];
    if (route) route(req, res);
    else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requested,
    headers,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** A route answering 200 with `body` and these headers. */
export const answer =
  (body: string | Uint8Array, headers: Record<string, string> = {}) =>
  (_req: IncomingMessage, res: ServerResponse): void => {
    res.writeHead(200, headers);
    res.end(body);
  };
