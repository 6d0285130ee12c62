// `npm start [-- --records N] [-- --keep-running]`: the whole package, end to end, with no AWS
// account and no Salesforce org. Starts the emulators (Secrets Manager, Salesforce, Lambda Invoke, S3),
// generates a key pair and certificate, stores the secret, registers the certificate, then runs
// the real handlers through the same code paths as in AWS: the token vendor (cold, then warm, for
// both flows), an SQS batch with bad messages, and a scheduled sync of a generated gzipped NDJSON
// source read from the S3 emulator.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { SyncSummary } from '../../lib/sync/scheduled-sync.js';
import type { VendorResponse } from '../../lib/token/vendor-request.js';
import { failureLine, runCli, UsageError, type Cli } from '../../scripts/cli.js';
import { captureLogs } from './console-capture.js';
import { withProgress } from './progress.js';
import { LOCAL_VENDOR_NAME, startInvokeLocalStack, type InvokeLocalStack } from './invoke-local-stack.js';
import { SAMPLE_BAD_RECORDS } from './sample-source.js';
import { LOCAL_CC_SECRET_ID, LOCAL_JWT_SECRET_ID } from './stack.js';

const options = {
  'keep-running': { type: 'boolean', default: false },
  records: { type: 'string', default: '10000' },
} as const;

export const startCli = {
  name: 'npm start',
  usage: `Usage: npm start [-- options]

Runs the whole package locally, with no AWS account and no Salesforce org: emulators of Secrets
Manager, Salesforce, Lambda Invoke and S3 on 127.0.0.1, then the real handlers (token vendor, an
SQS batch, a scheduled sync of a gzipped NDJSON object in S3), and a report. Exits 0 only if
everything came out as expected.

Options:
  --records N     records in the scheduled sync's generated source, 10 to 1000000 (default: 10000)
  --keep-running  leave the emulators up for \`serverless invoke local\` until SIGINT or SIGTERM
  -h, --help      show this help`,
  options,
  check: (values) => {
    const records = Number(values.records);
    if (!/^\d+$/.test(values.records) || records < 10 || records > 1_000_000)
      throw new UsageError(`--records must be a whole number from 10 to 1000000, not "${values.records}"`);
    return { keepRunning: values['keep-running'], records };
  },
} satisfies Cli<typeof options, unknown>;

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

/** A fresh module instance per name: each is its own cold Lambda container. */
async function coldStart<E, R>(
  file: string,
  instance: string,
  env: Record<string, string>,
): Promise<Handler<E, R>> {
  Object.assign(process.env, env);
  // The query string makes a new module instance; vite-ignore: Vite (tests import this file for its
  // argument parsing) cannot analyse this import and would warn about it.
  const module = (await import(/* @vite-ignore */ `../../functions/${file}?${instance}`)) as {
    handler: Handler<E, R>;
  };
  return module.handler;
}

