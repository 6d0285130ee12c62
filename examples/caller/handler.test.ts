// Runs the handler against sf-lambda-bridge/testing: the Salesforce and Secrets Manager emulators,
// and a Lambda emulator running the package's own token vendor, which the handler invokes with the
// real @aws-sdk/client-lambda. Nothing is mocked; no AWS account or org is needed.
//
//   node handler.test.ts [handler module]   (default ./dist/handler.mjs, from `npm run build`)
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { LambdaEmulator, startLocalStack } from 'sf-lambda-bridge/testing';
import { createTokenVendorHandler } from 'sf-lambda-bridge/vendor';
import type { AccountsEvent, AccountsSummary } from './handler.ts';

const VENDOR = 'sf-token-vendor';

/** A Lambda context as the runtime passes it (what middy and salesforce() read). */
function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

const stack = await startLocalStack();
const lambda = await LambdaEmulator.start({ echoLogs: false });
try {
  // What both Lambdas would have in AWS, pointed at the emulators. The SDK wants credentials and a
  // region to sign with; the emulators check the signature's shape, not the keys.
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLECALLER',
    AWS_SECRET_ACCESS_KEY: 'example-caller-secret',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    ...stack.env, // the vendor's: AWS_ENDPOINT_URL_SECRETS_MANAGER, SALESFORCE_SECRET_ID
    AWS_ENDPOINT_URL_LAMBDA: lambda.url, // the caller's: where it invokes the vendor
    TOKEN_VENDOR_FUNCTION: VENDOR,
  });
  const vendor = createTokenVendorHandler();
  lambda.register(VENDOR, (event, context) => vendor(event, context), { timeoutMs: 10_000 });

  const module = resolve(process.argv[2] ?? 'dist/handler.mjs');
  const { handler } = (await import(pathToFileURL(module).href)) as {
    handler: (event: AccountsEvent, context: Context) => Promise<AccountsSummary>;
  };

  // An account that is already there is updated; a new one is created; a nameless one is refused.
  const existing = stack.salesforce.insertRecord('Account', { Ext_Id__c: 'EX-1', Name: 'Old name' });
  const first = await handler(
    {
      accounts: [
        { ref: 'EX-1', name: 'Acme' },
        { ref: 'EX-2', name: 'Globex' },
        { ref: 'EX-3', name: '' },
      ],
    },
    lambdaContext('example-caller'),
  );
  assert.equal(first.upserted, 2);
  assert.deepEqual(first.failed, [{ ref: 'EX-3', statusCode: 'REQUIRED_FIELD_MISSING' }]);
  assert.deepEqual(
    first.accounts.map(({ ref, name }) => ({ ref, name })),
    [
      { ref: 'EX-1', name: 'Acme' },
      { ref: 'EX-2', name: 'Globex' },
    ],
  );
  assert.equal(first.accounts[0]?.id, existing);
  // Written through the emulator's REST API, as Salesforce would hold them.
  assert.equal(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'EX-1')?.Name, 'Acme');
  assert.equal(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'EX-2')?.Name, 'Globex');
  assert.equal(stack.salesforce.findRecord('Account', 'Ext_Id__c', 'EX-3'), undefined);

  // A warm invocation reuses the cached token: the vendor was invoked once in all.
  const second = await handler(
    { accounts: [{ ref: 'EX-2', name: 'Globex Corp' }] },
    lambdaContext('example-caller'),
  );
  assert.deepEqual(second.failed, []);
  assert.equal(second.accounts[0]?.name, 'Globex Corp');
  assert.equal(lambda.invocations[VENDOR], 1);

  console.log(JSON.stringify({ ok: true, node: process.version, first, second }));
} finally {
  await Promise.all([lambda.close(), stack.close()]);
}
