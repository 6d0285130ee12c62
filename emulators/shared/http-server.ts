// Small node:http plumbing shared by the local emulators: listen on loopback only, read bodies
// with a size cap, and close without waiting for clients' keep-alive sockets to time out.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface LocalHttpServer {
  server: Server;
  /** `http://127.0.0.1:PORT`, without a trailing slash. */
  url: string;
}

/**
 * Starts a server on 127.0.0.1 (never 0.0.0.0: emulators accept any dummy credential, so they must
 * not be reachable from the network). Port 0 picks a free port.
 */
export async function startLocalHttpServer(handler: RequestHandler, port = 0): Promise<LocalHttpServer> {
  const server = createServer((req, res) => {
    handler(req, res).catch((error: unknown) => {
      // A bug in an emulator must show up as a loud 500, not as a hung request.
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain' });
      }
      res.end(`emulator error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${address.port}` };
}

/** Closes the server and every open socket, including idle keep-alive ones held by fetch or the AWS SDK. */
export async function closeLocalHttpServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error && (error as NodeJS.ErrnoException).code !== 'ERR_SERVER_NOT_RUNNING') reject(error);
      else resolve();
    });
  });
  server.closeAllConnections();
  await closed;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`request body exceeds ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

export async function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** The media type of a Content-Type header, lower-cased and without parameters such as charset. */
export function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/**
 * Injected delays. A delayed request is still handled when the client has given up meanwhile, as
 * a real server that does not notice a client timeout would: a retrying client must cope with its
 * first attempt having succeeded (a token minted and abandoned, a jti already used). `flush` ends
 * every pending delay at once, so closing an emulator never waits for them.
 */
export class Delays {
  readonly #pending = new Set<() => void>();

  async wait(ms: number): Promise<void> {
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#pending.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#pending.add(done);
    });
  }

  flush(): void {
    for (const done of [...this.#pending]) done();
  }
}
