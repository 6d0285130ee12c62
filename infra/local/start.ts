// `npm start`: the local stack, end to end, with no AWS account and no Salesforce org.
// Starts the emulators, stores the credentials secret, then runs the real token-vendor handler
// through the same code path as in AWS: a cold invocation, then a warm one, for both flows.
// `--keep-running` also starts the Lambda Invoke emulator (running the vendor) and a sample sync
// source, and prints the env vars for `serverless invoke local` or your own code.
import type { Context } from 'aws-lambda';
import { LOCAL_VENDOR_NAME, startInvokeLocalStack } from './invoke-local-stack.js';
import { LOCAL_CC_SECRET_ID, LOCAL_JWT_SECRET_ID, startLocalStack } from './stack.js';

const keepRunning = process.argv.includes('--keep-running');

interface VendorModule {
  handler: (
    event: unknown,
    context: Context,
  ) => Promise<{ accessToken: string; instanceUrl: string; expiresAt: number }>;
}

function redact(token: string): string {
  return `${token.slice(0, 16)}…[${token.length - 16} chars redacted]`;
}

function context(): Context {
  return {
    functionName: 'token-vendor',
    awsRequestId: crypto.randomUUID(),
    invokedFunctionArn: 'arn:aws:lambda:local:000000000000:function:token-vendor',
    memoryLimitInMB: '256',
    getRemainingTimeInMillis: () => 30_000,
  } as Context;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

/** A fresh import per secret: each is its own cold container. */
async function coldVendor(secretId: string, instance = secretId): Promise<VendorModule['handler']> {
  process.env.SALESFORCE_SECRET_ID = secretId;
  const module = (await import(
    `../../functions/token-vendor.ts?${encodeURIComponent(instance)}`
  )) as VendorModule;
  return module.handler;
}

async function main(): Promise<void> {
  const stack = await startLocalStack();
  // The SDK and the handler read these exactly as they would in Lambda.
  process.env.AWS_REGION ??= 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDLOCALSTACK';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local-stack-not-a-real-secret';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  Object.assign(process.env, stack.env);
  console.log(`Salesforce emulator      ${stack.salesforce.url}`);
  console.log(`Secrets Manager emulator ${stack.secretsManager.url}`);

  const failures: string[] = [];
  for (const secretId of [LOCAL_JWT_SECRET_ID, LOCAL_CC_SECRET_ID]) {
    const handler = await coldVendor(secretId);
    const [cold, coldMs] = await timed(() => handler({}, context()));
    const [warm, warmMs] = await timed(() => handler({}, context()));
    const check = await fetch(`${cold.instanceUrl}/services/data/v66.0/limits`, {
      headers: { authorization: `Bearer ${cold.accessToken}` },
    });
    console.log(`\n${secretId}`);
    console.log(`  cold invocation  ${coldMs.toFixed(1)} ms  token ${redact(cold.accessToken)}`);
    console.log(
      `  warm invocation  ${warmMs.toFixed(3)} ms  same token: ${String(warm.accessToken === cold.accessToken)}`,
    );
    console.log(`  GET /limits with the token: HTTP ${check.status}`);
    if (check.status !== 200 || warm.accessToken !== cold.accessToken) failures.push(secretId);
  }
  console.log(
    `\nlogins ${stack.salesforce.stats.logins}, secret fetches ${stack.secretsManager.calls.GetSecretValue ?? 0}, API calls ${stack.salesforce.stats.apiCalls}`,
  );

  if (keepRunning) {
    const local = await startInvokeLocalStack(() => coldVendor(LOCAL_JWT_SECRET_ID, 'lambda'), { stack });
    const exports = Object.entries(local.env)
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    console.log(`\nSalesforce emulator      ${local.stack.salesforce.url}`);
    console.log(`Secrets Manager emulator ${local.stack.secretsManager.url}`);
    console.log(`Lambda Invoke emulator   ${local.lambda.url} (runs ${LOCAL_VENDOR_NAME})`);
    console.log(`Sample sync source       ${local.sourceUrl}`);
    console.log('\nEmulators keep running (Ctrl-C to stop). In another shell:');
    console.log(`  export ${exports}`);
    console.log('  npx serverless invoke local --stage local -f tokenVendor');
    console.log(
      '  npx serverless invoke local --stage local -f sqsSync --path infra/local/events/sqs-batch.json',
    );
    console.log(
      `  npx serverless invoke local --stage local -f scheduledSync --path infra/local/events/schedule.json -e SYNC_SOURCE_URL=${local.sourceUrl}`,
    );
    process.on('SIGINT', () => {
      void local.close().then(() => process.exit(0));
    });
    return;
  }
  await stack.close();
  if (failures.length) {
    console.error(`\nFAILED: ${failures.join(', ')}`);
    process.exit(1);
  }
  console.log('\nOK: both flows minted, cached and used a token against the local stack.');
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
