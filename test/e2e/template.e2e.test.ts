// `serverless package` runs offline here; these tests read the CloudFormation it generates
// and the bundles it builds, and hold the deployment to its promises: runtime, least-privilege
// roles, the exports and policy caller stacks import, event source mapping, DLQ wiring, alarms,
// and a bundle that really runs.
import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordOutput } from '../setup/output-sink.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, '.serverless-ci');
const KMS_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const SOURCE_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/aaaa1111-12ab-34cd-56ef-1234567890ab';
const REPORT_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/bbbb2222-12ab-34cd-56ef-1234567890ab';
const SOURCE_BUCKET = 'acme-exports';
const SOURCE_PREFIX = 'accounts/daily/';
const REPORT_BUCKET = 'acme-sync-reports';
const REPORT_PREFIX = 'accounts/';
// Not the default (1800), so that the alarm's threshold is seen to come from the param.
const QUEUE_MAX_AGE = '2700';

interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}
interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}
interface Output {
  Description?: string;
  Value: unknown;
  Export?: { Name: unknown };
}
interface Template {
  Resources: Record<string, Resource>;
  Conditions?: Record<string, unknown>;
  Parameters?: Record<string, { Default?: string }>;
  Outputs: Record<string, Output>;
}
let template: Template;
/** The template serverless creates the stack with (the deployment bucket only), before the first update. */
let createTemplate: Template;

const resource = (id: string): Resource => {
  const found = template.Resources[id];
  if (!found) throw new Error(`no resource ${id}`);
  return found;
};
const props = (id: string) => resource(id).Properties;
const envOf = (id: string) => (props(id).Environment as { Variables: Record<string, unknown> }).Variables;

/**
 * A role's statements, with `Fn::If [HasCustomerKey | HasS3Source | HasReport, s, NoValue]`
 * resolved for a given key, source and report (an S3 source and a report by default, as packaged here).
 */
function statements(
  roleId: string,
  customerKey: boolean,
  s3Source = true,
  report = true,
  bucketKeys = false,
): Statement[] {
  const holds: Record<string, boolean> = {
    HasCustomerKey: customerKey,
    HasS3Source: s3Source,
    HasReport: report,
    HasSourceKey: s3Source && bucketKeys,
    HasReportKey: report && bucketKeys,
  };
  const policies = props(roleId).Policies as { PolicyDocument: { Statement: unknown[] } }[];
  return policies.flatMap((p) =>
    p.PolicyDocument.Statement.flatMap((s): Statement[] => {
      const conditional = (s as { 'Fn::If'?: [string, Statement, unknown] })['Fn::If'];
      if (!conditional) return [s as Statement];
      expect(Object.keys(holds)).toContain(conditional[0]);
      expect(conditional[2]).toEqual({ Ref: 'AWS::NoValue' });
      return holds[conditional[0]] ? [conditional[1]] : [];
    }),
  );
}
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

