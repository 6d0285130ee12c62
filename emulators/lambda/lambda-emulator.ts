// A local AWS Lambda that speaks the real Invoke REST API (POST /2015-03-31/functions/{FunctionName}/invocations),
// so the real `@aws-sdk/client-lambda` InvokeCommand talks to it unchanged once AWS_ENDPOINT_URL_LAMBDA
// points here (DESIGN.md: "AWS endpoints come from the SDK's own configuration"). Functions are
// in-process handlers registered by name; each runs with a realistic context and its timeout.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { ClientContext } from 'aws-lambda';
import { FaultQueue } from '../shared/fault-queue.js';
import { closeLocalHttpServer, Delays, startLocalHttpServer } from '../shared/http-server.js';
import {
  functionNotFound,
  incompleteSignature,
  invalidParameterValue,
  invalidRequestContent,
  LambdaServiceError,
  MAX_ASYNC_PAYLOAD_BYTES,
  MAX_SYNC_PAYLOAD_BYTES,
  missingAuthenticationToken,
  otherRegion,
  requestTooLarge,
  resourceNotFound,
  serviceException,
  tooManyRequests,
  unknownOperation,
  validationError,
} from './errors.js';
import {
  assertPlainFunctionName,
  functionArn,
  parseFunctionReference,
  type FunctionReference,
} from './function-name.js';
import { acquireLogCapture } from './log-capture.js';
import {
  invoke,
  newLogStreamName,
  syntheticFailure,
  type FunctionDefinition,
  type InvocationResult,
  type LambdaHandler,
} from './runtime.js';

export type { LambdaHandler } from './runtime.js';

/** The account ID LocalStack and moto use too: obviously not a real account. */
const ACCOUNT_ID = '000000000000';
const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;
const INVOCATION_TYPES = ['RequestResponse', 'Event', 'DryRun'] as const;
const LOG_TYPES = ['None', 'Tail'] as const;
/** `LogType: Tail` returns "the last 4 KB of the execution log" (API_Invoke). */
const LOG_TAIL_BYTES = 4 * 1024;
/** Bodies past the 6 MB limit are read (and dropped) up to this size, then the connection is cut. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 3_000;
const DEFAULT_MEMORY_MB = 128;

export interface LambdaEmulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Region in ARNs. Default AWS_REGION, else us-east-1. */
  region?: string;
  /**
   * Also write what handlers log to this process's stdout and stderr, as a local run expects.
   * Default true; false keeps it to the invocation's log (what `LogType: Tail` returns), so a test
   * can assert on it without printing it.
   */
  echoLogs?: boolean;
}

export interface RegisterOptions {
  /** The function's timeout. Default 3000 (Lambda's default of 3 s). */
  timeoutMs?: number;
  /** `context.memoryLimitInMB`. Default 128 (Lambda's default). */
  memoryMb?: number;
}

export type LambdaFaultType =
  'TooManyRequestsException' | 'ServiceException' | 'ResourceNotFoundException' | 'FunctionError' | 'Timeout';

export interface LambdaFault {
  /** Function name (an ARN is reduced to its name); default: any function. */
  functionName?: string;
  /**
   * `TooManyRequestsException` (429), `ServiceException` (500), `ResourceNotFoundException` (404) answer
   * as the service would. `FunctionError` and `Timeout` replace the handler's run (it is not called):
   * 200 with `X-Amz-Function-Error: Unhandled` and the runtime's error document (for Event: 202, nothing
   * runs). They never hit DryRun requests, which run nothing.
   */
  type: LambdaFaultType;
  /** Overrides the HTTP status of the three service errors. */
  status?: number;
  message?: string;
  /** How many matching requests it hits. Default 1. */
  times?: number;
  /** Wait before answering (or before the Timeout fault's answer). */
  delayMs?: number;
}

