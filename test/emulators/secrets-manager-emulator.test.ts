import {
  CreateSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SecretsManagerEmulator } from '../../emulators/secrets-manager/secrets-manager-emulator.js';
import { useEnv } from '../helpers/env.js';

let emulator: SecretsManagerEmulator;
let client: SecretsManagerClient;

beforeAll(async () => {
  emulator = await SecretsManagerEmulator.start();
  client = new SecretsManagerClient({});
});

// The SDK reads the endpoint from its own configuration (at a client's first request), exactly as
// the Lambdas will; vitest undoes the stub after each test.
useEnv(() => ({ AWS_ENDPOINT_URL_SECRETS_MANAGER: emulator.url }));

afterAll(async () => {
  client.destroy();
  await emulator.close();
});

afterEach(() => {
  emulator.clearFaults();
  emulator.resetCalls();
});

async function sdkError(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

async function rawCall(
  target: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(emulator.url, {
    method: 'POST',
    headers: {
      'X-Amz-Target': target,
      'Content-Type': 'application/x-amz-json-1.1',
      Authorization: 'AWS4-HMAC-SHA256 Credential=AKID/20260101/eu-west-1/secretsmanager/aws4_request',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

describe('SecretsManagerEmulator with the real AWS SDK', () => {
  it('listens on loopback', () => {
    expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('returns a secret by name and by ARN', async () => {
    const before = Date.now();
    emulator.putSecret('app/sf', '{"flow":"jwt-bearer"}');
    const byName = await client.send(new GetSecretValueCommand({ SecretId: 'app/sf' }));
    expect(byName.SecretString).toBe('{"flow":"jwt-bearer"}');
    expect(byName.Name).toBe('app/sf');
    expect(byName.VersionStages).toEqual(['AWSCURRENT']);
    expect(byName.ARN).toMatch(
      /^arn:aws:secretsmanager:eu-west-1:000000000000:secret:app\/sf-[A-Za-z0-9]{6}$/,
    );
    expect(byName.CreatedDate).toBeInstanceOf(Date);
    // The AWS JSON protocol sends epoch seconds, which the SDK reads back with millisecond precision.
    expect(byName.CreatedDate?.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(byName.CreatedDate?.getTime()).toBeLessThanOrEqual(Date.now());

    const byArn = await client.send(new GetSecretValueCommand({ SecretId: emulator.arnOf('app/sf') }));
    expect(byArn.SecretString).toBe('{"flow":"jwt-bearer"}');
    expect(byArn.VersionId).toBe(byName.VersionId);
    expect(emulator.calls.GetSecretValue).toBe(2);
  });

  it('rotates: putSecret adds a new AWSCURRENT version, the old one stays readable as AWSPREVIOUS', async () => {
    emulator.putSecret('rotating', 'v1');
    const first = await client.send(new GetSecretValueCommand({ SecretId: 'rotating' }));
    emulator.putSecret('rotating', 'v2');
    const current = await client.send(new GetSecretValueCommand({ SecretId: 'rotating' }));
    expect(current.SecretString).toBe('v2');
    expect(current.VersionId).not.toBe(first.VersionId);

    const previous = await client.send(
      new GetSecretValueCommand({ SecretId: 'rotating', VersionStage: 'AWSPREVIOUS' }),
    );
    expect(previous.SecretString).toBe('v1');
    expect(previous.VersionStages).toEqual(['AWSPREVIOUS']);
    const byVersion = await client.send(
      new GetSecretValueCommand({ SecretId: 'rotating', VersionId: first.VersionId }),
    );
    expect(byVersion.SecretString).toBe('v1');

    const described = await client.send(new DescribeSecretCommand({ SecretId: 'rotating' }));
    expect(described.VersionIdsToStages).toEqual({
      [first.VersionId ?? '']: ['AWSPREVIOUS'],
      [current.VersionId ?? '']: ['AWSCURRENT'],
    });
  });

  it('supports CreateSecret and PutSecretValue, and refuses a duplicate create', async () => {
    const created = await client.send(new CreateSecretCommand({ Name: 'made-by-sdk', SecretString: 'a' }));
    expect(created.Name).toBe('made-by-sdk');
    expect(created.VersionId).toMatch(/^[0-9a-f-]{36}$/);
    const put = await client.send(new PutSecretValueCommand({ SecretId: 'made-by-sdk', SecretString: 'b' }));
    expect(put.VersionStages).toEqual(['AWSCURRENT']);
    const value = await client.send(new GetSecretValueCommand({ SecretId: 'made-by-sdk' }));
    expect(value.SecretString).toBe('b');

    const error = await sdkError(
      client.send(new CreateSecretCommand({ Name: 'made-by-sdk', SecretString: 'c' })),
    );
    expect(error.name).toBe('ResourceExistsException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('answers ResourceNotFoundException for a missing secret, a deleted one and a missing stage', async () => {
    const missing = await sdkError(client.send(new GetSecretValueCommand({ SecretId: 'nope' })));
    expect(missing.name).toBe('ResourceNotFoundException');
    expect(missing.message).toBe("Secrets Manager can't find the specified secret.");
    expect(missing.$metadata?.httpStatusCode).toBe(400);

    emulator.putSecret('short-lived', 'x');
    emulator.deleteSecret('short-lived');
    const deleted = await sdkError(client.send(new GetSecretValueCommand({ SecretId: 'short-lived' })));
    expect(deleted.name).toBe('ResourceNotFoundException');

    emulator.putSecret('single', 'x');
    const noStage = await sdkError(
      client.send(new GetSecretValueCommand({ SecretId: 'single', VersionStage: 'AWSPENDING' })),
    );
    expect(noStage.name).toBe('ResourceNotFoundException');
    expect(noStage.message).toBe(
      "Secrets Manager can't find the specified secret value for staging label: AWSPENDING",
    );
  });

  it('surfaces an injected ThrottlingException (no SDK retry with maxAttempts 1)', async () => {
    emulator.putSecret('throttled', 'x');
    emulator.injectFault({
      operation: 'GetSecretValue',
      type: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    const oneShot = new SecretsManagerClient({ maxAttempts: 1 });
    try {
      const error = await sdkError(oneShot.send(new GetSecretValueCommand({ SecretId: 'throttled' })));
      expect(error.name).toBe('ThrottlingException');
      expect(error.message).toBe('Rate exceeded');
      expect(emulator.calls.GetSecretValue).toBe(1);
      // The fault was used up: the next call succeeds.
      const value = await oneShot.send(new GetSecretValueCommand({ SecretId: 'throttled' }));
      expect(value.SecretString).toBe('x');
      expect(emulator.calls.GetSecretValue).toBe(2);
    } finally {
      oneShot.destroy();
    }
  });

  it('lets the SDK retry throttling and 500s by itself; times counts the faulted requests', async () => {
    emulator.putSecret('flaky', 'ok');
    emulator.injectFault({ type: 'ThrottlingException', times: 1 });
    emulator.injectFault({ type: 'InternalServiceError', times: 1 });
    const value = await client.send(new GetSecretValueCommand({ SecretId: 'flaky' }));
    expect(value.SecretString).toBe('ok');
    expect(emulator.calls.GetSecretValue).toBe(3);

    emulator.injectFault({ operation: 'GetSecretValue', type: 'ThrottlingException', times: 10 });
    const error = await sdkError(client.send(new GetSecretValueCommand({ SecretId: 'flaky' })));
    expect(error.name).toBe('ThrottlingException');
    expect(emulator.calls.GetSecretValue).toBe(6); // 3 + the SDK's default 3 attempts
  });

  it('injects AccessDeniedException only for the named operation', async () => {
    emulator.putSecret('denied', 'x');
    emulator.injectFault({ operation: 'DescribeSecret', type: 'AccessDeniedException', times: Infinity });
    const value = await client.send(new GetSecretValueCommand({ SecretId: 'denied' }));
    expect(value.SecretString).toBe('x');
    const error = await sdkError(client.send(new DescribeSecretCommand({ SecretId: 'denied' })));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('delays without failing when the fault type is delay', async () => {
    emulator.putSecret('slow', 'x');
    emulator.injectFault({ type: 'delay', delayMs: 300 });
    const started = performance.now();
    const value = await client.send(new GetSecretValueCommand({ SecretId: 'slow' }));
    expect(value.SecretString).toBe('x');
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('SecretsManagerEmulator wire protocol', () => {
  it('answers errors with __type, message and x-amzn-ErrorType', async () => {
    const response = await rawCall('secretsmanager.GetSecretValue', { SecretId: 'absent' });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
    expect(await response.json()).toEqual({
      __type: 'ResourceNotFoundException',
      message: "Secrets Manager can't find the specified secret.",
    });
  });

  it('returns CreatedDate as epoch seconds', async () => {
    const before = Date.now() / 1000;
    emulator.putSecret('raw', 'value');
    const response = await rawCall('secretsmanager.GetSecretValue', { SecretId: 'raw' });
    expect(response.status).toBe(200);
    const body = (await response.json()) as Record<string, unknown>;
    expect(typeof body.CreatedDate).toBe('number');
    expect(body.CreatedDate as number).toBeGreaterThanOrEqual(before - 0.001);
    expect(body.CreatedDate as number).toBeLessThanOrEqual(Date.now() / 1000);
    expect(body.SecretString).toBe('value');
  });

  it('refuses unsigned requests', async () => {
    const response = await rawCall(
      'secretsmanager.GetSecretValue',
      { SecretId: 'raw' },
      { Authorization: '' },
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe(
      'MissingAuthenticationTokenException',
    );
  });

  it('refuses an unknown operation', async () => {
    const response = await rawCall('secretsmanager.StealSecrets', {});
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('UnknownOperationException');
    expect(emulator.calls.StealSecrets).toBe(1);
  });

  it('refuses a missing required member', async () => {
    const response = await rawCall('secretsmanager.GetSecretValue', {});
    expect(response.status).toBe(400);
    expect(response.headers.get('x-amzn-errortype')).toBe('ValidationException');
  });
});
