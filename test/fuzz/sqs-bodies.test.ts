// Property-based tests of syncSqsBatch (lib/sync/sqs-batch.ts) against the local Salesforce
// emulator: hostile SQS bodies (arbitrary text, JSON, huge and deeply nested bodies, unicode,
// prototype-pollution keys) mixed with valid messages.
import type { SQSRecord } from 'aws-lambda';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FAILURE_MESSAGE } from '../../lib/constants.js';
import { BatchFailedError } from '../../lib/errors.js';
import { syncSqsBatch } from '../../lib/sync/sqs-batch.js';
import type { ProviderLogger } from '../../lib/token/token-provider.js';
import { sqsEvent } from '../helpers/sqs.js';
import { accountName, newMarker, prototypeIsClean, safeMessage, unicodeText } from './support.js';
import { startRestStack, type RestStack } from '../helpers/rest-stack.js';
import { numRuns } from './runs.js';

let fuzz: RestStack;

beforeAll(async () => {
  fuzz = await startRestStack();
});

afterAll(async () => {
  await fuzz.close();
});

// ---------------------------------------------------------------------------------------------
// Bodies are generated as descriptions and rendered at run time with the message's external ID
// (`m<index>`) and the run's marker, so every run starts from an empty org and knows which
// external ID each message would write.

interface ValidBody {
  kind: 'valid';
  name: string;
  description?: string;
  revenue?: number;
  employees?: number;
  active?: boolean;
  sobject: boolean;
  externalIdField: boolean;
}

type PathStep = 'arr' | { key: string };

type InvalidHow =
  | 'name-array'
  | 'name-object'
  | 'ext-array'
  | 'no-ext'
  | 'blank-ext'
  | 'extra-top'
  | 'bad-sobject'
  | 'bad-ext-field'
  | 'record-not-object'
  | 'infinite'
  | 'no-name'
  | 'unknown-field';

type Body =
  | ValidBody
  | { kind: 'text'; before: string; after: string }
  | { kind: 'json'; text: string }
  | { kind: 'anything'; text: string }
  | { kind: 'huge'; length: number; shape: 'string' | 'description' | 'truncated' }
  | { kind: 'deep'; depth: number; shape: 'array' | 'object' | 'in-record' | 'unbalanced' }
  | {
      kind: 'proto';
      key: '__proto__' | 'constructor' | 'prototype';
      where: 'body' | 'record';
      path: PathStep[];
    }
  | { kind: 'invalid'; how: InvalidHow };

const validBody: fc.Arbitrary<ValidBody> = fc.record(
  {
    kind: fc.constant('valid' as const),
    name: accountName,
    description: fc.oneof(unicodeText(200), fc.constant('')),
    revenue: fc.double({ noNaN: true, noDefaultInfinity: true }),
    employees: fc.integer({ min: -2_147_483_647, max: 2_147_483_647 }),
    active: fc.boolean(),
    sobject: fc.boolean(),
    externalIdField: fc.boolean(),
  },
  { requiredKeys: ['kind', 'name', 'sobject', 'externalIdField'] },
);

const pathStep: fc.Arbitrary<PathStep> = fc.oneof(
  fc.constant('arr' as const),
  fc.string({ maxLength: 8 }).map((key) => ({ key })),
);