/**
 * AWS Lambda's Invoke API on 127.0.0.1 (RequestResponse, Event, DryRun), running registered
 * handlers in-process with a Lambda-like context, so the real `@aws-sdk/client-lambda` (and
 * `sf-lambda-bridge/client`'s token vendor calls) work against it: point them at `url` with
 * `AWS_ENDPOINT_URL_LAMBDA`. Defaults: a free port, region `AWS_REGION` else us-east-1.
 *
 * @example
 * ```ts
 * import { LambdaEmulator } from 'sf-lambda-bridge/testing';
 * import { handler } from './token-vendor.js';
 *
 * const lambda = await LambdaEmulator.start();
 * lambda.register('token-vendor', handler);
 * process.env.AWS_ENDPOINT_URL_LAMBDA = lambda.url;
 * // ... then lambda.invocations['token-vendor'] counts the invokes
 * await lambda.close();
 * ```
 */
export class LambdaEmulator {
  readonly url: string;
  readonly region: string;
  /**
   * Invoke requests per function name (`invocations['token-vendor']`) that were signed and named a
   * well-formed function, whether or not it exists: faulted, throttled and DryRun requests included,
   * so each of the SDK's retries counts.
   */
  readonly invocations: Record<string, number> = {};
  /**
   * RequestResponse invokes per function name whose caller closed the connection before the
   * answer was sent (a client timeout or abort), counted when the connection closes.
   */
  readonly abandoned: Record<string, number> = {};
  readonly #server: Server;
  readonly #functions = new Map<string, FunctionDefinition>();
  readonly #faults = new FaultQueue<LambdaFault>();
  readonly #delays = new Delays();
  readonly #background = new Set<Promise<void>>();
  /** Requests being handled and not held: whenIdle() waits until there are none. */
  #busy = 0;
  readonly #idleWaiters: (() => void)[] = [];
  /** While holding: which functions (undefined: all), and the held invokes' continuations. */
  #hold: { functionName: string | undefined; waiting: ((run: boolean) => void)[] } | undefined;
  readonly #releaseLogCapture: () => void;
  readonly #echoLogs: boolean;

  private constructor(server: Server, url: string, region: string, echoLogs: boolean) {
    this.#server = server;
    this.url = url;
    this.region = region;
    this.#echoLogs = echoLogs;
    this.#releaseLogCapture = acquireLogCapture();
  }

  static async start(opts: LambdaEmulatorOptions = {}): Promise<LambdaEmulator> {
    const region = opts.region ?? process.env.AWS_REGION ?? 'us-east-1';
    // The handler needs the emulator, which needs the server's url: resolve the cycle with a box.
    const box: { emulator?: LambdaEmulator } = {};
    const { server, url } = await startLocalHttpServer(async (req, res) => {
      const emulator = box.emulator;
      if (!emulator) throw new Error('emulator not ready');
      emulator.#busy += 1;
      try {
        await emulator.#handle(req, res);
      } finally {
        emulator.#leave();
      }
    }, opts.port);
    box.emulator = new LambdaEmulator(server, url, region, opts.echoLogs ?? true);
    return box.emulator;
  }

