import type { Context } from 'aws-lambda';
import { vi } from 'vitest';
import { recordOutput } from '../setup/output-sink.js';
import { stubEnv } from './env.js';

let invocation = 0;

/** A Lambda context as the runtime passes it (only the fields handlers and Powertools read). */
export function lambdaContext(functionName = 'sf-lambda-bridge-test', timeoutMs = 30_000): Context {
  invocation += 1;
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `req-${invocation}`,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  } as Context;
}

/**
 * Imports a handler module into a fresh module registry with the given env: a cold start.
 * Everything built at module scope (clients, caches, logger) is new; calling the returned
 * handler again is a warm invocation of the same container.
 *
 * The env is stubbed (test/helpers/env.ts) and so lasts until the current test ends; the AWS SDK
 * reads its endpoint env vars lazily, at a client's first request, so a handler cold-started in a
 * beforeAll needs its env stubbed again before each test that calls it (`useEnv`).
 */
export async function coldStart<T>(modulePath: string, env: Record<string, string | undefined>): Promise<T> {
  stubEnv(env);
  vi.resetModules();
  return (await import(modulePath)) as T;
}

/** Collects (and swallows) everything written to stdout and stderr, to scan it for secrets. */
export function captureOutput(): { text: () => string; lines: () => string[]; restore: () => void } {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
      chunks.push(text);
      // Swallowed here, but still scanned for secrets at the end of the run.
      recordOutput(text);
      return true;
    }),
  );
  const text = () => chunks.join('');
  return {
    text,
    lines: () =>
      text()
        .split('\n')
        .filter((line) => line.trim() !== ''),
    restore: () => {
      spies.forEach((s) => {
        s.mockRestore();
      });
    },
  };
}