const hostileBody: fc.Arbitrary<Body> = fc.oneof(
  fc.record({ kind: fc.constant('text' as const), before: unicodeText(), after: unicodeText() }),
  fc.record({ kind: fc.constant('json' as const), text: fc.json() }),
  fc.record({
    kind: fc.constant('anything' as const),
    text: fc.anything().map((value) => (JSON.stringify(value) as string | undefined) ?? 'undefined'),
  }),
  fc.record({
    kind: fc.constant('huge' as const),
    length: fc.integer({ min: 131_073, max: 1_000_000 }),
    shape: fc.constantFrom('string' as const, 'description' as const, 'truncated' as const),
  }),
  fc.record({
    kind: fc.constant('deep' as const),
    depth: fc.integer({ min: 100, max: 3_000 }),
    shape: fc.constantFrom('array' as const, 'object' as const, 'in-record' as const, 'unbalanced' as const),
  }),
  fc.record({
    kind: fc.constant('proto' as const),
    key: fc.constantFrom('__proto__' as const, 'constructor' as const, 'prototype' as const),
    where: fc.constantFrom('body' as const, 'record' as const),
    path: fc.oneof(fc.array(pathStep, { maxLength: 5 }), fc.array(pathStep, { maxLength: 300 })),
  }),
  fc.record({
    kind: fc.constant('invalid' as const),
    how: fc.constantFrom<InvalidHow>(
      'name-array',
      'name-object',
      'ext-array',
      'no-ext',
      'blank-ext',
      'extra-top',
      'bad-sobject',
      'bad-ext-field',
      'record-not-object',
      'infinite',
      'no-name',
      'unknown-field',
    ),
  }),
);

const anyBody: fc.Arbitrary<Body> = fc.oneof(
  { weight: 2, arbitrary: validBody },
  { weight: 3, arbitrary: hostileBody },
);

function validRecord(body: ValidBody, id: string): Record<string, unknown> {
  return {
    Ext_Id__c: id,
    Name: body.name,
    ...(body.description === undefined ? {} : { Description: body.description }),
    ...(body.revenue === undefined ? {} : { AnnualRevenue: body.revenue }),
    ...(body.employees === undefined ? {} : { NumberOfEmployees: body.employees }),
    ...(body.active === undefined ? {} : { Active__c: body.active }),
  };
}

function wrap(path: readonly PathStep[], inner: string): string {
  return path.reduceRight(
    (text, step) => (step === 'arr' ? `[${text}]` : `{${JSON.stringify(step.key)}:${text}}`),
    inner,
  );
}

const POLLUTION: Record<'__proto__' | 'constructor' | 'prototype', string> = {
  __proto__: '"__proto__":{"polluted":"yes"}',
  constructor: '"constructor":{"prototype":{"polluted":"yes"}}',
  prototype: '"prototype":{"polluted":"yes"}',
};

/** The body text, and the external ID it would write if it were accepted (undefined: none). */
function render(body: Body, id: string, marker: string): { text: string; externalId?: string } {
  const base = `"Ext_Id__c":${JSON.stringify(id)},"Name":"n"`;
  const filler = (length: number) => marker.repeat(Math.ceil(length / marker.length)).slice(0, length);
  switch (body.kind) {
    case 'valid':
      return {
        externalId: id,
        text: JSON.stringify({
          ...(body.sobject ? { sobject: 'Account' } : {}),
          ...(body.externalIdField ? { externalIdField: 'Ext_Id__c' } : {}),
          record: validRecord(body, id),
        }),
      };
    case 'text':
      return { text: `${body.before}${marker}${body.after}` };
    case 'json':
    case 'anything':
      return { text: body.text };
    case 'huge': {
      const value = filler(body.length);
      if (body.shape === 'string') return { text: JSON.stringify(value) };
      const text = `{"record":{${base},"Description":${JSON.stringify(value)}}}`;
      return {
        externalId: id,
        text: body.shape === 'description' ? text : text.slice(0, Math.floor(text.length / 2)),
      };
    }
    case 'deep': {
      const d = body.depth;
      if (body.shape === 'array') return { text: '['.repeat(d) + JSON.stringify(marker) + ']'.repeat(d) };
      if (body.shape === 'unbalanced') return { text: `[${JSON.stringify(marker)},${'['.repeat(d)}` };
      const nested = '{"a":'.repeat(d) + JSON.stringify(marker) + '}'.repeat(d);
      if (body.shape === 'object') return { text: nested };
      return { externalId: id, text: `{"record":{${base},"Description":${nested}}}` };
    }
    case 'proto': {
      const members = POLLUTION[body.key];
      const nested = body.path.length ? `"Description":${wrap(body.path, `{${members}}`)}` : members;
      return {
        externalId: id,
        text:
          body.where === 'body'
            ? `{"record":{${base}},${body.path.length ? `"nested":${wrap(body.path, `{${members}}`)}` : members}}`
            : `{"record":{${base},${nested}}}`,
      };
    }
    case 'invalid': {
      const m = JSON.stringify(marker);
      const texts: Record<InvalidHow, string> = {
        'name-array': `{"record":{"Ext_Id__c":${JSON.stringify(id)},"Name":[${m}]}}`,
        'name-object': `{"record":{"Ext_Id__c":${JSON.stringify(id)},"Name":{"Deep":{"x":${m}}}}}`,
        'ext-array': `{"record":{"Ext_Id__c":[${JSON.stringify(id)},${m}],"Name":"n"}}`,
        'no-ext': `{"record":{"Name":${m}}}`,
        'blank-ext': `{"record":{"Ext_Id__c":"   ","Name":${m}}}`,
        'extra-top': `{"record":{${base}},"note":${m}}`,
        'bad-sobject': `{"sobject":${m},"record":{${base}}}`,
        'bad-ext-field': `{"externalIdField":${m},"record":{${base}}}`,
        'record-not-object': `{"record":${m}}`,
        infinite: `{"record":{${base},"AnnualRevenue":1e999,"Description":${m}}}`,
        // These two reach Salesforce, which refuses them without quoting the value.
        'no-name': `{"record":{"Ext_Id__c":${JSON.stringify(id)},"Description":${m}}}`,
        'unknown-field': `{"record":{${base},"Nickname__c":${m}}}`,
      };
      return { externalId: id, text: texts[body.how] };
    }
  }
}

