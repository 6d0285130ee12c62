// What `serverless invoke local --stage local` needs around it: the local stack, the Lambda
// Invoke emulator running the token vendor under its deployed name, and a sample sync source: a
// gzipped NDJSON object in the S3 emulator.
import type { Context } from 'aws-lambda';
import { LambdaEmulator } from '../lambda/lambda-emulator.js';
import { seedSampleSource } from './sample-source.js';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from './stack.js';

/** The bucket of the local scheduled sync's run reports. */
export const LOCAL_REPORT_BUCKET = 'sf-lambda-bridge-local-reports';

/** The vendor's name under `--stage local`, as serverless.yml names it. */
export const LOCAL_VENDOR_NAME = 'sf-lambda-bridge-local-tokenVendor';

export interface InvokeLocalStack {
  stack: LocalStack;
  lambda: LambdaEmulator;
  /** `s3://…` of the sample source in the S3 emulator (`stack.s3`). */
  sourceUrl: string;
  /** `s3://…/` where the scheduled sync writes its run reports (SYNC_REPORT_URL), in the same emulator. */
  reportUrl: string;
  /** Env for `serverless invoke local` (or your own code) to reach the emulators. */
  env: Record<string, string>;
  close(): Promise<void>;
}

type VendorHandler = (event: unknown, context: Context) => Promise<unknown>;

/**
 * Starts everything (around an existing local stack, if given). `loadVendor` imports a fresh
 * token-vendor module (the caller decides how, since a cold start needs its own module
 * instance); it runs after SALESFORCE_SECRET_ID and the endpoints are set.
 */
export async function startInvokeLocalStack(
  loadVendor: () => Promise<VendorHandler>,
  options: { stack?: LocalStack; records?: number; withBadRecords?: boolean } = {},
): Promise<InvokeLocalStack> {
  const [stack, lambda] = await Promise.all([
    options.stack ?? startLocalStack({ s3: true }),
    LambdaEmulator.start(),
  ]);
  if (!stack.s3) throw new Error('startInvokeLocalStack needs a local stack started with { s3: true }');
  Object.assign(process.env, stack.env, { SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID });
  const vendor = await loadVendor();
  lambda.register(LOCAL_VENDOR_NAME, (event, context) => vendor(event, context), { timeoutMs: 30_000 });
  const sourceUrl = await seedSampleSource(stack.s3, options.records ?? 100, options.withBadRecords);
  await stack.s3.createBucket(LOCAL_REPORT_BUCKET);
  return {
    stack,
    lambda,
    sourceUrl,
    reportUrl: `s3://${LOCAL_REPORT_BUCKET}/scheduled-sync/`,
    env: {
      AWS_REGION: process.env.AWS_REGION ?? 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: stack.secretsManager.url,
      AWS_ENDPOINT_URL_LAMBDA: lambda.url,
      AWS_ENDPOINT_URL_S3: stack.s3.url,
    },
    close: async () => {
      await Promise.all([stack.close(), lambda.close()]);
    },
  };
}