beforeAll(async () => {
  await rm(OUT, { recursive: true, force: true });
  const packaged = await run(
    'npx',
    [
      '--no-install',
      'serverless',
      'package',
      '--stage',
      'ci',
      '--package',
      OUT,
      `--param=secretKmsKeyArn=${KMS_KEY}`,
      `--param=syncSourceBucket=${SOURCE_BUCKET}`,
      `--param=syncSourcePrefix=${SOURCE_PREFIX}`,
      `--param=syncSourceUrl=s3://${SOURCE_BUCKET}/${SOURCE_PREFIX}`,
      `--param=syncReportBucket=${REPORT_BUCKET}`,
      `--param=syncReportPrefix=${REPORT_PREFIX}`,
      `--param=syncReportUrl=s3://${REPORT_BUCKET}/${REPORT_PREFIX}`,
      `--param=syncSourceKmsKeyArn=${SOURCE_KEY}`,
      `--param=syncReportKmsKeyArn=${REPORT_KEY}`,
      `--param=syncQueueMaxAgeSeconds=${QUEUE_MAX_AGE}`,
    ],
    {
      cwd: ROOT,
      timeout: 120_000,
      // Its own esbuild folder: other test files run `serverless invoke local` at the same time.
      env: { ...process.env, SLS_ESBUILD_WORK_FOLDER: '.esbuild-ci' },
    },
  );
  recordOutput(packaged.stdout + packaged.stderr);
  template = JSON.parse(
    await readFile(join(OUT, 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
  createTemplate = JSON.parse(
    await readFile(join(OUT, 'cloudformation-template-create-stack.json'), 'utf8'),
  ) as Template;
  await mkdir(join(OUT, 'unpacked'), { recursive: true });
  await run('unzip', ['-o', '-q', join(OUT, 'tokenVendor.zip'), '-d', join(OUT, 'unpacked')]);
}, 180_000);

afterAll(async () => {
  await rm(join(OUT, 'unpacked'), { recursive: true, force: true });
});

describe('functions', () => {
  const functions = {
    TokenVendorLambdaFunction: { handler: 'functions/token-vendor.handler', role: 'TokenVendorRole' },
    SqsSyncLambdaFunction: { handler: 'functions/sqs-sync.handler', role: 'SqsSyncRole' },
    ScheduledSyncLambdaFunction: { handler: 'functions/scheduled-sync.handler', role: 'ScheduledSyncRole' },
  };

  it.each(Object.entries(functions))('%s: nodejs22.x on arm64, JSON logs, its own role', (id, expected) => {
    const fn = props(id);
    expect(fn.Runtime).toBe('nodejs22.x');
    expect(fn.Architectures).toEqual(['arm64']);
    expect(fn.Handler).toBe(expected.handler);
    expect(fn.Role).toEqual({ 'Fn::GetAtt': [expected.role, 'Arn'] });
    expect(fn.LoggingConfig).toMatchObject({ LogFormat: 'JSON' });
  });

  it('no function shares a role, and serverless adds no default role', () => {
    expect(template.Resources.IamRoleLambdaExecution).toBeUndefined();
    const roles = Object.values(template.Resources).filter((r) => r.Type === 'AWS::IAM::Role');
    expect(roles).toHaveLength(3);
  });

  it('log groups keep logs for a bounded time', () => {
    for (const id of ['TokenVendorLogGroup', 'SqsSyncLogGroup', 'ScheduledSyncLogGroup']) {
      expect(props(id).RetentionInDays).toBe(30);
    }
  });

  it('only the token vendor knows the secret; the sync functions know the vendor', () => {
    expect(envOf('TokenVendorLambdaFunction')).toMatchObject({
      SALESFORCE_SECRET_ID: 'sf-lambda-bridge/ci/salesforce',
      SALESFORCE_SESSION_TTL_SECONDS: '7200',
    });
    for (const id of ['SqsSyncLambdaFunction', 'ScheduledSyncLambdaFunction']) {
      const env = envOf(id);
      expect(env.SALESFORCE_SECRET_ID).toBeUndefined();
      expect(env.TOKEN_VENDOR_FUNCTION).toBe(props('TokenVendorLambdaFunction').FunctionName);
      expect(env.TOKEN_VENDOR_FUNCTION).toBe('sf-lambda-bridge-ci-tokenVendor');
    }
  });

  it('scheduled sync runs on a schedule and never overlaps itself', () => {
    expect(props('ScheduledSyncLambdaFunction').ReservedConcurrentExecutions).toBe(1);
    expect(props('ScheduledSyncEventsRuleSchedule1')).toMatchObject({
      ScheduleExpression: 'rate(1 hour)',
      State: 'DISABLED',
    });
  });
});

describe('IAM: least privilege', () => {
  const roles = ['TokenVendorRole', 'SqsSyncRole', 'ScheduledSyncRole'];

  it.each(roles)('%s: no wildcard resource or action, only Lambda may assume it', (roleId) => {
    expect(props(roleId).AssumeRolePolicyDocument).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ],
    });
    expect(props(roleId).ManagedPolicyArns).toBeUndefined();
    for (const s of statements(roleId, true)) {
      expect(s.Effect).toBe('Allow');
      // The wildcards allowed: the keys after the source and report prefixes (checked exactly below).
      if (s.Sid === 'ReadTheSourceObjects' || s.Sid === 'ReadAndWriteTheRunReport') continue;
      expect(JSON.stringify(s.Resource)).not.toMatch(/^"\*"$|:\*"$|"\*"/);
      for (const action of actions(s)) expect(action).not.toContain('*');
    }
  });

  it('the token vendor may read exactly the one secret, and decrypt only via Secrets Manager with a customer key', () => {
    const withKey = statements('TokenVendorRole', true);
    expect(withKey.map((s) => s.Sid)).toEqual([
      'WriteOwnLogs',
      'ReadTheCredentialsSecret',
      'DecryptTheSecretThroughSecretsManagerOnly',
    ]);
    const read = withKey[1];
    expect(read?.Action).toBe('secretsmanager:GetSecretValue');
    expect(read?.Resource).toEqual({
      'Fn::Sub':
        'arn:${AWS::Partition}:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:sf-lambda-bridge/ci/salesforce-??????',
    });
    expect(withKey[2]).toMatchObject({
      Action: 'kms:Decrypt',
      Resource: { Ref: 'SecretKmsKeyArn' },
      Condition: {
        StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'secretsmanager.${AWS::Region}.amazonaws.com' } },
      },
    });
    expect(template.Parameters?.SecretKmsKeyArn?.Default).toBe(KMS_KEY);
    expect(template.Conditions?.HasCustomerKey).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SecretKmsKeyArn' }, ''] }],
    });
    expect(statements('TokenVendorRole', false).map((s) => s.Sid)).toEqual([
      'WriteOwnLogs',
      'ReadTheCredentialsSecret',
    ]);
  });

  it('the sync functions may invoke the token vendor and read their queue, nothing of the secret', () => {
    const byRole = Object.fromEntries(roles.map((r) => [r, statements(r, true)]));
    for (const roleId of ['SqsSyncRole', 'ScheduledSyncRole']) {
      const all = byRole[roleId] ?? [];
      expect(
        all.flatMap(actions).filter((a) => a.startsWith('secretsmanager:') || a.startsWith('kms:')),
      ).toEqual([]);
      expect(all.find((s) => s.Sid === 'InvokeTheTokenVendor')).toEqual({
        Sid: 'InvokeTheTokenVendor',
        Effect: 'Allow',
        Action: 'lambda:InvokeFunction',
        Resource: { 'Fn::GetAtt': ['TokenVendorLambdaFunction', 'Arn'] },
      });
    }
    expect(byRole.SqsSyncRole?.find((s) => s.Sid === 'ConsumeTheSyncQueue')?.Resource).toEqual({
      'Fn::GetAtt': ['SyncQueue', 'Arn'],
    });
    // The scheduled sync's one SQS action: recording a failed run (checked in "asynchronous runs").
    expect(byRole.ScheduledSyncRole?.flatMap(actions).filter((a) => a.startsWith('sqs:'))).toEqual([
      'sqs:SendMessage',
    ]);
    expect(
      byRole.TokenVendorRole?.flatMap(actions).some((a) => a.startsWith('lambda:') || a.startsWith('sqs:')),
    ).toBe(false);
    for (const roleId of roles) {
      const logs = byRole[roleId]?.find((s) => s.Sid === 'WriteOwnLogs');
      expect(logs?.Resource).toEqual({ 'Fn::GetAtt': [roleId.replace('Role', 'LogGroup'), 'Arn'] });
    }
  });
});