  /**
   * Creates the function `name` (or replaces its code and configuration, as UpdateFunctionCode would).
   * Handlers are async-style: return the result or throw. The deprecated `context.succeed/fail/done`
   * also end the invocation.
   */
  register(name: string, handler: LambdaHandler, opts: RegisterOptions = {}): void {
    assertPlainFunctionName(name);
    const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const memoryMb = opts.memoryMb ?? DEFAULT_MEMORY_MB;
    if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
      throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`);
    }
    if (!Number.isInteger(memoryMb) || memoryMb < 128 || memoryMb > 10_240) {
      throw new RangeError(`memoryMb must be an integer from 128 to 10240, got ${memoryMb}`);
    }
    this.#functions.set(name, {
      name,
      arn: this.arnOf(name),
      handler,
      timeoutMs,
      memoryMb,
      logStreamName: newLogStreamName(),
      echoLogs: this.#echoLogs,
    });
  }

  /** The function's unqualified ARN, which FunctionName accepts as well as the name. */
  arnOf(name: string): string {
    return functionArn(this.region, ACCOUNT_ID, name);
  }

  injectFault(fault: LambdaFault): void {
    const functionName = fault.functionName && nameOf(fault.functionName);
    this.#faults.add({ ...fault, ...(functionName && { functionName }) }, fault.times ?? 1);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /**
   * Invokes of `functionName` (default: every function) from now on are counted, then wait
   * until {@link releaseInvocations} before anything else happens: a function that hangs for
   * exactly as long as a test wants, to see what its callers do meanwhile (time out, give up,
   * share one invoke) without racing a delay. As in Lambda, an invoke whose caller has gone away
   * still runs once released; nobody reads its answer.
   */
  holdInvocations(functionName?: string): void {
    this.#hold = { functionName: functionName && nameOf(functionName), waiting: [] };
  }

  /** Invokes waiting in the current hold. */
  get heldInvocations(): number {
    return this.#hold?.waiting.length ?? 0;
  }

  /** Lets every held invoke go on, in arrival order, and stops holding. */
  releaseInvocations(): void {
    const waiting = this.#hold?.waiting ?? [];
    this.#hold = undefined;
    // Busy again from now, so that a whenIdle() right after this waits for them.
    this.#busy += waiting.length;
    for (const resume of waiting) resume(true);
  }

  resetInvocations(): void {
    for (const key of Object.keys(this.invocations)) this.invocations[key] = 0;
    for (const key of Object.keys(this.abandoned)) this.abandoned[key] = 0;
  }

  /**
   * Resolves once nothing runs: Event invocations (after their 202) and requests still being
   * handled, such as a RequestResponse invoke whose caller gave up. Held invokes are waited for
   * only once released.
   */
  async whenIdle(): Promise<void> {
    for (;;) {
      if (this.#background.size > 0) await Promise.all([...this.#background]);
      else if (this.#busy > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
      else return;
    }
  }

  #leave(): void {
    this.#busy -= 1;
    if (this.#busy === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
  }

  /**
   * Stops listening and ends pending injected delays. Handlers still running (Event invocations, or
   * ones past their timeout) are not waited for: await whenIdle() first to let Event ones finish.
   */
  async close(): Promise<void> {
    this.#faults.clear();
    this.#delays.flush();
    // Held invokes end without running: the server they would answer through is going away.
    const held = this.#hold?.waiting ?? [];
    this.#hold = undefined;
    this.#busy += held.length;
    for (const resume of held) resume(false);
    this.#releaseLogCapture();
    await closeLocalHttpServer(this.#server);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const match = INVOKE_PATH.exec(url.pathname);
      if (req.method !== 'POST' || !match?.[1]) throw unknownOperation();
      requireSigV4(req);
      const body = await readInvokeBody(req);

      const reference = parseFunctionReference(
        decodePathSegment(match[1]),
        url.searchParams.get('Qualifier') ?? undefined,
      );
      const invocationType = enumHeader(
        req,
        'x-amz-invocation-type',
        'invocationType',
        INVOCATION_TYPES,
        'RequestResponse',
      );
      const logType = enumHeader(req, 'x-amz-log-type', 'logType', LOG_TYPES, 'None');
      this.invocations[reference.name] = (this.invocations[reference.name] ?? 0) + 1;
      if (invocationType === 'RequestResponse') {
        res.once('close', () => {
          if (!res.writableFinished)
            this.abandoned[reference.name] = (this.abandoned[reference.name] ?? 0) + 1;
        });
      }
      if (!(await this.#passHold(reference.name))) return;

      const fault = this.#faults.take(
        (f) =>
          (f.functionName === undefined || f.functionName === reference.name) &&
          (invocationType !== 'DryRun' || (f.type !== 'FunctionError' && f.type !== 'Timeout')),
      );
      if (fault) {
        await this.#delays.wait(fault.delayMs ?? 0);
        throwServiceFault(fault, this.#qualifiedArn(reference));
      }

      const fn = this.#resolve(reference);
      const limit = invocationType === 'Event' ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
      if (body.size > limit) {
        throw requestTooLarge(invocationType === 'Event' ? 'Event' : 'RequestResponse', body.size);
      }
      const event = parsePayload(body.bytes);
      const clientContext = parseClientContext(req);
      if (invocationType === 'DryRun') {
        send(res, 204, '', requestId);
        return;
      }

      const request = {
        requestId,
        event,
        invokedFunctionArn: this.#qualifiedArn(reference),
        ...(clientContext !== undefined && invocationType === 'RequestResponse' && { clientContext }),
      };
      const run = (): Promise<InvocationResult> => {
        if (fault?.type === 'FunctionError') {
          const error = new Error(fault.message ?? 'Injected FunctionError');
          error.stack = `Error: ${error.message}`;
          return Promise.resolve(syntheticFailure(fn, requestId, { kind: 'error', error }));
        }
        if (fault?.type === 'Timeout') {
          return Promise.resolve(syntheticFailure(fn, requestId, { kind: 'timeout' }));
        }
        return invoke(fn, request);
      };

      if (invocationType === 'Event') {
        send(res, 202, '', requestId);
        this.#runInBackground(run);
        return;
      }
      const result = await run();
      send(res, 200, result.payload, requestId, {
        'Content-Type': 'application/json',
        'X-Amz-Executed-Version': '$LATEST',
        ...(result.functionError && { 'X-Amz-Function-Error': result.functionError }),
        ...(logType === 'Tail' && { 'X-Amz-Log-Result': logTail(result.log) }),
      });
    } catch (error) {
      if (!(error instanceof LambdaServiceError)) throw error;
      send(res, error.status, JSON.stringify(error.body), requestId, {
        'Content-Type': 'application/json',
        'x-amzn-ErrorType': error.type,
      });
    }
  }

  /** Waits while invokes of `name` are held; false when the emulator closed meanwhile. */
  async #passHold(name: string): Promise<boolean> {
    const hold = this.#hold;
    if (!hold || (hold.functionName !== undefined && hold.functionName !== name)) return true;
    // Not busy while held: whenIdle() does not wait for what only releaseInvocations() ends.
    this.#leave();
    return new Promise<boolean>((resume) => hold.waiting.push(resume));
  }

  /** The function a reference names, or the 404 AWS answers for it. Only $LATEST exists. */
  #resolve(reference: FunctionReference): FunctionDefinition {
    if (reference.region !== undefined && reference.region !== this.region) {
      throw otherRegion(reference.region, this.region);
    }
    const fn = this.#functions.get(reference.name);
    const qualifierExists = reference.qualifier === undefined || reference.qualifier === '$LATEST';
    if (!fn || !qualifierExists || (reference.account !== undefined && reference.account !== ACCOUNT_ID)) {
      throw functionNotFound(this.#qualifiedArn(reference));
    }
    return fn;
  }

  #qualifiedArn(reference: FunctionReference): string {
    return functionArn(
      reference.region ?? this.region,
      reference.account ?? ACCOUNT_ID,
      reference.name,
      reference.qualifier,
    );
  }

  /**
   * Event invocations run once, after the 202. Lambda would retry a failed one twice (1 and 2 minutes
   * later) and may deliver it more than once; the emulator does neither.
   */
  #runInBackground(run: () => Promise<InvocationResult>): void {
    const task = run().then(
      () => undefined,
      () => undefined,
    );
    this.#background.add(task);
    void task.finally(() => this.#background.delete(task));
  }
}

function nameOf(functionName: string): string {
  try {
    return parseFunctionReference(functionName).name;
  } catch {
    return functionName;
  }
}

function throwServiceFault(fault: LambdaFault, arn: string): void {
  let error: LambdaServiceError;
  switch (fault.type) {
    case 'TooManyRequestsException':
      error = tooManyRequests(fault.message);
      break;
    case 'ServiceException':
      error = serviceException(fault.message ?? 'Injected ServiceException');
      break;
    case 'ResourceNotFoundException':
      error = fault.message === undefined ? functionNotFound(arn) : resourceNotFound(fault.message);
      break;
    default:
      return; // FunctionError and Timeout replace the handler's run instead.
  }
  if (fault.status === undefined) throw error;
  throw new LambdaServiceError(error.type, fault.status, error.body);
}

/**
 * Requests must carry a SigV4 Authorization header, as AWS requires; the signature itself is not
 * checked. No header at all: 403 MissingAuthenticationTokenException. A header that is not a complete
 * SigV4 one: 403 IncompleteSignatureException listing what is missing, in AWS's words.
 */
function requireSigV4(req: IncomingMessage): void {
  const authorization = req.headers.authorization;
  if (authorization === undefined || authorization === '') throw missingAuthenticationToken();
  const params = authorization.startsWith('AWS4-HMAC-SHA256 ') ? authorization.slice(17) : '';
  const problems: string[] = [];
  for (const name of ['Credential', 'Signature', 'SignedHeaders']) {
    if (!new RegExp(`(?:^|[ ,])${name}=[^, ]+`).test(params)) {
      problems.push(`Authorization header requires '${name}' parameter.`);
    }
  }
  if (req.headers['x-amz-date'] === undefined && req.headers.date === undefined) {
    problems.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (problems.length > 0) throw incompleteSignature(problems, authorization);
}

function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw validationError(segment, 'functionName', 'Member must be a valid URI-encoded string');
  }
}

function enumHeader<T extends string>(
  req: IncomingMessage,
  header: string,
  member: string,
  values: readonly T[],
  fallback: T,
): T {
  const value = req.headers[header];
  if (value === undefined) return fallback;
  const text = Array.isArray(value) ? value.join(',') : value;
  if (!values.includes(text as T)) {
    throw validationError(text, member, `Member must satisfy enum value set: [${values.join(', ')}]`);
  }
  return text as T;
}

interface InvokeBody {
  /** The body, or its first bytes when it is larger than any accepted payload. */
  bytes: Buffer;
  size: number;
}

/**
 * Reads the whole body, keeping at most one byte more than the largest accepted payload, so an
 * oversized one is answered with 413 instead of a reset connection while the client is still sending.
 */
async function readInvokeBody(req: IncomingMessage): Promise<InvokeBody> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_DRAIN_BYTES) {
      req.destroy();
      break;
    }
    if (kept <= MAX_SYNC_PAYLOAD_BYTES) {
      chunks.push(buffer);
      kept += buffer.length;
    }
  }
  return { bytes: Buffer.concat(chunks), size };
}

/**
 * The event: any JSON value. An empty body is the event `{}`, which is what a function receives when
 * the caller sends no Payload (as the CLI without --payload does).
 */
function parsePayload(bytes: Buffer): unknown {
  if (bytes.length === 0) return {};
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidRequestContent('Invalid UTF-8 in request body');
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidRequestContent((error as Error).message);
  }
}

/**
 * `X-Amz-Client-Context`: base64 of a JSON object, given to the function as `context.clientContext`
 * (synchronous invocations only, as in AWS). A value that does not decode is refused with a 400; the
 * wording is the emulator's own.
 */
function parseClientContext(req: IncomingMessage): ClientContext | undefined {
  const header = req.headers['x-amz-client-context'];
  if (typeof header !== 'string' || header === '') return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as unknown;
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
      return parsed as ClientContext;
  } catch {
    // fall through
  }
  throw invalidParameterValue('Client context must be a valid Base64-encoded JSON object.');
}

function logTail(log: string): string {
  const bytes = Buffer.from(log, 'utf8');
  return bytes.subarray(Math.max(0, bytes.length - LOG_TAIL_BYTES)).toString('base64');
}

function send(
  res: ServerResponse,
  status: number,
  body: string,
  requestId: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'Content-Length': Buffer.byteLength(body),
    'x-amzn-RequestId': requestId,
    ...headers,
  });
  res.end(body);
}
