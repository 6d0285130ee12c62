import { Logger } from '@aws-lambda-powertools/logger';
import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import type { Context } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { LambdaEmulator } from '../../emulators/lambda/lambda-emulator.js';
import { useEnv } from '../helpers/env.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ARN_PREFIX = 'arn:aws:lambda:eu-west-1:000000000000:function:';

let emulator: LambdaEmulator;
let client: LambdaClient;
/** Handler runs per function (emulator.invocations counts requests, this counts executions). */
const runs: Record<string, number> = {};
const received: unknown[] = [];

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function counted(name: string, handler: (event: unknown, context: Context) => Promise<unknown>): void {
  emulator.register(name, async (event, context) => {
    runs[name] = (runs[name] ?? 0) + 1;
    return handler(event, context);
  });
}

beforeAll(async () => {
  emulator = await LambdaEmulator.start({ echoLogs: false });
  client = new LambdaClient({});

  counted('echo', (event) => Promise.resolve(event));
  counted('record', (event) => {
    received.push(event);
    return Promise.resolve({ recorded: true });
  });
  emulator.register('context', (_event, context) =>
    Promise.resolve({
      functionName: context.functionName,
      functionVersion: context.functionVersion,
      invokedFunctionArn: context.invokedFunctionArn,
      memoryLimitInMB: context.memoryLimitInMB,
      awsRequestId: context.awsRequestId,
      logGroupName: context.logGroupName,
      logStreamName: context.logStreamName,
      callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
      remainingMs: context.getRemainingTimeInMillis(),
      clientContext: context.clientContext ?? null,
    }),
  );
});

// The SDK reads the endpoint from its own configuration (at a client's first request), exactly as
// the Lambdas will; vitest undoes the stub after each test.
useEnv(() => ({ AWS_ENDPOINT_URL_LAMBDA: emulator.url }));

afterAll(async () => {
  client.destroy();
  await emulator.close();
});

afterEach(async () => {
  emulator.releaseInvocations();
  await emulator.whenIdle();
  emulator.clearFaults();
  emulator.resetInvocations();
  for (const key of Object.keys(runs)) runs[key] = 0;
  received.length = 0;
});

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

function decode(res: InvokeCommandOutput): unknown {
  return JSON.parse(new TextDecoder().decode(res.Payload));
}

function logOf(res: InvokeCommandOutput): string {
  return Buffer.from(res.LogResult ?? '', 'base64').toString('utf8');
}

type SdkError = Error & {
  $metadata: { httpStatusCode?: number; attempts?: number };
  Type?: unknown;
  Reason?: unknown;
};

async function sdkError(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  throw new Error('expected the call to fail');
}

