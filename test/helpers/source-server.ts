import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP server on 127.0.0.1 serving whatever body the test sets, as a sync source, with the
 * Content-Type that names its format (default `application/json`, a JSON array).
 */
export async function startSourceServer(): Promise<{
  url: string;
  serve: (body: string, status?: number, contentType?: string) => void;
  requests: () => number;
  close: () => Promise<void>;
}> {
  let body = '[]';
  let status = 200;
  let type = 'application/json';
  let requests = 0;
  const server: Server = createServer((_req, res) => {
    requests += 1;
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/records`,
    serve: (next, nextStatus = 200, contentType = 'application/json') => {
      body = next;
      status = nextStatus;
      type = contentType;
    },
    requests: () => requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
