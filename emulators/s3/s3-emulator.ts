// A real S3-protocol server for the local stack and the tests: s3rver (Koa, objects kept in a
// temporary directory) on 127.0.0.1, so the real `@aws-sdk/client-s3` talks to it unchanged once
// AWS_ENDPOINT_URL_S3 points here, with path-style addressing.
import { mkdtemp, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigurationError } from '../../lib/errors.js';
import { closeLocalHttpServer } from '../shared/http-server.js';
import { listObjectsV2, type KoaContext, type S3rverStore } from './list-objects-v2.js';

/** Options of {@link S3Emulator.start}. */
export interface S3EmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Where objects are kept. Default: a new temporary directory, removed by `close()`. */
  directory?: string;
}

/** Metadata of an object put with {@link S3Emulator.putObject}. */
export interface PutObjectOptions {
  /** Default `binary/octet-stream`, as S3's own. */
  contentType?: string;
  /** e.g. `gzip`. Default: none. */
  contentEncoding?: string;
}

interface S3rver {
  middleware: ((ctx: KoaContext, next: () => Promise<void>) => Promise<void>)[];
  store: S3rverStore & {
    putBucket(bucket: string): Promise<unknown>;
    putObject(object: {
      bucket: string;
      key: string;
      content: Readable;
      metadata: Record<string, string>;
    }): Promise<unknown>;
  };
  run(): Promise<AddressInfo>;
  httpServer: Server;
}
type S3rverConstructor = new (options: Record<string, unknown>) => S3rver;

/** s3rver's package, an optional peer dependency of `/testing`: loaded on first use. */
const S3RVER_PACKAGE = '@20minutes/s3rver';

/** Operation names by request shape, for {@link S3Emulator.calls}. */
function operationOf(method: string, path: string, query: Record<string, unknown>): string {
  const isBucket = /^\/[^/]+\/?$/.test(path);
  if (method === 'GET' && isBucket) return query['list-type'] === '2' ? 'ListObjectsV2' : 'ListObjects';
  if (method === 'PUT' && isBucket) return 'CreateBucket';
  if (method === 'GET') return 'GetObject';
  if (method === 'HEAD') return 'HeadObject';
  if (method === 'PUT') return 'PutObject';
  return method;
}

/**
 * Amazon S3 on 127.0.0.1: s3rver, a real S3-protocol server, with objects in a temporary
 * directory. Point the AWS SDK at `url` (`AWS_ENDPOINT_URL_S3`, in {@link env}) with path-style
 * addressing (`forcePathStyle: true`, which this package's S3 reads set when
 * `AWS_ENDPOINT_URL_S3` is set). Any credentials are accepted. Needs `@20minutes/s3rver` (an
 * optional peer dependency). Defaults: a free port, a new temporary directory.
 *
 * @example
 * ```ts
 * import { S3Emulator } from 'sf-lambda-bridge/testing';
 *
 * const s3 = await S3Emulator.start();
 * await s3.createBucket('exports');
 * await s3.putObject('exports', 'accounts.ndjson.gz', gzipSync(lines), { contentEncoding: 'gzip' });
 * Object.assign(process.env, s3.env); // AWS_ENDPOINT_URL_S3
 * // ... SYNC_SOURCE_URL=s3://exports/accounts.ndjson.gz; then s3.calls.GetObject counts the reads
 * await s3.close();
 * ```
 */
export class S3Emulator {
  readonly url: string;
  /** Requests received per operation (`GetObject`, `ListObjectsV2`, `PutObject`, ...). */
  readonly calls: Record<string, number>;
  readonly #server: S3rver;
  readonly #directory: string;
  readonly #ownsDirectory: boolean;

  private constructor(
    server: S3rver,
    url: string,
    calls: Record<string, number>,
    directory: { path: string; owned: boolean },
  ) {
    this.#server = server;
    this.calls = calls;
    this.url = url;
    this.#directory = directory.path;
    this.#ownsDirectory = directory.owned;
  }

  static async start(options: S3EmulatorOptions = {}): Promise<S3Emulator> {
    const S3rver = await loadS3rver();
    const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'sf-lambda-bridge-s3-')));
    const server = new S3rver({
      address: '127.0.0.1',
      port: options.port ?? 0,
      directory,
      silent: true,
      // The SDK signs each request; s3rver checks the signature but the emulator, like the other
      // emulators here, accepts any credentials: it is reachable from this machine only.
      allowMismatchedSignatures: true,
    });
    const calls: Record<string, number> = {};
    // Before s3rver's router (its last middleware), after its XML body encoder.
    server.middleware.splice(server.middleware.length - 1, 0, async (ctx, next) => {
      const operation = operationOf(ctx.method, ctx.path, ctx.query);
      calls[operation] = (calls[operation] ?? 0) + 1;
      acceptAnyAccessKey(ctx);
      await listObjectsV2(ctx, next);
    });
    const address = await server.run();
    return new S3Emulator(server, `http://127.0.0.1:${address.port}`, calls, {
      path: directory,
      owned: !options.directory,
    });
  }

  /** Env vars that point the AWS SDK's S3 client here. */
  get env(): Record<string, string> {
    return { AWS_ENDPOINT_URL_S3: this.url };
  }

  async createBucket(bucket: string): Promise<void> {
    await this.#server.store.putBucket(bucket);
  }

  /**
   * Stores an object directly (no HTTP request, not counted in `calls`); a stream body is
   * written as it is read, so a large generated source never sits in memory.
   */
  async putObject(
    bucket: string,
    key: string,
    body: string | Uint8Array | AsyncIterable<Uint8Array>,
    options: PutObjectOptions = {},
  ): Promise<void> {
    const content =
      typeof body === 'string' || body instanceof Uint8Array
        ? Readable.from([Buffer.from(body)])
        : Readable.from(body);
    const metadata: Record<string, string> = { 'content-type': options.contentType ?? 'binary/octet-stream' };
    if (options.contentEncoding) metadata['content-encoding'] = options.contentEncoding;
    await this.#server.store.putObject({ bucket, key, content, metadata });
  }

  /** Stops the server and, unless `directory` was given, removes the objects. */
  async close(): Promise<void> {
    await closeLocalHttpServer(this.#server.httpServer);
    if (this.#ownsDirectory) await rm(this.#directory, { recursive: true, force: true });
  }
}

/**
 * s3rver knows one access key, `S3RVER`; the emulator takes any (the local stack's, a test's,
 * the SDK's default chain), so the key id the request was signed with is read as that one.
 */
function acceptAnyAccessKey(ctx: KoaContext): void {
  const authorization = ctx.headers.authorization;
  if (typeof authorization === 'string') {
    ctx.headers.authorization = authorization.replace(
      /Credential=[^/,\s]+\//,
      `Credential=${S3RVER_ACCESS_KEY}/`,
    );
  }
}

const S3RVER_ACCESS_KEY = 'S3RVER';

async function loadS3rver(): Promise<S3rverConstructor> {
  try {
    const loaded = (await import(S3RVER_PACKAGE)) as { default: S3rverConstructor };
    return loaded.default;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ConfigurationError(
      'S3Emulator needs @20minutes/s3rver: npm install --save-dev @20minutes/s3rver',
      undefined,
      { cause: error },
    );
  }
}
