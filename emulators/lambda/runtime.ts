// Runs one invocation the way Lambda's Node.js runtime (aws-lambda-nodejs-runtime-interface-client)
// does: a context object, the result serialised with JSON.stringify (undefined becomes null), a
// thrown error serialised as {errorType, errorMessage, trace}, and the configured timeout enforced.
// Handlers share this process: a timed-out handler cannot be killed, so it keeps running in the
// background and its result is dropped (Lambda would have frozen or reset the sandbox).
import { randomBytes } from 'node:crypto';
import { types } from 'node:util';
import type { ClientContext, Context } from 'aws-lambda';
import { InvocationLog, runWithLog } from './log-capture.js';

export type LambdaHandler = (event: unknown, context: Context) => Promise<unknown>;

export interface FunctionDefinition {
  name: string;
  /** Unqualified ARN. */
  arn: string;
  handler: LambdaHandler;
  timeoutMs: number;
  memoryMb: number;
  logStreamName: string;
  /** Whether what the handler logs also reaches this process's stdout/stderr. */
  echoLogs: boolean;
}

export interface InvocationRequest {
  requestId: string;
  event: unknown;
  /** The ARN the caller used: qualified when the caller gave a qualifier. */
  invokedFunctionArn: string;
  clientContext?: ClientContext;
}

export interface InvocationResult {
  /** JSON text: the handler's result, or the error document. */
  payload: string;
  /** Set when the function failed; AWS sends it as `X-Amz-Function-Error`. */
  functionError?: 'Unhandled';
  /** The execution log: START, what the invocation logged, END and REPORT lines. */
  log: string;
}

/** Lambda's response limit as its error states it ("… maximum allowed payload size (6291556 bytes).", moto's tests and AWS reports). */
const MAX_RESPONSE_BYTES = 6291556;