describe('IAM: the S3 sync source', () => {
  const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });

  it('the scheduled sync may only get the source objects and list the source prefix', () => {
    const s3Statements = statements('ScheduledSyncRole', true, true, false).filter((s) =>
      actions(s).some((a) => a.startsWith('s3:')),
    );
    expect(s3Statements).toEqual([
      {
        Sid: 'ReadTheSourceObjects',
        Effect: 'Allow',
        Action: 's3:GetObject',
        Resource: join(
          'arn:',
          { Ref: 'AWS::Partition' },
          ':s3:::',
          { Ref: 'SyncSourceBucket' },
          '/',
          { Ref: 'SyncSourcePrefix' },
          '*',
        ),
      },
      {
        Sid: 'ListTheSourcePrefix',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: join('arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'SyncSourceBucket' }),
        Condition: { StringLike: { 's3:prefix': join({ Ref: 'SyncSourcePrefix' }, '*') } },
      },
    ]);
    expect(template.Parameters?.SyncSourceBucket?.Default).toBe(SOURCE_BUCKET);
    expect(template.Parameters?.SyncSourcePrefix?.Default).toBe(SOURCE_PREFIX);
    expect(template.Conditions?.HasS3Source).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SyncSourceBucket' }, ''] }],
    });
    expect(envOf('ScheduledSyncLambdaFunction')).toMatchObject({
      SYNC_SOURCE_URL: `s3://${SOURCE_BUCKET}/${SOURCE_PREFIX}`,
      SYNC_MAX_SOURCE_BYTES: '1073741824',
      SYNC_MAX_RECORD_BYTES: '2097152',
    });
  });

  it('without a source bucket no S3 access is granted; no other role has any', () => {
    expect(
      statements('ScheduledSyncRole', true, false, false)
        .flatMap(actions)
        .filter((a) => a.startsWith('s3:')),
    ).toEqual([]);
    for (const roleId of ['TokenVendorRole', 'SqsSyncRole']) {
      expect(
        statements(roleId, true)
          .flatMap(actions)
          .filter((a) => a.startsWith('s3:')),
      ).toEqual([]);
    }
  });
});

