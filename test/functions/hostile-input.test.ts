// The real handlers, cold-started on the local stack, under hostile input (issue 12, points 1 and
// 2). Any JSON value as the event: the answer is the function's result or a typed error
// (`InvalidEventError`, code ERR_INVALID_EVENT, for a malformed event), never a TypeError, and no
// error quotes more than a short, redacted excerpt of input. A hostile message content: its log
// line stays short.
import type { SQSBatchResponse } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import { BatchFailedError, InvalidEventError, SfBridgeError } from '../../lib/errors.js';
import { numRuns } from '../fuzz/runs.js';
import { MAX_MESSAGE_CHARS } from '../fuzz/support.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';
import { sqsEvent } from '../helpers/sqs.js';
import { startSourceServer } from '../helpers/source-server.js';

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<unknown>;

let stack: LocalStack;
let source: Awaited<ReturnType<typeof startSourceServer>>;
let output: ReturnType<typeof captureOutput>;

const SESSION_ID = '00D000000000001!AQ8AQJ3r7XyZ.hostile_key-secret';
/** Keys no error may repeat: a megabyte-long one, and one holding a Bearer session id. */
const HOSTILE_KEYS = ['k'.repeat(1 << 20), `Bearer ${SESSION_ID}`];

beforeAll(async () => {
  [stack, source] = await Promise.all([startLocalStack(), startSourceServer()]);
  source.serve('[]');
  output = captureOutput();
});

afterAll(async () => {
  output.restore();
  await Promise.all([stack.close(), source.close()]);
  expect(output.text()).not.toContain('AQ8AQJ3r7XyZ');
  expect(output.text()).not.toContain('k'.repeat(5_000));
});

async function start(module: string, env: Record<string, string | undefined> = {}) {
  const { handler } = await coldStart<{ handler: Handler }>(module, {
    ...stack.env,
    SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
    SYNC_SOBJECT: 'Account',
    SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
    SYNC_SOURCE_URL: source.url,
    SYNC_DRY_RUN: undefined,
    SYNC_REPORT_URL: undefined,
    TOKEN_VENDOR_FUNCTION: undefined,
    ...env,
  });
  return async (event: unknown): Promise<{ ok: unknown } | { error: unknown }> => {
    try {
      return { ok: await handler(event, lambdaContext('malformed-events', 60_000)) };
    } catch (error) {
      return { error };
    }
  };
}

/**
 * A thrown error is one of ours (by code: each cold start loads its own copy of lib/errors.ts, so
 * `instanceof` cannot be used across it), bounded, and repeats no hostile key.
 */
function expectSafeError(error: unknown): asserts error is SfBridgeError {
  expect(error).toBeInstanceOf(Error);
  expect(error).not.toBeInstanceOf(TypeError);
  expect((error as SfBridgeError).code).toMatch(/^ERR_/);
  const { message } = error as Error;
  expect(message.length).toBeLessThan(MAX_MESSAGE_CHARS);
  expect(message).not.toContain('AQ8AQJ3r7XyZ');
  // The keys' telling parts (a sliding window over a megabyte would dominate the run).
  expect(message).not.toContain('k'.repeat(40));
  expect(message).not.toContain('Bearer 00D');
}

/** Any JSON value, and objects carrying the hostile keys. */
const anyEvent = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc
    .tuple(
      fc.constantFrom(...HOSTILE_KEYS),
      fc.jsonValue({ maxDepth: 1 }),
      fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
    )
    .map(([key, value, rest]) => ({ ...rest, [key]: value })),
);

/** SQS-ish records: any field may be missing or of the wrong type. */
const oddRecord = fc.record(
  {
    messageId: fc.oneof(fc.constant('id'), fc.constant(''), fc.integer(), fc.constant(null)),
    body: fc.oneof(
      fc.constant(JSON.stringify({ record: { Ext_Id__c: 'odd', Name: 'Odd' } })),
      fc.string(),
      fc.jsonValue({ maxDepth: 1 }),
    ),
    attributes: fc.oneof(
      fc.constant({}),
      fc.record({ MessageGroupId: fc.oneof(fc.string({ minLength: 1, maxLength: 3 }), fc.integer()) }),
      fc.jsonValue({ maxDepth: 1 }),
    ),
  },
  { requiredKeys: [] },
);

const oddSqsEvent = fc.oneof(
  anyEvent,
  fc.record({ Records: fc.oneof(fc.array(oddRecord, { maxLength: 4 }), fc.jsonValue({ maxDepth: 1 })) }),
  fc.record({ Records: fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }) }),
);