async function rawInvoke(
  functionName: string,
  body: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${emulator.url}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations`, {
    method: 'POST',
    headers: {
      Authorization:
        'AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=abc123',
      'X-Amz-Date': '20260101T000000Z',
      ...headers,
    },
    body,
  });
}

describe('LambdaEmulator with the real AWS SDK', () => {
  it('listens on loopback', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('round-trips a JSON payload and answers like RequestResponse', async () => {
    const event = { hello: 'world', n: 42, nested: { list: [1, 'two', null] }, unicode: 'Grüße ✓' };
    const res = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode(event) }));
    expect(res.StatusCode).toBe(200);
    expect(res.ExecutedVersion).toBe('$LATEST');
    expect(res.FunctionError).toBeUndefined();
    expect(res.LogResult).toBeUndefined();
    expect(res.Payload).toBeInstanceOf(Uint8Array);
    expect(decode(res)).toEqual(event);
    expect(res.$metadata.requestId).toMatch(UUID);
    expect(emulator.invocations.echo).toBe(1);
    expect(runs.echo).toBe(1);
  });

  it('serialises results as the Node.js runtime does: undefined is null, a string is a JSON string', async () => {
    emulator.register('nothing', () => Promise.resolve(undefined));
    emulator.register('text', () => Promise.resolve('plain text'));
    const nothing = await client.send(new InvokeCommand({ FunctionName: 'nothing' }));
    expect(new TextDecoder().decode(nothing.Payload)).toBe('null');
    const text = await client.send(new InvokeCommand({ FunctionName: 'text' }));
    expect(new TextDecoder().decode(text.Payload)).toBe('"plain text"');
  });

  it('passes {} when the caller sends no payload, and any JSON value otherwise', async () => {
    await client.send(new InvokeCommand({ FunctionName: 'record' }));
    await client.send(new InvokeCommand({ FunctionName: 'record', Payload: encode([1, 2]) }));
    await client.send(new InvokeCommand({ FunctionName: 'record', Payload: encode('a string') }));
    expect(received).toEqual([{}, [1, 2], 'a string']);
  });

  it('gives the handler a realistic context', async () => {
    const clientContext = { custom: { tenant: 'acme' }, env: { locale: 'en-GB' } };
    const res = await client.send(
      new InvokeCommand({
        FunctionName: 'context',
        ClientContext: Buffer.from(JSON.stringify(clientContext)).toString('base64'),
      }),
    );
    const context = decode(res) as Record<string, unknown>;
    expect(context).toMatchObject({
      functionName: 'context',
      functionVersion: '$LATEST',
      invokedFunctionArn: `${ARN_PREFIX}context`,
      memoryLimitInMB: '128',
      awsRequestId: res.$metadata.requestId,
      logGroupName: '/aws/lambda/context',
      callbackWaitsForEmptyEventLoop: true,
      clientContext,
    });
    expect(context.logStreamName).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
    expect(context.remainingMs).toBeGreaterThan(0);
    expect(context.remainingMs).toBeLessThanOrEqual(3_000);
  });

  it('counts getRemainingTimeInMillis down from the configured timeout', async () => {
    emulator.register(
      'countdown',
      async (_event, context) => {
        const first = context.getRemainingTimeInMillis();
        await sleep(200);
        return { first, second: context.getRemainingTimeInMillis() };
      },
      { timeoutMs: 10_000, memoryMb: 512 },
    );
    const res = await client.send(new InvokeCommand({ FunctionName: 'countdown' }));
    const { first, second } = decode(res) as { first: number; second: number };
    expect(first).toBeLessThanOrEqual(10_000);
    expect(first - second).toBeGreaterThanOrEqual(190);
  });

  it('returns a thrown error as the Node.js runtime serialises it, with FunctionError Unhandled', async () => {
    class TokenVendingError extends Error {
      override name = 'TokenVendingError';
    }
    emulator.register('throws', () => Promise.reject(new TokenVendingError('no token for you')));
    const res = await client.send(new InvokeCommand({ FunctionName: 'throws', Payload: encode({}) }));
    expect(res.StatusCode).toBe(200);
    expect(res.FunctionError).toBe('Unhandled');
    expect(res.ExecutedVersion).toBe('$LATEST');
    const body = decode(res) as { errorType: string; errorMessage: string; trace: string[] };
    expect(Object.keys(body)).toEqual(['errorType', 'errorMessage', 'trace']);
    expect(body.errorType).toBe('TokenVendingError');
    expect(body.errorMessage).toBe('no token for you');
    expect(body.trace[0]).toBe('TokenVendingError: no token for you');
    expect(body.trace[1]).toMatch(/^ {4}at /);
  });

  it('serialises a thrown non-Error and a synchronous throw too', async () => {
    // Some libraries reject with a bare string; the runtime reports its typeof as errorType.
    const rejectWith = (reason: unknown): Promise<never> =>
      new Promise((_resolve, reject: (reason: unknown) => void) => {
        setImmediate(reject, reason);
      });
    emulator.register('throws-string', () => rejectWith('just a string'));
    emulator.register('throws-sync', () => {
      throw new TypeError('sync boom');
    });
    const text = await client.send(new InvokeCommand({ FunctionName: 'throws-string' }));
    expect(text.FunctionError).toBe('Unhandled');
    expect(decode(text)).toEqual({ errorType: 'string', errorMessage: 'just a string', trace: [] });
    const sync = await client.send(new InvokeCommand({ FunctionName: 'throws-sync' }));
    expect(sync.FunctionError).toBe('Unhandled');
    expect(decode(sync)).toMatchObject({ errorType: 'TypeError', errorMessage: 'sync boom' });
  });

  it('times a slow handler out with Sandbox.Timedout', async () => {
    let finished = false;
    emulator.register(
      'slow',
      async () => {
        // Never settles: only the timeout can end this invocation.
        await new Promise<never>(() => undefined);
        finished = true;
        return 'too late';
      },
      { timeoutMs: 250 },
    );
    const started = performance.now();
    const res = await client.send(new InvokeCommand({ FunctionName: 'slow', LogType: 'Tail' }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
    expect(finished).toBe(false);
    expect(res.StatusCode).toBe(200);
    expect(res.FunctionError).toBe('Unhandled');
    const body = decode(res);
    expect(body).toEqual({
      errorType: 'Sandbox.Timedout',
      errorMessage: `RequestId: ${res.$metadata.requestId ?? ''} Error: Task timed out after 0.25 seconds`,
    });
    expect(Object.keys(body as object)).toEqual(['errorType', 'errorMessage']);
    expect(logOf(res)).toMatch(
      new RegExp(`Z ${res.$metadata.requestId ?? ''} Task timed out after 0\\.25 seconds\\n`),
    );
  });

  it('times out with the default 3.00 seconds', async () => {
    emulator.register('hangs', () => new Promise(() => undefined));
    const res = await client.send(new InvokeCommand({ FunctionName: 'hangs' }));
    expect(res.FunctionError).toBe('Unhandled');
    expect((decode(res) as { errorMessage: string }).errorMessage).toMatch(
      /^RequestId: [0-9a-f-]{36} Error: Task timed out after 3\.00 seconds$/,
    );
  });

  it('makes the SDK throw ResourceNotFoundException for an unknown function', async () => {
    const error = await sdkError(client.send(new InvokeCommand({ FunctionName: 'nope' })));
    expect(error.name).toBe('ResourceNotFoundException');
    expect(error.message).toBe(`Function not found: ${ARN_PREFIX}nope`);
    expect(error.Type).toBe('User');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.$metadata.attempts).toBe(1);
    expect(emulator.invocations.nope).toBe(1);
  });

  it('accepts full and partial ARNs, and the $LATEST qualifier either way', async () => {
    const payload = encode({ via: 'arn' });
    for (const FunctionName of [
      emulator.arnOf('echo'),
      `${ARN_PREFIX}echo:$LATEST`,
      '000000000000:function:echo',
      'echo:$LATEST',
    ]) {
      const res = await client.send(new InvokeCommand({ FunctionName, Payload: payload }));
      expect(decode(res)).toEqual({ via: 'arn' });
    }
    const qualified = await client.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: '$LATEST' }));
    expect(qualified.StatusCode).toBe(200);
    expect(emulator.invocations.echo).toBe(5);

    const invoked = await client.send(new InvokeCommand({ FunctionName: `${ARN_PREFIX}context:$LATEST` }));
    expect((decode(invoked) as { invokedFunctionArn: string }).invokedFunctionArn).toBe(
      `${ARN_PREFIX}context:$LATEST`,
    );
  });

  it('refuses versions and aliases that do not exist, other regions and conflicting qualifiers', async () => {
    const alias = await sdkError(client.send(new InvokeCommand({ FunctionName: 'echo', Qualifier: 'live' })));
    expect(alias.name).toBe('ResourceNotFoundException');
    expect(alias.message).toBe(`Function not found: ${ARN_PREFIX}echo:live`);

    const region = await sdkError(
      client.send(new InvokeCommand({ FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:echo' })),
    );
    expect(region.name).toBe('ResourceNotFoundException');
    expect(region.message).toBe("Functions from 'us-east-1' are not reachable in this region ('eu-west-1')");

    const account = await sdkError(
      client.send(new InvokeCommand({ FunctionName: '123456789012:function:echo' })),
    );
    expect(account.message).toBe('Function not found: arn:aws:lambda:eu-west-1:123456789012:function:echo');

    const conflict = await sdkError(
      client.send(new InvokeCommand({ FunctionName: 'echo:$LATEST', Qualifier: 'live' })),
    );
    expect(conflict.name).toBe('InvalidParameterValueException');
    expect(conflict.$metadata.httpStatusCode).toBe(400);
    expect(conflict.message).toBe(
      'The derived qualifier from the function name does not match the specified qualifier.',
    );

    const invalid = await sdkError(client.send(new InvokeCommand({ FunctionName: 'not a name!' })));
    expect(invalid.name).toBe('ValidationException');
    expect(invalid.message).toMatch(/^1 validation error detected: Value 'not a name!' at 'functionName'/);
  });

  it('lets the SDK retry throttling by itself; invocations counts every attempt', async () => {
    emulator.injectFault({ functionName: 'echo', type: 'TooManyRequestsException', times: 2 });
    const res = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({ ok: 1 }) }));
    expect(decode(res)).toEqual({ ok: 1 });
    expect(res.$metadata.attempts).toBe(3);
    expect(emulator.invocations.echo).toBe(3);
    expect(runs.echo).toBe(1);

    emulator.injectFault({ functionName: 'echo', type: 'TooManyRequestsException', times: 10 });
    const error = await sdkError(client.send(new InvokeCommand({ FunctionName: 'echo' })));
    expect(error.name).toBe('TooManyRequestsException');
    expect(error.message).toBe('Rate Exceeded.');
    expect(error.Reason).toBe('ReservedFunctionConcurrentInvocationLimitExceeded');
    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(error.$metadata.attempts).toBe(3); // the SDK's default: standard mode, 3 attempts
    expect(emulator.invocations.echo).toBe(6);
    expect(runs.echo).toBe(1);
  });

  it('lets the SDK retry a ServiceException (500)', async () => {
    emulator.injectFault({ type: 'ServiceException', times: 1 });
    const res = await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode('after 500') }));
    expect(decode(res)).toBe('after 500');
    expect(emulator.invocations.echo).toBe(2);

    const oneShot = new LambdaClient({ maxAttempts: 1 });
    try {
      emulator.injectFault({
        functionName: 'echo',
        type: 'ServiceException',
        message: 'Lambda is having a day',
      });
      const error = await sdkError(oneShot.send(new InvokeCommand({ FunctionName: 'echo' })));
      expect(error.name).toBe('ServiceException');
      expect(error.message).toBe('Lambda is having a day');
      expect(error.$metadata.httpStatusCode).toBe(500);
    } finally {
      oneShot.destroy();
    }
  });

  it('injects ResourceNotFoundException, FunctionError and Timeout only for the named function', async () => {
    emulator.injectFault({ functionName: emulator.arnOf('record'), type: 'ResourceNotFoundException' });
    await client.send(new InvokeCommand({ FunctionName: 'echo' })); // other functions are untouched
    const missing = await sdkError(client.send(new InvokeCommand({ FunctionName: 'record' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe(`Function not found: ${ARN_PREFIX}record`);

    emulator.injectFault({ functionName: 'record', type: 'FunctionError', message: 'injected failure' });
    const failed = await client.send(new InvokeCommand({ FunctionName: 'record' }));
    expect(failed.StatusCode).toBe(200);
    expect(failed.FunctionError).toBe('Unhandled');
    expect(decode(failed)).toMatchObject({ errorType: 'Error', errorMessage: 'injected failure' });

    emulator.injectFault({ functionName: 'record', type: 'Timeout', delayMs: 100 });
    const started = performance.now();
    const timedOut = await client.send(new InvokeCommand({ FunctionName: 'record' }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(timedOut.FunctionError).toBe('Unhandled');
    expect(decode(timedOut)).toMatchObject({ errorType: 'Sandbox.Timedout' });

    expect(runs.record ?? 0).toBe(0); // the handler never ran
    expect(emulator.invocations.record).toBe(3);
  });

  it('holds invokes of the named function until released; other functions answer meanwhile', async () => {
    emulator.holdInvocations(emulator.arnOf('echo'));
    let answered = false;
    const held = client
      .send(new InvokeCommand({ FunctionName: 'echo', Payload: encode({ held: true }) }))
      .then((res) => {
        answered = true;
        return res;
      });
    const other = await client.send(new InvokeCommand({ FunctionName: 'record', Payload: encode({}) }));
    expect(decode(other)).toEqual({ recorded: true });
    await vi.waitFor(() => {
      expect(emulator.heldInvocations).toBe(1);
    });
    expect(emulator.invocations.echo).toBe(1); // counted on arrival
    expect(runs.echo ?? 0).toBe(0); // but not run
    expect(answered).toBe(false);
    emulator.releaseInvocations();
    expect(decode(await held)).toEqual({ held: true });
    expect(emulator.heldInvocations).toBe(0);
    expect(emulator.abandoned.echo ?? 0).toBe(0); // answered, not abandoned
    // Released for good: the next invoke is not held.
    expect(decode(await client.send(new InvokeCommand({ FunctionName: 'echo', Payload: encode(2) })))).toBe(
      2,
    );
  });

  it('runs a held invoke once released even though its caller gave up (as Lambda does)', async () => {
    emulator.holdInvocations();
    const caller = new AbortController();
    const abandoned = client
      .send(new InvokeCommand({ FunctionName: 'record', Payload: encode({ late: true }) }), {
        abortSignal: caller.signal,
      })
      .catch((error: unknown) => error);
    await vi.waitFor(() => {
      expect(emulator.heldInvocations).toBe(1);
    });
    caller.abort();
    expect(await abandoned).toMatchObject({ name: 'AbortError' });
    // Counted when the caller's connection closes, before any answer.
    await vi.waitFor(() => {
      expect(emulator.abandoned.record).toBe(1);
    });
    expect(received).toEqual([]);
    emulator.releaseInvocations();
    await emulator.whenIdle(); // waits for runs whose caller has gone
    expect(received).toEqual([{ late: true }]);
    expect(emulator.abandoned.record).toBe(1);
  });

  it('runs an Event invocation in the background after answering 202', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let done = false;
    emulator.register('background', async (event) => {
      await gate;
      received.push(event);
      done = true;
    });
    const res = await client.send(
      new InvokeCommand({ FunctionName: 'background', InvocationType: 'Event', Payload: encode({ job: 7 }) }),
    );
    expect(res.StatusCode).toBe(202);
    try {
      expect((res.Payload ?? new Uint8Array()).length).toBe(0);
      expect(res.FunctionError).toBeUndefined();
      expect(done).toBe(false); // answered before the handler finished
    } finally {
      release();
    }
    await emulator.whenIdle();
    expect(done).toBe(true);
    expect(received).toEqual([{ job: 7 }]);
  });

  it('answers DryRun with 204 without running the handler', async () => {
    const res = await client.send(new InvokeCommand({ FunctionName: 'record', InvocationType: 'DryRun' }));
    expect(res.StatusCode).toBe(204);
    expect(runs.record ?? 0).toBe(0);
    expect(emulator.invocations.record).toBe(1);
    const missing = await sdkError(
      client.send(new InvokeCommand({ FunctionName: 'nope', InvocationType: 'DryRun' })),
    );
    expect(missing.name).toBe('ResourceNotFoundException');
  });

  it('answers 100 concurrent invocations', async () => {
    // The first invocations wait until 10 of them run at once, so they cannot have been serialised
    // (the SDK's own connection pool bounds how many of the 100 are in flight together).
    let running = 0;
    let enoughRunning: () => void = () => undefined;
    const together = new Promise<void>((resolve) => (enoughRunning = resolve));
    emulator.register('concurrent', async (event, context) => {
      running += 1;
      if (running === 10) enoughRunning();
      await together;
      return { event, requestId: context.awsRequestId };
    });
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        client.send(new InvokeCommand({ FunctionName: 'concurrent', Payload: encode({ i }) })),
      ),
    );
    const bodies = results.map((res) => decode(res) as { event: { i: number }; requestId: string });
    expect(bodies.map((body) => body.event.i)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(new Set(bodies.map((body) => body.requestId)).size).toBe(100);
    results.forEach((res, i) => {
      expect(res.$metadata.requestId).toBe(bodies[i]?.requestId);
    });
    expect(emulator.invocations.concurrent).toBe(100);
  });

  it('refuses a payload over 6 MB with 413', async () => {
    const big = new TextEncoder().encode(JSON.stringify('x'.repeat(6 * 1024 * 1024)));
    const error = await sdkError(client.send(new InvokeCommand({ FunctionName: 'echo', Payload: big })));
    expect(error.name).toBe('RequestEntityTooLargeException');
    expect(error.message).toBe('Request must be smaller than 6291456 bytes for the InvokeFunction operation');
    expect(error.$metadata.httpStatusCode).toBe(413);
    expect(runs.echo ?? 0).toBe(0);
  });

  it('refuses an Event payload over 1 MB with 413', async () => {
    const big = new TextEncoder().encode(JSON.stringify('y'.repeat(1024 * 1024)));
    const error = await sdkError(
      client.send(new InvokeCommand({ FunctionName: 'record', InvocationType: 'Event', Payload: big })),
    );
    expect(error.name).toBe('RequestEntityTooLargeException');
    expect(error.message).toBe(
      `${big.length} byte payload is too large for the Event invocation type (limit 1048576 bytes)`,
    );
  });

  it('fails a response over 6 MB with Function.ResponseSizeTooLarge', async () => {
    emulator.register('huge', () => Promise.resolve('z'.repeat(6_300_000)));
    const res = await client.send(new InvokeCommand({ FunctionName: 'huge' }));
    expect(res.FunctionError).toBe('Unhandled');
    expect(decode(res)).toEqual({
      errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
      errorType: 'Function.ResponseSizeTooLarge',
    });
  });

  it('refuses a payload that is not JSON with InvalidRequestContentException', async () => {
    const error = await sdkError(
      client.send(
        new InvokeCommand({ FunctionName: 'echo', Payload: new TextEncoder().encode('{not json') }),
      ),
    );
    expect(error.name).toBe('InvalidRequestContentException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.message).toMatch(
      /^Could not parse request body into json: Could not parse payload into json: /,
    );
  });

  it('ends the invocation on the deprecated context.succeed and context.fail', async () => {
    /** The callback-era methods, deprecated in the types but still on the Node.js 22 runtime's context. */
    interface CallbackEra {
      succeed(result: unknown): void;
      fail(error: unknown): void;
    }
    emulator.register('legacy-ok', (_event, context) => {
      (context as unknown as CallbackEra).succeed({ legacy: true });
      return new Promise(() => undefined);
    });
    emulator.register('legacy-fail', (_event, context) => {
      (context as unknown as CallbackEra).fail(new Error('legacy failure'));
      return new Promise(() => undefined);
    });
    const ok = await client.send(new InvokeCommand({ FunctionName: 'legacy-ok' }));
    expect(decode(ok)).toEqual({ legacy: true });
    const failed = await client.send(new InvokeCommand({ FunctionName: 'legacy-fail' }));
    expect(failed.FunctionError).toBe('Unhandled');
    expect(decode(failed)).toMatchObject({ errorType: 'Error', errorMessage: 'legacy failure' });
  });
});

describe('LambdaEmulator log tail (LogType: Tail)', () => {
  it("returns what the invocation logged, in the runtime's format, between START, END and REPORT", async () => {
    emulator.register('logs', (event) => {
      console.log('hello from', event);
      console.error('something odd');
      process.stdout.write('a raw stdout line\n');
      return Promise.resolve('ok');
    });
    const res = await client.send(
      new InvokeCommand({ FunctionName: 'logs', LogType: 'Tail', Payload: encode({ user: 'u1' }) }),
    );
    const id = res.$metadata.requestId ?? '';
    const lines = logOf(res).split('\n');
    expect(lines[0]).toBe(`START RequestId: ${id} Version: $LATEST`);
    expect(lines[1]).toMatch(
      new RegExp(`^\\d{4}-\\d{2}-\\d{2}T[\\d:.]+Z\\t${id}\\tINFO\\thello from \\{ user: 'u1' \\}$`),
    );
    expect(lines[2]).toMatch(new RegExp(`Z\\t${id}\\tERROR\\tsomething odd$`));
    expect(lines[3]).toBe('a raw stdout line');
    expect(lines[4]).toBe(`END RequestId: ${id}`);
    expect(lines[5]).toMatch(
      new RegExp(
        `^REPORT RequestId: ${id}\\tDuration: [\\d.]+ ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\t$`,
      ),
    );
    expect(lines[6]).toBe('');
  });

  it('captures Powertools Logger output and the runtime\'s "Invoke Error" line', async () => {
    const logger = new Logger({ serviceName: 'emulator-test' });
    emulator.register('powertools', () => {
      logger.info('minting a token', { flow: 'jwt-bearer' });
      return Promise.reject(new Error('mint failed'));
    });
    const res = await client.send(new InvokeCommand({ FunctionName: 'powertools', LogType: 'Tail' }));
    const log = logOf(res);
    const json = log.split('\n').find((line) => line.startsWith('{'));
    expect(JSON.parse(json ?? '{}')).toMatchObject({
      level: 'INFO',
      message: 'minting a token',
      flow: 'jwt-bearer',
    });
    expect(log).toMatch(
      /\tERROR\tInvoke Error \t\{"errorType":"Error","errorMessage":"mint failed",.*"stack":\["Error: mint failed",/,
    );
  });

  it("keeps concurrent invocations' logs apart", async () => {
    emulator.register('chatty', async (event) => {
      const { tag } = event as { tag: string };
      for (let i = 0; i < 5; i += 1) {
        console.log(`${tag}-${i}`);
        // Yield to the other invocations, so their lines interleave.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return tag;
    });
    const results = await Promise.all(
      ['alpha', 'beta', 'gamma'].map((tag) =>
        client.send(new InvokeCommand({ FunctionName: 'chatty', LogType: 'Tail', Payload: encode({ tag }) })),
      ),
    );
    for (const res of results) {
      const tag = decode(res) as string;
      const logged = [...logOf(res).matchAll(/\tINFO\t(\w+)-\d/g)].map((match) => match[1]);
      expect(logged).toEqual([tag, tag, tag, tag, tag]);
    }
  });

  it('returns only the last 4 KB', async () => {
    emulator.register('verbose', () => {
      for (let i = 0; i < 40; i += 1) console.log(`line ${i} ${'.'.repeat(120)}`);
      return Promise.resolve(null);
    });
    const res = await client.send(new InvokeCommand({ FunctionName: 'verbose', LogType: 'Tail' }));
    const tail = Buffer.from(res.LogResult ?? '', 'base64');
    expect(tail.length).toBe(4096);
    const text = tail.toString('utf8');
    expect(text).toContain('line 39');
    expect(text).not.toContain('START RequestId');
    expect(text).toMatch(/REPORT RequestId: [0-9a-f-]{36}\t.*\n$/);
  });
});

describe('LambdaEmulator wire protocol', () => {
  it('answers an unknown function with 404, x-amzn-ErrorType and the body AWS sends', async () => {
    const response = await rawInvoke('absent', '{}');
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-amzn-requestid')).toMatch(UUID);
    expect(await response.json()).toEqual({
      Message: `Function not found: ${ARN_PREFIX}absent`,
      Type: 'User',
    });
  });

  it('answers a throttle with 429 and Reason, Type and message', async () => {
    emulator.injectFault({ type: 'TooManyRequestsException' });
    const response = await rawInvoke('echo', '{}');
    expect(response.status).toBe(429);
    expect(response.headers.get('x-amzn-errortype')).toBe('TooManyRequestsException');
    expect(response.headers.get('retry-after')).toBeNull();
    expect(await response.text()).toBe(
      '{"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}',
    );
  });

  it('sends the result headers of a synchronous invocation', async () => {
    const response = await rawInvoke('echo', '{"a":1}', { 'X-Amz-Log-Type': 'Tail' });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-amz-executed-version')).toBe('$LATEST');
    expect(response.headers.get('x-amz-function-error')).toBeNull();
    expect(response.headers.get('x-amz-log-result')).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(await response.text()).toBe('{"a":1}');
  });

  it('answers Event with an empty 202 and DryRun with an empty 204', async () => {
    const event = await rawInvoke('record', '{}', { 'X-Amz-Invocation-Type': 'Event' });
    expect(event.status).toBe(202);
    expect(await event.text()).toBe('');
    const dryRun = await rawInvoke('record', '{}', { 'X-Amz-Invocation-Type': 'DryRun' });
    expect(dryRun.status).toBe(204);
  });

  it('refuses an unknown invocation type', async () => {
    const response = await rawInvoke('echo', '{}', { 'X-Amz-Invocation-Type': 'Later' });
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
  });

  it('refuses an unsigned request with 403 MissingAuthenticationTokenException', async () => {
    const response = await fetch(`${emulator.url}/2015-03-31/functions/echo/invocations`, {
      method: 'POST',
      body: '{}',
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
    expect(emulator.invocations.echo ?? 0).toBe(0);
  });

  it('refuses a malformed Authorization header with 403 IncompleteSignatureException', async () => {
    const response = await rawInvoke('echo', '{}', { Authorization: 'Bearer abc', 'X-Amz-Date': '' });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('IncompleteSignatureException');
    const { message } = (await response.json()) as { message: string };
    expect(message).toBe(
      "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. " +
        "Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer abc",
    );
  });

  it('refuses other paths and methods', async () => {
    const response = await fetch(`${emulator.url}/2015-03-31/functions/echo`, { method: 'GET' });
    expect(response.status).toBe(404);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
  });
});