describe('IAM: the run report', () => {
  const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });

  it('the scheduled sync may read and write objects under the report prefix only, and list only that prefix', () => {
    const reportStatements = statements('ScheduledSyncRole', true, false, true).filter((s) =>
      actions(s).some((a) => a.startsWith('s3:')),
    );
    expect(reportStatements).toEqual([
      {
        Sid: 'ReadAndWriteTheRunReport',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
        Resource: join(
          'arn:',
          { Ref: 'AWS::Partition' },
          ':s3:::',
          { Ref: 'SyncReportBucket' },
          '/',
          { Ref: 'SyncReportPrefix' },
          '*',
        ),
      },
      {
        Sid: 'ListTheReportPrefix',
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: join('arn:', { Ref: 'AWS::Partition' }, ':s3:::', { Ref: 'SyncReportBucket' }),
        Condition: { StringLike: { 's3:prefix': join({ Ref: 'SyncReportPrefix' }, '*') } },
      },
    ]);
    expect(template.Parameters?.SyncReportBucket?.Default).toBe(REPORT_BUCKET);
    expect(template.Parameters?.SyncReportPrefix?.Default).toBe(REPORT_PREFIX);
    expect(template.Conditions?.HasReport).toEqual({
      'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'SyncReportBucket' }, ''] }],
    });
    expect(envOf('ScheduledSyncLambdaFunction')).toMatchObject({
      SYNC_REPORT_URL: `s3://${REPORT_BUCKET}/${REPORT_PREFIX}`,
    });
    // No statement grants deletion, or writing anywhere but the report prefix.
    const all = statements('ScheduledSyncRole', true);
    expect(all.flatMap(actions).filter((a) => a === 's3:PutObject' || a.startsWith('s3:Delete'))).toEqual([
      's3:PutObject',
    ]);
  });
});

