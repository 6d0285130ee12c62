// A strict local AWS Secrets Manager that speaks the real AWS JSON 1.1 wire protocol, so the real
// `@aws-sdk/client-secrets-manager` talks to it unchanged once AWS_ENDPOINT_URL_SECRETS_MANAGER
// points here (DESIGN.md: "AWS endpoints come from the SDK's own configuration").
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { FaultQueue } from '../shared/fault-queue.js';
import {
  closeLocalHttpServer,
  Delays,
  mediaType,
  readBody,
  startLocalHttpServer,
} from '../shared/http-server.js';
import { OPERATIONS } from './operations.js';
import { AwsServiceError, SecretStore } from './secret-store.js';

const TARGET_PREFIX = 'secretsmanager.';
const JSON_11 = 'application/x-amz-json-1.1';
/** The account ID LocalStack and moto use too: obviously not a real account. */
const ACCOUNT_ID = '000000000000';
const MAX_BODY_BYTES = 1024 * 1024;

export interface SecretsManagerEmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Region in ARNs. Default AWS_REGION, else us-east-1. */
  region?: string;
}

export interface SecretsManagerFault {
  /** Operation name such as `GetSecretValue`; default: any operation. */
  operation?: string;
  /**
   * The error's `__type`, e.g. `ThrottlingException`, `AccessDeniedException`, `InternalServiceError`;
   * `delay` only delays (by `delayMs`) and then answers normally.
   */
  type: string;
  /** Default 500 for `InternalServiceError`, else 400 (AWS JSON protocols send client errors as 400). */
  status?: number;
  message?: string;
  /** How many matching requests it hits. Default 1. */
  times?: number;
  delayMs?: number;
}

/**
 * AWS Secrets Manager on 127.0.0.1, speaking its JSON 1.1 wire protocol, so the real
 * `@aws-sdk/client-secrets-manager` (and Powertools Parameters) work against it unchanged:
 * point them at `url` with `AWS_ENDPOINT_URL_SECRETS_MANAGER` or the client's `endpoint`.
 * Defaults: a free port, region `AWS_REGION` else us-east-1.
 *
 * @example
 * ```ts
 * import { SecretsManagerEmulator } from 'sf-lambda-bridge/testing';
 *
 * const secretsManager = await SecretsManagerEmulator.start();
 * secretsManager.putSecret('sf/creds', JSON.stringify({ loginUrl, clientId, clientSecret }));
 * process.env.AWS_ENDPOINT_URL_SECRETS_MANAGER = secretsManager.url;
 * // ... then secretsManager.calls.GetSecretValue counts the reads
 * await secretsManager.close();
 * ```
 */
export class SecretsManagerEmulator {
  readonly url: string;
  /** Requests received per operation name (e.g. `calls.GetSecretValue`), faulted ones included. */
  readonly calls: Record<string, number> = {};
  readonly #server: Server;
  readonly #store: SecretStore;
  readonly #faults = new FaultQueue<SecretsManagerFault>();
  readonly #delays = new Delays();

  private constructor(server: Server, url: string, region: string) {
    this.#server = server;
    this.url = url;
    this.#store = new SecretStore(region, ACCOUNT_ID);
  }

  static async start(opts: SecretsManagerEmulatorOptions = {}): Promise<SecretsManagerEmulator> {
    const region = opts.region ?? process.env.AWS_REGION ?? 'us-east-1';
    // The handler needs the emulator, which needs the server's url: resolve the cycle with a box.
    const box: { emulator?: SecretsManagerEmulator } = {};
    const { server, url } = await startLocalHttpServer(async (req, res) => {
      if (!box.emulator) throw new Error('emulator not ready');
      await box.emulator.#handle(req, res);
    }, opts.port);
    box.emulator = new SecretsManagerEmulator(server, url, region);
    return box.emulator;
  }

  /** Creates the secret, or adds a new AWSCURRENT version to it (what a rotation does). */
  putSecret(name: string, secretString: string): void {
    if (this.#store.has(name)) this.#store.putValue(this.#store.find(name), { secretString });
    else this.#store.create(name, { secretString });
  }

  /** Removes the secret at once (as ForceDeleteWithoutRecovery would). */
  deleteSecret(name: string): void {
    this.#store.delete(name);
  }

  /** The secret's full ARN, which SecretId accepts as well as the name. */
  arnOf(name: string): string {
    return this.#store.find(name).arn;
  }

  injectFault(fault: SecretsManagerFault): void {
    this.#faults.add(fault, fault.times ?? 1);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  resetCalls(): void {
    for (const key of Object.keys(this.calls)) this.calls[key] = 0;
  }

  async close(): Promise<void> {
    this.#faults.clear();
    this.#delays.flush();
    await closeLocalHttpServer(this.#server);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      const body = await readBody(req, MAX_BODY_BYTES);
      const operationName = this.#operationName(req);
      this.calls[operationName] = (this.calls[operationName] ?? 0) + 1;

      const fault = this.#faults.take((f) => f.operation === undefined || f.operation === operationName);
      if (fault) {
        await this.#delays.wait(fault.delayMs ?? 0);
        if (fault.type !== 'delay') {
          const status = fault.status ?? (fault.type === 'InternalServiceError' ? 500 : 400);
          throw new AwsServiceError(fault.type, fault.message ?? `Injected ${fault.type}`, status);
        }
      }

      requireSigV4(req);
      if (mediaType(req) !== JSON_11) {
        throw new AwsServiceError('SerializationException', `Content-Type must be ${JSON_11}`);
      }
      const operation = OPERATIONS[operationName];
      if (!operation) throw unknownOperation();
      respond(res, 200, operation(parseInput(body), this.#store), requestId);
    } catch (error) {
      if (!(error instanceof AwsServiceError)) throw error;
      respond(res, error.status, { __type: error.type, message: error.message }, requestId, {
        'x-amzn-ErrorType': error.type,
      });
    }
  }

  /** `X-Amz-Target: secretsmanager.GetSecretValue` names the operation; everything is `POST /`. */
  #operationName(req: IncomingMessage): string {
    const target = req.headers['x-amz-target'];
    if (req.method !== 'POST' || req.url !== '/' || typeof target !== 'string') throw unknownOperation();
    if (!target.startsWith(TARGET_PREFIX)) throw unknownOperation();
    return target.slice(TARGET_PREFIX.length);
  }
}

function unknownOperation(): AwsServiceError {
  return new AwsServiceError('UnknownOperationException', 'The requested operation is not recognized');
}

/**
 * Requests must carry a SigV4 Authorization header, as AWS requires. The signature itself is not
 * checked: the point is to catch a client that sends unsigned requests, not to emulate IAM.
 */
function requireSigV4(req: IncomingMessage): void {
  if (!req.headers.authorization?.startsWith('AWS4-HMAC-SHA256')) {
    throw new AwsServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
  }
}

function parseInput(body: Buffer): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.length === 0 ? '{}' : body.toString('utf8'));
  } catch {
    throw new AwsServiceError('SerializationException', 'Request body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 'Request body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function respond(
  res: ServerResponse,
  status: number,
  body: unknown,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': JSON_11,
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': requestId,
    ...headers,
  });
  res.end(text);
}