describe('sqs-sync on any event', () => {
  it('a non-SQS event is an InvalidEventError naming the problem', async () => {
    const invoke = await start('../../functions/sqs-sync.js');
    for (const event of [{}, null, [], 'text', 42, { Records: 'x' }, { Records: [{ body: '{}' }] }]) {
      const result = await invoke(event);
      expect(result).toHaveProperty('error');
      const { error } = result as { error: InvalidEventError };
      expect(error.name).toBe('InvalidEventError');
      expect(error.code).toBe('ERR_INVALID_EVENT');
      expect(error.message).toMatch(/^Invalid SQS event: (event|Records|Records\.0\.messageId): /);
    }
    const { error } = (await invoke({ Records: [{ body: '{}' }] })) as { error: Error };
    expect(error.message).toBe('Invalid SQS event: Records.0.messageId: must be a string');
  });

  it('a record without attributes or body is reported in batchItemFailures; the valid ones are written', async () => {
    const invoke = await start('../../functions/sqs-sync.js');
    const event = sqsEvent([
      { record: { Ext_Id__c: 'ok-1', Name: 'One' } },
      { record: { Ext_Id__c: 'no-attributes', Name: 'Two' } },
      { record: { Ext_Id__c: 'ok-3', Name: 'Three' } },
    ]);
    const [first, second, third] = event.Records;
    const records: unknown[] = [
      first,
      { ...second, attributes: undefined },
      { ...third },
      { messageId: 'no-body', attributes: {} },
    ];
    const result = await invoke({ Records: records });
    expect(result).toEqual({
      ok: { batchItemFailures: [{ itemIdentifier: second?.messageId }, { itemIdentifier: 'no-body' }] },
    });
    const written = stack.salesforce.records('Account').map((r) => r.Ext_Id__c);
    expect(written).toEqual(expect.arrayContaining(['ok-1', 'ok-3']));
    expect(written).not.toContain('no-attributes');
    const warned = output.lines().find((l) => l.includes('"no-body"') && l.includes('INVALID_RECORD'));
    expect(warned).toContain('body: must be a string');
  });

  it('any JSON value: a batch response, InvalidEventError or BatchFailedError, never a TypeError', async () => {
    const invoke = await start('../../functions/sqs-sync.js');
    let unique = 0;
    await fc.assert(
      fc.asyncProperty(oddSqsEvent, async (raw) => {
        // Distinct messageIds where the record has one: SQS never repeats one within a batch.
        const event = structuredClone(raw) as { Records?: unknown } | null;
        if (event && Array.isArray(event.Records)) {
          for (const record of event.Records as unknown[]) {
            if (
              typeof record === 'object' &&
              record !== null &&
              'messageId' in record &&
              record.messageId === 'id'
            )
              record.messageId = `m-${++unique}`;
          }
        }
        const result = await invoke(event);
        if ('error' in result) {
          expectSafeError(result.error);
          expect([InvalidEventError.code, BatchFailedError.code]).toContain(result.error.code);
          return;
        }
        const response = result.ok as SQSBatchResponse;
        const records = (event?.Records ?? []) as {
          messageId: string;
          body?: unknown;
          attributes?: unknown;
        }[];
        const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
        for (const record of records) {
          const malformed =
            typeof record.body !== 'string' ||
            typeof record.attributes !== 'object' ||
            record.attributes === null;
          if (malformed) expect(failed.has(record.messageId)).toBe(true);
        }
      }),
      { numRuns: numRuns(60) },
    );
  });
});

describe('sqs-sync: a hostile external ID', () => {
  it('the issue\'s message (external ID "eyJ" × 43,690, refused by Salesforce) is reported failed, and logged cut to a few KB', async () => {
    const invoke = await start('../../functions/sqs-sync.js');
    const externalId = 'eyJ'.repeat(43_690);
    const event = sqsEvent([
      { record: { Ext_Id__c: 'fine-1', Name: 'Fine' } },
      { record: { Ext_Id__c: externalId, Name: 'Hostile' } },
    ]);
    const linesBefore = output.lines().length;
    const result = await invoke(event);
    expect(result).toEqual({ ok: { batchItemFailures: [{ itemIdentifier: event.Records[1]?.messageId }] } });
    const warning = output
      .lines()
      .slice(linesBefore)
      .find((l) => l.includes('message not written to Salesforce'));
    expect(warning).toBeDefined();
    // Before: the whole 131 KB external ID, after 12 s of redaction.
    expect(warning?.length).toBeLessThan(6_000);
    expect(JSON.parse(warning ?? '{}')).toMatchObject({
      messageId: event.Records[1]?.messageId,
      externalId: expect.stringMatching(/…\[truncated: \d+ chars\]$/) as unknown,
    });
  });
});

describe('scheduled-sync on any event', () => {
  it('any JSON value: a summary or an InvalidEventError, never a TypeError', async () => {
    const invoke = await start('../../functions/scheduled-sync.js', { SYNC_DRY_RUN: 'true' });
    const sourceReads = source.requests();
    const invalid = await invoke([1, 2]);
    expect(invalid).toHaveProperty('error');
    expect((invalid as { error: InvalidEventError }).error.code).toBe(InvalidEventError.code);
    expect((invalid as { error: Error }).error.message).toBe(
      'Invalid scheduled sync event: event: must be an EventBridge event object, or empty',
    );
    // Refused before the source is read.
    expect(source.requests()).toBe(sourceReads);
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        const result = await invoke(event);
        if ('error' in result) {
          expectSafeError(result.error);
          expect(result.error.code).toBe(InvalidEventError.code);
        } else {
          expect(result.ok).toMatchObject({ read: 0, failed: 0 });
        }
      }),
      { numRuns: numRuns(40) },
    );
  });
});

describe('token-vendor on any event', () => {
  it('any JSON value: a token or an InvalidEventError, never a TypeError; hostile keys are not echoed', async () => {
    const invoke = await start('../../functions/token-vendor.js');
    for (const key of HOSTILE_KEYS) {
      const { error } = (await invoke({ [key]: true })) as { error: unknown };
      expectSafeError(error);
      expect(error.code).toBe(InvalidEventError.code);
    }
    await fc.assert(
      fc.asyncProperty(anyEvent, async (event) => {
        const result = await invoke(event);
        if ('error' in result) {
          expectSafeError(result.error);
          expect(result.error.code).toBe(InvalidEventError.code);
        } else {
          expect(result.ok).toHaveProperty('accessToken');
        }
      }),
      { numRuns: numRuns(60) },
    );
  });
});
