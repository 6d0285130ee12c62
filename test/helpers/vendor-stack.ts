import { afterAll, beforeAll, beforeEach } from 'vitest';
import { LambdaEmulator } from '../../emulators/lambda/lambda-emulator.js';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import { useEnv } from './env.js';
import { coldStart } from './lambda.js';

/** The function name the token vendor is registered under in the Lambda emulator. */
export const VENDOR_FUNCTION = 'sf-token-vendor';

export interface VendorStack {
  stack: LocalStack;
  lambda: LambdaEmulator;
  /** What a caller Lambda's environment holds: the Lambda endpoint and the vendor's name, no secret. */
  callerEnv: () => Record<string, string | undefined>;
  /** Invocations of the vendor so far (each of the SDK's retries counts). */
  vendorInvocations: () => number;
  close: () => Promise<void>;
}

/**
 * The local stack plus the Lambda Invoke emulator running the real token vendor handler, as a
 * caller Lambda meets it: the caller invokes the vendor with the real `@aws-sdk/client-lambda`
 * through `AWS_ENDPOINT_URL_LAMBDA`. The vendor's logs stay in its invocations' logs.
 * Stub `callerEnv()` before each test (`useEnv`): the SDK resolves endpoints at first use.
 */
export async function startVendorStack(): Promise<VendorStack> {
  const [stack, lambda] = await Promise.all([startLocalStack(), LambdaEmulator.start({ echoLogs: false })]);
  const vendor = await coldStart<{ handler: (event: unknown, context: unknown) => Promise<unknown> }>(
    '../../functions/token-vendor.js',
    { ...stack.env, SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID },
  );
  lambda.register(VENDOR_FUNCTION, (event, context) => vendor.handler(event, context), { timeoutMs: 10_000 });
  return {
    stack,
    lambda,
    // The vendor shares this process's env: its Secrets Manager endpoint stays set.
    callerEnv: () => ({
      ...stack.env,
      AWS_ENDPOINT_URL_LAMBDA: lambda.url,
      TOKEN_VENDOR_FUNCTION: VENDOR_FUNCTION,
    }),
    vendorInvocations: () => lambda.invocations[VENDOR_FUNCTION] ?? 0,
    close: async () => {
      await Promise.all([stack.close(), lambda.close()]);
    },
  };
}

/**
 * {@link startVendorStack} for the whole test file: started before its tests, stopped after
 * them, the caller's environment stubbed for each test (`useEnv`), and Account records and
 * armed faults cleared before each. The returned stack is usable inside tests and hooks.
 */
export function useVendorStack(): VendorStack {
  let started: VendorStack | undefined;
  const current = (): VendorStack => {
    if (!started) throw new Error('useVendorStack: the stack is started in beforeAll');
    return started;
  };
  beforeAll(async () => {
    started = await startVendorStack();
  });
  useEnv(() => current().callerEnv());
  beforeEach(() => {
    const { stack, lambda } = current();
    stack.salesforce.clearRecords('Account');
    stack.salesforce.clearFaults();
    lambda.clearFaults();
  });
  afterAll(async () => {
    await started?.close();
  });
  return {
    get stack() {
      return current().stack;
    },
    get lambda() {
      return current().lambda;
    },
    callerEnv: () => current().callerEnv(),
    vendorInvocations: () => current().vendorInvocations(),
    close: () => current().close(),
  };
}