function context(functionName: string, timeoutMs: number): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    functionName,
    awsRequestId: crypto.randomUUID(),
    invokedFunctionArn: `arn:aws:lambda:eu-west-1:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    getRemainingTimeInMillis: () => deadline - Date.now(),
  } as Context;
}

const redact = (token: string) => `${token.slice(0, 16)}…[${token.length - 16} chars redacted]`;

async function vendorStep(local: InvokeLocalStack, problems: string[]): Promise<number> {
  console.log('\n1. Token vendor (functions/token-vendor.ts)');
  let vended = 0;
  for (const secretId of [LOCAL_JWT_SECRET_ID, LOCAL_CC_SECRET_ID]) {
    const vend = await coldStart<unknown, VendorResponse>('token-vendor.ts', secretId, {
      SALESFORCE_SECRET_ID: secretId,
    });
    const cold = await captureLogs(() => timed(() => vend({}, context('token-vendor', 30_000))));
    const warm = await captureLogs(() => timed(() => vend({}, context('token-vendor', 30_000))));
    vended += 2;
    const [token, coldMs] = cold.value;
    const active = local.stack.salesforce.isActiveSession(token.accessToken);
    console.log(
      `   ${secretId.padEnd(42)} cold ${coldMs.toFixed(1).padStart(6)} ms, warm ${warm.value[1].toFixed(3)} ms, token ${redact(token.accessToken)}`,
    );
    if (!active || warm.value[0].accessToken !== token.accessToken)
      problems.push(`token vendor (${secretId}) did not vend one working, cached token`);
  }
  return vended;
}

async function sqsStep(
  local: InvokeLocalStack,
  problems: string[],
): Promise<{ written: number; failed: number }> {
  console.log('\n2. SQS batch (functions/sqs-sync.ts, tokens from the vendor through Lambda Invoke)');
  const sync = await coldStart<SQSEvent, SQSBatchResponse>('sqs-sync.ts', 'demo', {
    TOKEN_VENDOR_FUNCTION: LOCAL_VENDOR_NAME,
    SYNC_SOBJECT: 'Account',
    SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
  });
  const bodies: string[] = Array.from({ length: 17 }, (_, i) =>
    JSON.stringify({ record: { Ext_Id__c: `SQS-${i}`, Name: `Queued, "${i}"` } }),
  );
  bodies.splice(4, 0, '{"record": {"Ext_Id__c": "SQS-broken"');
  bodies.splice(9, 0, JSON.stringify({ record: { Ext_Id__c: 'SQS-no-name' } }));
  bodies.splice(
    14,
    0,
    JSON.stringify({ record: { Ext_Id__c: 'SQS-bad-field', Name: 'x', Nickname__c: 'y' } }),
  );
  const event: SQSEvent = {
    Records: bodies.map((body, i) => ({
      messageId: `demo-${i}`,
      receiptHandle: `rh-${i}`,
      body,
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '0',
        SenderId: 'demo',
        ApproximateFirstReceiveTimestamp: '0',
      },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:sf-lambda-bridge-local-sync',
      awsRegion: 'eu-west-1',
    })),
  };
  const { value: response, lines } = await captureLogs(() => sync(event, context('sqs-sync', 120_000)));
  const reasons = lines.filter((l) => l.message === 'message not written to Salesforce');
  console.log(
    `   ${bodies.length} messages: ${bodies.length - response.batchItemFailures.length} written, ${response.batchItemFailures.length} reported in batchItemFailures`,
  );
  for (const r of reasons)
    console.log(`     ${String(r.messageId)}  ${String(r.statusCode)}: ${String(r.error)}`);
  if (response.batchItemFailures.length !== 3)
    problems.push(
      `SQS batch: expected exactly the 3 bad messages to fail, got ${response.batchItemFailures.length}`,
    );
  return {
    written: bodies.length - response.batchItemFailures.length,
    failed: response.batchItemFailures.length,
  };
}

async function scheduledStep(
  local: InvokeLocalStack,
  records: number,
  problems: string[],
): Promise<SyncSummary> {
  console.log(
    `\n3. Scheduled sync (functions/scheduled-sync.ts) of ${records.toLocaleString('en')} generated records, gzipped NDJSON in S3`,
  );
  const sync = await coldStart<unknown, SyncSummary>('scheduled-sync.ts', 'demo', {
    TOKEN_VENDOR_FUNCTION: LOCAL_VENDOR_NAME,
    SYNC_SOURCE_URL: local.sourceUrl,
    SYNC_REPORT_URL: local.reportUrl,
    SYNC_SOBJECT: 'Account',
    SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
  });
  const { value } = await withProgress(`reading ${local.sourceUrl} and upserting`, () =>
    captureLogs(() => sync({ source: 'aws.events' }, context('scheduled-sync', 900_000))),
  );
  const summary = value.value;
  console.log(
    `   read ${summary.read}, created ${summary.created}, updated ${summary.updated}, failed ${summary.failed} (${summary.api}, ${summary.apiCalls} API calls)`,
  );
  for (const f of summary.failures.slice(0, 5))
    console.log(`     ${f.ref} ${f.externalId ?? ''}  ${f.statusCode}: ${f.message}`);
  if (summary.report) {
    // The run report, read back from the S3 emulator as a user would read it from S3.
    const report = await readS3Text(summary.report.failures);
    const lines = report.trimEnd().split('\n');
    console.log(
      `   run report: ${summary.report.failures} (${lines.length - 1} failures), ${summary.report.summary}`,
    );
    for (const line of lines.slice(0, 4)) console.log(`     ${line}`);
    if (lines.length - 1 !== summary.failed) {
      problems.push(
        `run report: expected ${summary.failed} failures in ${summary.report.failures}, found ${lines.length - 1}`,
      );
    }
  } else {
    problems.push('scheduled sync: no run report was written');
  }
  const expectedFailures = Object.keys(SAMPLE_BAD_RECORDS).filter((i) => Number(i) < records).length;
  if (
    summary.failed !== expectedFailures ||
    summary.created + summary.updated !== records - expectedFailures
  ) {
    problems.push(
      `scheduled sync: expected ${records - expectedFailures} written and ${expectedFailures} failed`,
    );
  }
  return summary;
}

/** The text of an `s3://bucket/key` object, through the SDK and the emulator's endpoint. */
async function readS3Text(url: string): Promise<string> {
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const [, bucket = '', key = ''] = /^s3:\/\/([^/]+)\/(.+)$/.exec(url) ?? [];
  const client = new S3Client({ forcePathStyle: true });
  try {
    const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await output.Body?.transformToString('utf8')) ?? '';
  } finally {
    client.destroy();
  }
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await fn();
  return [value, performance.now() - started];
}