describe('IAM: buckets encrypted with customer-managed KMS keys', () => {
  const viaS3 = { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 's3.${AWS::Region}.amazonaws.com' } } };

  it('the scheduled sync may decrypt with the source key, and encrypt and decrypt with the report key, through S3 only', () => {
    const kms = statements('ScheduledSyncRole', false, true, true, true).filter((s) =>
      actions(s).some((a) => a.startsWith('kms:')),
    );
    expect(kms).toEqual([
      {
        Sid: 'DecryptTheSourceThroughS3Only',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { Ref: 'SyncSourceKmsKeyArn' },
        Condition: viaS3,
      },
      {
        Sid: 'EncryptAndDecryptTheReportThroughS3Only',
        Effect: 'Allow',
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Resource: { Ref: 'SyncReportKmsKeyArn' },
        Condition: viaS3,
      },
    ]);
    expect(template.Parameters?.SyncSourceKmsKeyArn?.Default).toBe(SOURCE_KEY);
    expect(template.Parameters?.SyncReportKmsKeyArn?.Default).toBe(REPORT_KEY);
    // A key is granted only with its bucket: no source bucket, no source key.
    const and = (bucket: string, key: string) => ({
      'Fn::And': [{ Condition: bucket }, { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: key }, ''] }] }],
    });
    expect(template.Conditions?.HasSourceKey).toEqual(and('HasS3Source', 'SyncSourceKmsKeyArn'));
    expect(template.Conditions?.HasReportKey).toEqual(and('HasReport', 'SyncReportKmsKeyArn'));
    // No other role touches those keys.
    for (const roleId of ['TokenVendorRole', 'SqsSyncRole']) {
      const resources = statements(roleId, true, true, true, true).map((s) => JSON.stringify(s.Resource));
      expect(
        resources.filter((r) => r.includes('SyncSourceKmsKeyArn') || r.includes('SyncReportKmsKeyArn')),
      ).toEqual([]);
    }
  });
});

describe('what caller stacks import', () => {
  const VENDOR_ARN = { 'Fn::GetAtt': ['TokenVendorLambdaFunction', 'Arn'] };

  it("exports the vendor's unqualified ARN and its name, under names carrying service and stage", () => {
    expect(template.Outputs.TokenVendorFunctionArn).toMatchObject({
      Value: VENDOR_ARN,
      Export: { Name: 'sf-lambda-bridge-ci-TokenVendorFunctionArn' },
    });
    expect(template.Outputs.TokenVendorFunctionName).toMatchObject({
      Value: { Ref: 'TokenVendorLambdaFunction' },
      Export: { Name: 'sf-lambda-bridge-ci-TokenVendorFunctionName' },
    });
    // Ref of a function is the name it is given: the one the sync functions invoke.
    expect(props('TokenVendorLambdaFunction').FunctionName).toBe('sf-lambda-bridge-ci-tokenVendor');
  });

  it('exports one managed policy allowing exactly lambda:InvokeFunction on exactly the vendor', () => {
    const policies = Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::IAM::ManagedPolicy',
    );
    expect(policies.map(([id]) => id)).toEqual(['TokenVendorInvokePolicy']);
    // Nothing but the document: no name, description or path (changing one would replace the
    // policy, a new ARN, refused while a caller imports the old), and attached to no role here.
    expect(props('TokenVendorInvokePolicy')).toEqual({
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'InvokeTheTokenVendor',
            Effect: 'Allow',
            Action: 'lambda:InvokeFunction',
            Resource: VENDOR_ARN,
          },
        ],
      },
    });
    expect(template.Outputs.TokenVendorInvokePolicyArn).toMatchObject({
      Value: { Ref: 'TokenVendorInvokePolicy' },
      Export: { Name: 'sf-lambda-bridge-ci-TokenVendorInvokePolicyArn' },
    });
  });

  it('the policy grants callers what the sync roles hold inline, no more', () => {
    const [granted] = (props('TokenVendorInvokePolicy').PolicyDocument as { Statement: Statement[] })
      .Statement;
    for (const roleId of ['SqsSyncRole', 'ScheduledSyncRole']) {
      expect(statements(roleId, true).find((s) => s.Sid === 'InvokeTheTokenVendor')).toEqual(granted);
    }
  });

  it('every export name is unique and carries the stage, so two stages never clash', () => {
    const names = Object.values(template.Outputs).flatMap((o) => (o.Export ? [o.Export.Name] : []));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^(sls-)?sf-lambda-bridge-ci-/);
  });
});