interface Run {
  records: SQSRecord[];
  ids: string[];
  failed: Set<string>;
  thrown: unknown;
  warnings: { message: string; attributes: Record<string, unknown> }[];
}

async function runBatch(texts: readonly string[], options: { groupId?: (i: number) => string } = {}) {
  fuzz.stack.salesforce.clearRecords();
  const event = sqsEvent(texts, options);
  const warnings: Run['warnings'] = [];
  const logger: Pick<ProviderLogger, 'warn'> = {
    warn: (message, ...extra) => {
      warnings.push({
        message: typeof message === 'string' ? message : message.message,
        attributes: (extra[0] as Record<string, unknown> | undefined) ?? {},
      });
    },
  };
  let result: Awaited<ReturnType<typeof syncSqsBatch>> | undefined;
  let thrown: unknown;
  try {
    result = await syncSqsBatch(event.Records, {
      client: fuzz.client(),
      defaults: { sobject: 'Account', externalIdField: 'Ext_Id__c' },
      logger,
    });
  } catch (error) {
    thrown = error;
  }
  let failed = new Set(event.Records.map((r) => r.messageId));
  if (result) {
    const identifiers = result.response.batchItemFailures.map((f) => f.itemIdentifier);
    failed = new Set(identifiers);
    expect(failed.size).toBe(identifiers.length);
    expect(result.counts.created + result.counts.updated + result.counts.failed).toBe(texts.length);
    expect(result.counts.failed).toBe(failed.size);
  } else {
    // Only BatchFailedError may escape (every message failed); anything else fails every property.
    expect(thrown).toBeInstanceOf(BatchFailedError);
  }
  return {
    records: event.Records,
    ids: event.Records.map((r) => r.messageId),
    failed,
    thrown,
    warnings,
  } satisfies Run;
}

const stored = (externalId: string) => fuzz.stack.salesforce.findRecord('Account', 'Ext_Id__c', externalId);

/** Only BatchFailedError, only when every message failed; warnings bounded and marker-free. */
function checkCommon(run: Run, marker: string): void {
  if (run.thrown !== undefined) {
    expect(run.thrown).toBeInstanceOf(BatchFailedError);
    expect(safeMessage((run.thrown as Error).message, [marker])).toBe(true);
  }
  for (const id of run.failed) expect(run.ids).toContain(id);
  expect(run.warnings.map((w) => w.attributes.messageId).sort()).toEqual([...run.failed].sort());
  for (const warning of run.warnings) {
    expect(safeMessage(warning.attributes.error, [marker])).toBe(true);
    expect(safeMessage(JSON.stringify(warning.attributes), [marker])).toBe(true);
  }
  expect(prototypeIsClean()).toBe(true);
}