/** One emulated execution environment's log stream: `YYYY/MM/DD/[$LATEST]<32 hex>`, like Lambda's. */
export function newLogStreamName(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

type Settled = { kind: 'success'; value: unknown } | { kind: 'error'; error: unknown } | { kind: 'timeout' };

export async function invoke(fn: FunctionDefinition, request: InvocationRequest): Promise<InvocationResult> {
  const { requestId } = request;
  const log = new InvocationLog(requestId, fn.echoLogs);
  const started = performance.now();
  const deadline = Date.now() + fn.timeoutMs;
  log.append(`START RequestId: ${requestId} Version: $LATEST\n`);

  let settleLegacy: (settled: Settled) => void = () => undefined;
  const legacy = new Promise<Settled>((resolve) => (settleLegacy = resolve));
  const context = buildContext(fn, request, deadline, settleLegacy);

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<Settled>((resolve) => {
    timer = setTimeout(() => {
      resolve({ kind: 'timeout' });
    }, fn.timeoutMs);
  });
  const handled = runWithLog(log, () =>
    Promise.resolve()
      .then(() => fn.handler(request.event, context))
      .then(
        (value): Settled => ({ kind: 'success', value }),
        (error: unknown): Settled => ({ kind: 'error', error }),
      ),
  );
  const settled = await Promise.race([handled, legacy, timedOut]);
  clearTimeout(timer);

  const result = toResult(settled, fn, requestId, log);
  log.append(`END RequestId: ${requestId}\n`);
  log.append(reportLine(requestId, performance.now() - started, fn.memoryMb));
  return { ...result, log: log.close() };
}

/** What an injected FunctionError or Timeout fault answers, with a log as the real failure would leave. */
export function syntheticFailure(
  fn: FunctionDefinition,
  requestId: string,
  failure: { kind: 'error'; error: unknown } | { kind: 'timeout' },
): InvocationResult {
  const log = new InvocationLog(requestId, fn.echoLogs);
  log.append(`START RequestId: ${requestId} Version: $LATEST\n`);
  const result = toResult(failure, fn, requestId, log);
  log.append(`END RequestId: ${requestId}\n`);
  log.append(reportLine(requestId, failure.kind === 'timeout' ? fn.timeoutMs : 0, fn.memoryMb));
  return { ...result, log: log.close() };
}

function toResult(
  settled: Settled,
  fn: FunctionDefinition,
  requestId: string,
  log: InvocationLog,
): Omit<InvocationResult, 'log'> {
  switch (settled.kind) {
    case 'success': {
      let payload: string;
      try {
        // serializeToJSON in the runtime: JSON.stringify(value === undefined ? null : value).
        payload = JSON.stringify(settled.value === undefined ? null : settled.value);
      } catch {
        return toResult(
          { kind: 'error', error: new JSONStringifyError('Unable to stringify response body') },
          fn,
          requestId,
          log,
        );
      }
      if (Buffer.byteLength(payload) > MAX_RESPONSE_BYTES) {
        return {
          functionError: 'Unhandled',
          payload: JSON.stringify({
            errorMessage: `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
            errorType: 'Function.ResponseSizeTooLarge',
          }),
        };
      }
      return { payload };
    }
    case 'error': {
      // LifecycleManager.fail: structuredConsole.logError('Invoke Error', error), then the error document.
      log.line('ERROR', [`Invoke Error \t${toFormatted(settled.error)}`]);
      return { functionError: 'Unhandled', payload: JSON.stringify(formatError(settled.error)) };
    }
    case 'timeout': {
      const seconds = (fn.timeoutMs / 1000).toFixed(2);
      // The log line keeps the old `<timestamp> <requestId> Task timed out after N seconds` form.
      log.append(`${new Date().toISOString()} ${requestId} Task timed out after ${seconds} seconds\n`);
      // What Invoke returns today (2023 on): errorType first, `RequestId: … Error: …` in the message,
      // e.g. {"errorType":"Sandbox.Timedout","errorMessage":"RequestId: f83d… Error: Task timed out after
      // 3.00 seconds"} from `aws lambda invoke`. Before that it was {"errorMessage":"<ISO date> <requestId>
      // Task timed out after 3.00 seconds"} (alexa/alexa-cookbook#36).
      return {
        functionError: 'Unhandled',
        payload: JSON.stringify({
          errorType: 'Sandbox.Timedout',
          errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`,
        }),
      };
    }
  }
}

function buildContext(
  fn: FunctionDefinition,
  request: InvocationRequest,
  deadline: number,
  settle: (settled: Settled) => void,
): Context {
  // The deprecated callback-era methods still exist on the Node.js 22 runtime's context and end the
  // invocation; the first settlement wins, as the runtime ignores later ones.
  const succeed = (value?: unknown): void => {
    settle({ kind: 'success', value });
  };
  const fail = (error: unknown): void => {
    settle({ kind: 'error', error });
  };
  const callbackEra = {
    done: (error?: unknown, result?: unknown): void => {
      if (error === undefined || error === null) succeed(result);
      else fail(error);
    },
    fail,
    succeed,
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: request.invokedFunctionArn,
    memoryLimitInMB: String(fn.memoryMb),
    awsRequestId: request.requestId,
    logGroupName: `/aws/lambda/${fn.name}`,
    logStreamName: fn.logStreamName,
    ...(request.clientContext !== undefined && { clientContext: request.clientContext }),
    // InvokeContext: `deadline - Date.now()`, not clamped at zero.
    getRemainingTimeInMillis: () => deadline - Date.now(),
    ...callbackEra,
  };
}

class JSONStringifyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Runtime.JSONStringifyError';
  }
}

function isError(value: unknown): value is Error {
  return value instanceof Error || types.isNativeError(value);
}

/** The runtime's formatError (src/utils/error.ts): the error document Invoke returns. */
function formatError(error: unknown): { errorType: string; errorMessage: string; trace: string[] } {
  if (isError(error)) {
    return {
      errorType: error.name,
      errorMessage: error.message,
      trace: error.stack?.split('\n') ?? [],
    };
  }
  return { errorType: typeof error, errorMessage: String(error), trace: [] };
}

/** The runtime's toFormatted: the error as logged, with its stack as an array and its own properties. */
function toFormatted(error: unknown): string {
  const value = isError(error)
    ? {
        errorType: error.name,
        errorMessage: error.message,
        ...(error as unknown as Record<string, unknown>),
        ...(typeof error.stack === 'string' && { stack: error.stack.split('\n') }),
      }
    : error;
  try {
    return JSON.stringify(value);
  } catch {
    return JSON.stringify(formatError(error));
  }
}

/** Lambda's REPORT line (Duration, Billed Duration, Memory Size; no Max Memory Used: that would be this process's). */
function reportLine(requestId: string, durationMs: number, memoryMb: number): string {
  return `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\tBilled Duration: ${Math.max(1, Math.ceil(durationMs))} ms\tMemory Size: ${memoryMb} MB\t\n`;
}