describe('queue, event source and alarms', () => {
  it('the SQS event source reports batch item failures and bounds concurrency', () => {
    expect(props('SqsSyncEventSourceMappingSQSSyncQueue')).toMatchObject({
      EventSourceArn: { 'Fn::GetAtt': ['SyncQueue', 'Arn'] },
      FunctionName: { 'Fn::GetAtt': ['SqsSyncLambdaFunction', 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 1000,
      MaximumBatchingWindowInSeconds: 5,
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('the queue redrives to a DLQ, and hides messages for at least 6x the function timeout', () => {
    const queue = props('SyncQueue');
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(
      6 * (props('SqsSyncLambdaFunction').Timeout as number),
    );
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['SyncDeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(props('SyncDeadLetterQueue').MessageRetentionPeriod).toBe(1_209_600);
    expect(queue.SqsManagedSseEnabled).toBe(true);
  });

  it('alarms watch the DLQ and every function, and notify the alarm topic', () => {
    const alarms = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm');
    const watched = alarms.map(([, a]) => a.Properties.Dimensions);
    expect(watched).toContainEqual([
      { Name: 'QueueName', Value: { 'Fn::GetAtt': ['SyncDeadLetterQueue', 'QueueName'] } },
    ]);
    for (const fn of ['TokenVendorLambdaFunction', 'SqsSyncLambdaFunction', 'ScheduledSyncLambdaFunction']) {
      expect(watched).toContainEqual([{ Name: 'FunctionName', Value: { Ref: fn } }]);
    }
    // Alarms whose threshold is not "any at all" (checked one by one below and in "issue 12").
    const ownThreshold = new Set([
      'TokenVendorLoginRateAlarm',
      'SyncQueueAgeAlarm',
      'SqsSyncApiBudgetExhaustedAlarm',
      'ScheduledSyncApiBudgetExhaustedAlarm',
    ]);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties).toMatchObject({
        AlarmActions: [{ Ref: 'AlarmTopic' }],
        // No data (no traffic) is no problem.
        TreatMissingData: 'notBreaching',
      });
      if (ownThreshold.has(id)) continue;
      // Any message in the DLQ, any error or throttle, any failed record or run: all worth a look.
      expect(alarm.Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
    expect(props('TokenVendorLoginRateAlarm')).toMatchObject({
      Threshold: 1800,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    // Logins approaching Salesforce's 3,600 per user per hour, counted from the vendor's log line.
    expect(props('TokenVendorLoginsMetricFilter')).toEqual({
      LogGroupName: { Ref: 'TokenVendorLogGroup' },
      FilterPattern: '{ $.message = "logged in to Salesforce" }',
      MetricTransformations: [
        {
          MetricNamespace: 'SfLambdaBridge',
          MetricName: 'TokenVendorLogins',
          MetricValue: '1',
          DefaultValue: 0,
        },
      ],
    });
    expect(props('TokenVendorLoginRateAlarm')).toMatchObject({
      Namespace: 'SfLambdaBridge',
      MetricName: 'TokenVendorLogins',
      Statistic: 'Sum',
      Period: 3600,
    });
  });
});

describe('issue 12: alarms that see everything, and what outlives the stack', () => {
  const FUNCTIONS = ['TokenVendorLambdaFunction', 'SqsSyncLambdaFunction', 'ScheduledSyncLambdaFunction'];
  const alarmsOn = (metric: string) =>
    Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties.MetricName === metric,
    );

  it('every function has a Throttles alarm: any throttle in 5 minutes notifies the alarm topic', () => {
    const throttles = alarmsOn('Throttles');
    expect(throttles.map(([, a]) => a.Properties.Dimensions)).toEqual(
      FUNCTIONS.map((fn) => [{ Name: 'FunctionName', Value: { Ref: fn } }]),
    );
    for (const [, alarm] of throttles) {
      expect(alarm.Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      });
    }
  });

  it('the sync queue has an age-of-oldest-message alarm whose threshold is the syncQueueMaxAgeSeconds param', async () => {
    const age = alarmsOn('ApproximateAgeOfOldestMessage');
    expect(age.map(([id]) => id)).toEqual(['SyncQueueAgeAlarm']);
    const alarm = props('SyncQueueAgeAlarm');
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['SyncQueue', 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    // Packaged with --param=syncQueueMaxAgeSeconds=2700 (a CLI param is a string; CloudFormation
    // reads it as the number).
    expect(Number(alarm.Threshold)).toBe(Number(QUEUE_MAX_AGE));
    // The default, documented in serverless.yml and README: above the age a message reaches in
    // 2 ordinary redeliveries (2 x the visibility timeout), so retries alone never fire it.
    const config = await readFile(join(ROOT, 'serverless.yml'), 'utf8');
    const byDefault = Number(/^\s+syncQueueMaxAgeSeconds: (\d+)$/m.exec(config)?.[1]);
    expect(byDefault).toBe(1800);
    expect(byDefault).toBeGreaterThan(2 * (props('SyncQueue').VisibilityTimeout as number));
  });

  it('the DLQ, the failed-runs queue and the log groups are retained on stack removal and on replacement', () => {
    for (const id of [
      'SyncDeadLetterQueue',
      'ScheduledSyncFailedRunsQueue',
      'TokenVendorLogGroup',
      'SqsSyncLogGroup',
      'ScheduledSyncLogGroup',
    ]) {
      const { DeletionPolicy, UpdateReplacePolicy } = resource(id);
      // With the id, so that a failure names the resource.
      expect({ id, DeletionPolicy, UpdateReplacePolicy }).toEqual({
        id,
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
    // The log groups keep their bounded retention: retained, they still expire their events.
    expect(props('SqsSyncLogGroup').RetentionInDays).toBe(30);
    // The sync queue itself goes with the stack (README: drain it first).
    expect(resource('SyncQueue').DeletionPolicy).toBeUndefined();
  });

  it('a failed scheduled run is not retried and its record goes to the failed-runs queue, which alarms', () => {
    const configs = Object.entries(template.Resources).filter(
      ([, r]) => r.Type === 'AWS::Lambda::EventInvokeConfig',
    );
    expect(configs.map(([id]) => id)).toEqual(['ScheduledSyncLambdaEvConf']);
    expect(props('ScheduledSyncLambdaEvConf')).toEqual({
      FunctionName: { Ref: 'ScheduledSyncLambdaFunction' },
      Qualifier: '$LATEST',
      MaximumRetryAttempts: 0,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': ['ScheduledSyncFailedRunsQueue', 'Arn'] } },
      },
    });
    // A standard queue (Lambda destinations take no FIFO queue), encrypted, kept 14 days.
    expect(props('ScheduledSyncFailedRunsQueue')).toEqual({
      QueueName: 'sf-lambda-bridge-ci-scheduled-sync-failed',
      MessageRetentionPeriod: 1_209_600,
      SqsManagedSseEnabled: true,
    });
    expect(props('ScheduledSyncFailedRunsAlarm')).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        { Name: 'QueueName', Value: { 'Fn::GetAtt': ['ScheduledSyncFailedRunsQueue', 'QueueName'] } },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(props('ScheduledSyncDestinationDeliveryFailuresAlarm')).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'DestinationDeliveryFailures',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: 'ScheduledSyncLambdaFunction' } }],
      AlarmActions: [{ Ref: 'AlarmTopic' }],
    });
    expect(template.Outputs.ScheduledSyncFailedRunsQueueUrl?.Value).toEqual({
      Ref: 'ScheduledSyncFailedRunsQueue',
    });
  });

  it("the scheduled sync's role may send to the failed-runs queue and nowhere else; no other role may send", () => {
    const send = statements('ScheduledSyncRole', true).filter((s) => actions(s).includes('sqs:SendMessage'));
    expect(send).toEqual([
      {
        Sid: 'RecordFailedRuns',
        Effect: 'Allow',
        Action: 'sqs:SendMessage',
        Resource: { 'Fn::GetAtt': ['ScheduledSyncFailedRunsQueue', 'Arn'] },
      },
    ]);
    for (const roleId of ['TokenVendorRole', 'SqsSyncRole']) {
      expect(statements(roleId, true).flatMap(actions)).not.toContain('sqs:SendMessage');
    }
  });

  it('each role holds exactly the actions its function uses: nothing unused such as sqs:ChangeMessageVisibility', () => {
    const actionsOf = (roleId: string) => statements(roleId, true).flatMap(actions).sort();
    expect(actionsOf('TokenVendorRole')).toEqual(
      ['logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:GetSecretValue', 'kms:Decrypt'].sort(),
    );
    // The event source mapping's three calls; failed messages come back by visibility timeout.
    expect(statements('SqsSyncRole', true).find((s) => s.Sid === 'ConsumeTheSyncQueue')?.Action).toEqual([
      'sqs:ReceiveMessage',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
    ]);
    expect(actionsOf('SqsSyncRole')).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'sqs:ReceiveMessage',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'lambda:InvokeFunction',
      ].sort(),
    );
    expect(actionsOf('ScheduledSyncRole')).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        'lambda:InvokeFunction',
        'sqs:SendMessage',
        // The source (get, list) and the run report (get, put, abort multipart, list).
        's3:GetObject',
        's3:ListBucket',
        's3:GetObject',
        's3:PutObject',
        's3:AbortMultipartUpload',
        's3:ListBucket',
      ].sort(),
    );
  });

  it('an ApiBudgetExhausted alarm per sync function (Sum >= 1 in 5 minutes), and their budget setting', () => {
    const budget = alarmsOn('ApiBudgetExhausted');
    expect(budget.map(([id]) => id)).toEqual([
      'SqsSyncApiBudgetExhaustedAlarm',
      'ScheduledSyncApiBudgetExhaustedAlarm',
    ]);
    const syncFunctions = ['SqsSyncLambdaFunction', 'ScheduledSyncLambdaFunction'];
    budget.forEach(([, alarm], i) => {
      const env = envOf(syncFunctions[i] ?? '');
      expect(alarm.Properties).toEqual({
        AlarmDescription: expect.stringContaining('SALESFORCE_API_BUDGET_PERCENT') as unknown,
        // Where the function's Powertools Metrics publish: its namespace and service dimension.
        Namespace: env.POWERTOOLS_METRICS_NAMESPACE,
        MetricName: 'ApiBudgetExhausted',
        Dimensions: [{ Name: 'service', Value: env.POWERTOOLS_SERVICE_NAME }],
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: 'AlarmTopic' }],
      });
      expect(env.SALESFORCE_API_BUDGET_PERCENT).toBe('90');
    });
    expect(envOf('TokenVendorLambdaFunction').SALESFORCE_API_BUDGET_PERCENT).toBeUndefined();
  });

  it("the deployment bucket blocks every kind of public access, from the stack's creation on", () => {
    const blocked = {
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    };
    expect(props('ServerlessDeploymentBucket').PublicAccessBlockConfiguration).toEqual(blocked);
    expect(
      createTemplate.Resources.ServerlessDeploymentBucket?.Properties.PublicAccessBlockConfiguration,
    ).toEqual(blocked);
  });
});