describe('syncSqsBatch over hostile bodies', () => {
  it('each message is either reported failed or written (never both, never neither); valid ones are written exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyBody, { minLength: 1, maxLength: 12 }), async (bodies) => {
        const marker = newMarker();
        const rendered = bodies.map((body, i) => render(body, `m${i}`, marker));
        const run = await runBatch(rendered.map((r) => r.text));
        checkCommon(run, marker);
        bodies.forEach((body, i) => {
          const messageId = run.ids[i] ?? '';
          const { externalId } = rendered[i] ?? {};
          const record = externalId === undefined ? undefined : stored(externalId);
          if (body.kind === 'valid') {
            expect(run.failed.has(messageId)).toBe(false);
            expect(record).toMatchObject(
              JSON.parse(
                JSON.stringify({
                  ...validRecord(body, `m${i}`),
                  // Salesforce stores an empty text value as null.
                  ...(body.description === '' ? { Description: null } : {}),
                }),
              ) as Record<string, unknown>,
            );
          } else {
            // Every hostile body here is refused, by the parser, the schema or Salesforce.
            expect(run.failed.has(messageId)).toBe(true);
            expect(record).toBeUndefined();
          }
        });
        if (run.thrown !== undefined) expect(bodies.every((b) => b.kind !== 'valid')).toBe(true);
      }),
      { numRuns: numRuns(100) },
    );
  });

  it('messages for one external ID in a batch are merged in order, later fields winning', async () => {
    const change = fc.record(
      {
        id: fc.constantFrom('d0', 'd1', 'd2'),
        Name: fc.oneof(accountName, fc.constant(null)),
        Description: fc.oneof(unicodeText(40), fc.constant(null)),
        Active__c: fc.boolean(),
      },
      { requiredKeys: ['id'] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(change, { minLength: 1, maxLength: 10 }), async (changes) => {
        const run = await runBatch(
          changes.map(({ id, ...fields }) => JSON.stringify({ record: { Ext_Id__c: id, ...fields } })),
        );
        checkCommon(run, 'no-marker-in-this-property');
        const merged = new Map<string, Record<string, unknown>>();
        for (const { id, ...fields } of changes) merged.set(id, { ...merged.get(id), ...fields });
        changes.forEach(({ id }, i) => {
          const expected = merged.get(id) ?? {};
          const creatable = typeof expected.Name === 'string';
          expect(run.failed.has(run.ids[i] ?? '')).toBe(!creatable);
          if (creatable) {
            const normalised = Object.fromEntries(
              Object.entries(expected).map(([k, v]) => [k, v === '' ? null : v]),
            );
            expect(stored(id)).toMatchObject(normalised);
          } else {
            expect(stored(id)).toBeUndefined();
          }
        });
      }),
      { numRuns: numRuns(50) },
    );
  });

  it('FIFO: after a failed message, every later message of its group is reported failed', async () => {
    const fifoBody = fc.record({ body: anyBody, group: fc.constantFrom('g1', 'g2', 'g3') });
    await fc.assert(
      fc.asyncProperty(fc.array(fifoBody, { minLength: 1, maxLength: 10 }), async (items) => {
        const marker = newMarker();
        const rendered = items.map(({ body }, i) => render(body, `m${i}`, marker));
        const run = await runBatch(
          rendered.map((r) => r.text),
          { groupId: (i) => items[i]?.group ?? 'g1' },
        );
        checkCommon(run, marker);
        const broken = new Set<string>();
        items.forEach(({ body, group }, i) => {
          const isFailed = run.failed.has(run.ids[i] ?? '');
          if (broken.has(group)) expect(isFailed).toBe(true);
          else expect(isFailed).toBe(body.kind !== 'valid');
          if (isFailed) broken.add(group);
        });
      }),
      { numRuns: numRuns(40) },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Bugs found by these properties, fixed since; each test is seeded with the minimal counterexample
// fast-check found, so it stays a regression test.

describe('syncSqsBatch: regressions found by fuzzing', () => {
  const plainValid = (id: string, name = 'ok') => JSON.stringify({ record: { Ext_Id__c: id, Name: name } });

  // Found by fuzzing, fixed: lib/salesforce/collections-upsert.ts isolate() picks the records behind an INVALID_FIELD
  // 400 with `column in item.record`, which follows the prototype chain. A message with a field
  // named after an Object.prototype member (constructor, toString, valueOf, hasOwnProperty, ...:
  // all valid API names per record-schema.ts) makes Salesforce answer "No such column
  // 'toString'", and then EVERY record of the chunk is "bad": all its valid neighbours fail too.
  // Minimal counterexample: [{"record":{"Ext_Id__c":"m0","Name":"ok"}},
  //                          {"record":{"Ext_Id__c":"m1","Name":"ok","toString":""}}]
  // -> both messages fail (INVALID_FIELD); with only such neighbours, BatchFailedError.
  it('a field named after an Object.prototype member fails only its own message', async () => {
    const builtin = fc.constantFrom(
      'constructor',
      'toString',
      'valueOf',
      'hasOwnProperty',
      'isPrototypeOf',
      'propertyIsEnumerable',
      'toLocaleString',
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(accountName, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        builtin,
        fc.string({ maxLength: 5 }),
        async (names, position, field, value) => {
          const texts = names.map((name, i) => plainValid(`m${i}`, name));
          const at = position % (texts.length + 1);
          texts.splice(
            at,
            0,
            JSON.stringify({ record: { Ext_Id__c: 'poisoned', Name: 'x', [field]: value } }),
          );
          const run = await runBatch(texts);
          run.ids.forEach((messageId, i) => {
            expect(run.failed.has(messageId)).toBe(i === at);
          });
        },
      ),
      { numRuns: numRuns(10), examples: [[['ok'], 0, 'toString', '']] },
    );
  });

  // Found by fuzzing, fixed: Salesforce's own messages for refused values quote the value (STRING_TOO_LONG "Account
  // Description: data value too large: <the whole value>", INVALID_EMAIL_ADDRESS, and
  // JSON_PARSER_ERROR "Cannot deserialize instance of double from VALUE_STRING value <value>"),
  // and syncSqsBatch logs outcome.message verbatim and unbounded (lib/sync/sqs-batch.ts, the
  // `error: outcome.message` of logger.warn): a 32,001..131,072-character Description becomes a
  // log line of the same size, and any secret in a refused value reaches the logs.
  // Minimal counterexample: {"record":{"Ext_Id__c":"m0","Name":"n","AnnualRevenue":"<marker>"}}
  // -> warn error "Cannot deserialize instance of double from VALUE_STRING value <marker> ...".
  it('failure messages for values Salesforce refuses are bounded', async () => {
    const refused = fc.oneof(
      fc.constant('AnnualRevenue' as const),
      fc.constant('NumberOfEmployees' as const),
      fc.constant('Email__c' as const),
      fc.integer({ min: 32_001, max: 131_072 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), refused, async (neighbours, how) => {
        const marker = newMarker();
        const record =
          typeof how === 'number'
            ? { Description: marker.repeat(Math.ceil(how / marker.length)).slice(0, how) }
            : { [how]: marker };
        const texts = [
          ...Array.from({ length: neighbours }, (_, i) => plainValid(`m${i}`)),
          JSON.stringify({ record: { Ext_Id__c: 'refused', Name: 'n', ...record } }),
        ];
        const run = await runBatch(texts);
        expect(run.warnings).toHaveLength(1);
        // By design Salesforce's own message is kept, because it says what was wrong with the
        // value (and may quote it: record data, not a credential), but it is bounded.
        const error = String(run.warnings[0]?.attributes.error);
        expect(error.length).toBeLessThanOrEqual(MAX_FAILURE_MESSAGE);
        expect(JSON.stringify(run.warnings[0]?.attributes).length).toBeLessThan(
          2 * MAX_FAILURE_MESSAGE + 500,
        );
        expect(prototypeIsClean()).toBe(true);
      }),
      { numRuns: numRuns(10), examples: [[0, 'AnnualRevenue']] },
    );
  });

  // Found by fuzzing, fixed: lib/sync/record-schema.ts describeIssues quotes keys verbatim: an invalid record key is
  // part of the issue path ("record.<key>: a key is not a Salesforce field name") and unknown
  // top-level keys are listed ("unknown field(s) <key>"), with no length bound. A body whose key
  // holds a secret (or 1 MB of text) puts it in the log line.
  // Minimal counterexample: {"record":{"Ext_Id__c":"m0","Name":"n","<marker>":""}}
  // -> "record.SECRET-MARKER-…: a key is not a Salesforce field name".
  it('invalid and unknown keys are not quoted in failure messages', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('record' as const, 'top' as const),
        fc.integer({ min: 1, max: 200_000 }),
        async (where, repeat) => {
          const marker = newMarker();
          const key = marker.repeat(Math.max(1, Math.floor(repeat / marker.length)));
          const record = { Ext_Id__c: 'm0', Name: 'n', ...(where === 'record' ? { [key]: '' } : {}) };
          const run = await runBatch([JSON.stringify({ record, ...(where === 'top' ? { [key]: '' } : {}) })]);
          checkCommon(run, marker);
        },
      ),
      { numRuns: numRuns(10), examples: [['record', 1]] },
    );
  });

  // Found by fuzzing, fixed (design): on a FIFO queue keepFifoOrder (lib/sync/sqs-batch.ts) marks the later messages
  // of a broken group failed only AFTER the whole batch was upserted, so they are both written
  // to Salesforce and listed in batchItemFailures (redelivered and written again), and their
  // changes land before the earlier failed message's: "redelivery keeps their order" does not
  // hold. The valid messages of a group after a failed one should not be sent at all.
  // Minimal counterexample (one group "g"): ["not json", {"record":{"Ext_Id__c":"m1","Name":"ok"}}]
  // -> m1 is reported FIFO_GROUP_BLOCKED, yet Account m1 exists.
  it('FIFO: a message reported failed (blocked by its group) was not written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(accountName, { minLength: 1, maxLength: 5 }), async (names) => {
        const run = await runBatch(['not json', ...names.map((name, i) => plainValid(`m${i + 1}`, name))], {
          groupId: () => 'g',
        });
        names.forEach((_, i) => {
          if (run.failed.has(run.ids[i + 1] ?? '')) expect(stored(`m${i + 1}`)).toBeUndefined();
        });
      }),
      { numRuns: numRuns(5), examples: [[['ok']]] },
    );
  });

  // Found by fuzzing, fixed: lib/sync/merge-duplicates.ts merges messages by the exact external ID string, but
  // Salesforce matches text external IDs case-insensitively (the emulator does too), so "abc"
  // and "ABC" in one batch reach Salesforce as two rows with the same key and BOTH are refused
  // ("DUPLICATE_VALUE: Duplicate external id specified: abc"), on every redelivery that keeps
  // them together. Same in Bulk (lib/salesforce/bulk-ingest.ts).
  // Minimal counterexample: [{"record":{"Ext_Id__c":"a","Name":"ok"}},
  //                          {"record":{"Ext_Id__c":"A","Name":"ok"}}] -> both fail.
  it('messages whose external IDs differ only by case are written (as Salesforce matches them)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.stringMatching(/^[a-z]{1,8}$/),
        fc.array(fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
        async (base, casings) => {
          const variants = [
            base.toUpperCase(),
            ...casings.map((upper) =>
              Array.from(base)
                .map((c, i) => (upper[i] ? c.toUpperCase() : c))
                .join(''),
            ),
          ];
          const run = await runBatch(variants.map((id) => plainValid(id)));
          expect(run.failed.size).toBe(0);
        },
      ),
      { numRuns: numRuns(10), examples: [['a', [[false, false, false, false, false, false, false, false]]]] },
    );
  });
});
