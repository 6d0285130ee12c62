// Runs a packaged (esbuild) token-vendor bundle against a fresh local stack, in its own process
// as Lambda would, and prints what it vended (never the token itself).
import { startLocalStack } from '../../emulators/local-stack/stack.js';

const bundle = process.argv[2];
if (!bundle) throw new Error('usage: run-packaged-vendor.ts <path to the packaged token-vendor.js>');
const stack = await startLocalStack();
Object.assign(process.env, stack.env, {
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  POWERTOOLS_LOG_LEVEL: 'ERROR',
});
const { handler } = (await import(bundle)) as {
  handler: (event: unknown, context: unknown) => Promise<Record<string, unknown> & { accessToken: string }>;
};
const token = await handler(
  {},
  { functionName: 'tokenVendor', awsRequestId: 'local', getRemainingTimeInMillis: () => 30_000 },
);
console.log(
  JSON.stringify({
    active: stack.salesforce.isActiveSession(token.accessToken),
    keys: Object.keys(token).sort(),
  }),
);
await stack.close();