describe('bundles', () => {
  it('the token vendor bundle is ESM, under 100 KB minified, with the AWS SDK left to the runtime', async () => {
    const bundle = join(OUT, 'unpacked', 'functions', 'token-vendor.js');
    expect((await stat(bundle)).size).toBeLessThan(100_000);
    // `.js` bundles are ESM because the zip carries functions/package.json {"type": "module"}.
    expect(JSON.parse(await readFile(join(OUT, 'unpacked', 'functions', 'package.json'), 'utf8'))).toEqual({
      type: 'module',
    });
    const code = await readFile(bundle, 'utf8');
    expect(code).toMatch(/from"@aws-sdk\/client-secrets-manager"/);
    expect(code).not.toMatch(/\bSecretsManagerClient=class/);
  });

  it('the packaged token vendor runs on Node 22 and vends a token from the local stack', async () => {
    const bundle = join(OUT, 'unpacked', 'functions', 'token-vendor.js');
    const { stdout, stderr } = await run(
      'npx',
      ['--no-install', 'tsx', join(import.meta.dirname, 'run-packaged-vendor.ts'), bundle],
      {
        cwd: ROOT,
        timeout: 60_000,
      },
    );
    recordOutput(stdout + stderr);
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toEqual({
      active: true,
      keys: ['accessToken', 'expiresAt', 'instanceUrl', 'issuedAt', 'scope', 'tokenType'],
    });
  });
});