async function main({ keepRunning, records }: { keepRunning: boolean; records: number }): Promise<void> {
  const started = performance.now();
  // The SDK and the handlers read these exactly as they would in Lambda.
  process.env.AWS_REGION ??= 'eu-west-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'AKIDLOCALSTACK';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local-stack-not-a-real-secret';
  process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
  console.log('sf-lambda-bridge local stack');
  const { value: local } = await withProgress(
    'starting emulators, generating an RSA key pair and certificate, storing the secret',
    () =>
      startInvokeLocalStack(() => coldStart('token-vendor.ts', 'lambda', {}), {
        records,
        withBadRecords: true,
      }),
  );
  Object.assign(process.env, local.env);
  console.log(
    `   Salesforce ${local.stack.salesforce.url}  Secrets Manager ${local.stack.secretsManager.url}  Lambda ${local.lambda.url}  S3 ${local.env.AWS_ENDPOINT_URL_S3 ?? ''}`,
  );

  const problems: string[] = [];
  const vended = await vendorStep(local, problems);
  const sqs = await sqsStep(local, problems);
  const summary = await scheduledStep(local, records, problems);

  const sf = local.stack.salesforce.stats;
  console.log('\nReport');
  console.log(
    `   logins ${sf.logins} (jwt-bearer ${sf.loginsByFlow['jwt-bearer']}, client-credentials ${sf.loginsByFlow['client-credentials']})`,
  );
  console.log(`   secret fetches ${local.stack.secretsManager.calls.GetSecretValue ?? 0}`);
  console.log(
    `   tokens vended ${vended + (local.lambda.invocations[LOCAL_VENDOR_NAME] ?? 0)} (${local.lambda.invocations[LOCAL_VENDOR_NAME] ?? 0} through Lambda Invoke)`,
  );
  console.log(`   Salesforce API calls ${sf.apiCalls}`);
  console.log(
    `   records created ${summary.created + sqs.written}, updated ${summary.updated}, failed ${summary.failed + sqs.failed}`,
  );
  console.log(`   time ${((performance.now() - started) / 1000).toFixed(1)} s`);

  if (keepRunning) {
    // Before printing the PID: whoever reads it may signal at once.
    stopOnSignal(local);
    const exports = Object.entries(local.env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    console.log(
      `\nEmulators keep running in process ${process.pid}: Ctrl-C or \`kill ${process.pid}\` stops them. Sample source: ${local.sourceUrl}\nIn another shell:`,
    );
    console.log(`  export ${exports}`);
    console.log("  npx serverless invoke local --stage local -f tokenVendor --data '{}'");
    console.log(
      '  npx serverless invoke local --stage local -f sqsSync --path emulators/local-stack/events/sqs-batch.json',
    );
    console.log(
      `  npx serverless invoke local --stage local -f scheduledSync --path emulators/local-stack/events/schedule.json -e SYNC_SOURCE_URL=${local.sourceUrl}`,
    );
    return;
  }
  await local.close();
  if (problems.length) {
    console.error(`\nFAILED:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    process.exit(1);
  }
  console.log(
    '\nOK: tokens minted, cached and vended; bad records reported with their reasons; nothing lost.',
  );
}

/**
 * Closes every server on SIGINT or SIGTERM, then exits 0. A signal sent to the whole process group
 * (Ctrl-C, `kill -- -PGID`) arrives here twice, once from the kernel and once forwarded by npm:
 * the handler stays installed and closes once, so the second one cannot kill the process mid-close.
 */
function stopOnSignal(local: InvokeLocalStack): void {
  let closing: Promise<void> | undefined;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    console.log(`\n${signal}: stopping the emulators`);
    closing = local.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(failureLine(startCli.name, error));
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

await runCli(import.meta.url, startCli, main);
