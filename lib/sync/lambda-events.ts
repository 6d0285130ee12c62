import type { SQSEvent, SQSRecord } from 'aws-lambda';
import * as z from 'zod/mini';
import { InvalidEventError } from '../errors.js';
import { describeIssues } from '../schema-issues.js';

// The events the sync functions are invoked with, validated before anything reads them: a
// Lambda can be invoked by hand (console, CLI, another function) with any JSON value, and a
// malformed one must give a typed error naming the problem, never a TypeError. No message quotes
// an input value, and input keys are named only when they look like field names (schemaProblems).

const messageId = z.string({ error: 'must be a string' }).check(z.minLength(1, 'must not be empty'));

/**
 * The batch as a whole (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html): `Records`,
 * each with a `messageId`. Only what is needed to report a record failed is required here; the
 * rest of each record is checked by {@link sqsRecordProblem}, so one malformed record is reported
 * in `batchItemFailures` rather than failing (and redelivering) its whole batch.
 */
const sqsEventSchema = z.object(
  {
    Records: z.array(z.object({ messageId }, { error: 'must be an SQS record object' }), {
      error: 'must be an array of SQS records',
    }),
  },
  { error: 'must be an SQS event object {"Records": [...]}' },
);

/** What the sync reads of one record: its body, and the FIFO message group when there is one. */
const sqsRecordSchema = z.object({
  messageId,
  body: z.string({ error: 'must be a string' }),
  attributes: z.object(
    { MessageGroupId: z.optional(z.string({ error: 'must be a string' })) },
    { error: 'must be an object' },
  ),
});

/**
 * Checks an SQS event's shape: an object with a `Records` array whose every entry has a
 * `messageId`. Throws {@link InvalidEventError} naming the first problem otherwise (a record
 * without a `messageId` cannot be reported on its own, so the whole batch fails and is redelivered).
 */
export function parseSqsEvent(event: unknown): SQSEvent {
  const parsed = sqsEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new InvalidEventError(`Invalid SQS event: ${describeIssues(parsed.error, { root: 'event' })}`);
  }
  // The records themselves, not zod's copies: the per-record check reads their other fields.
  return event as SQSEvent;
}

/** What is wrong with one record of a valid batch (`body`, `attributes`), or undefined. */
export function sqsRecordProblem(record: SQSRecord): string | undefined {
  const parsed = sqsRecordSchema.safeParse(record);
  return parsed.success
    ? undefined
    : `invalid SQS record: ${describeIssues(parsed.error, { root: 'record' })}`;
}

/**
 * The scheduled function's event: an EventBridge event (https://docs.aws.amazon.com/eventbridge/latest/ref/overiew-event-structure.html),
 * whose content the sync does not use, or nothing (`null`, or `""` from `serverless invoke local`).
 */
const scheduledEventSchema = z.object(
  {
    'detail-type': z.optional(z.string({ error: 'must be a string' })),
    source: z.optional(z.string({ error: 'must be a string' })),
  },
  { error: 'must be an EventBridge event object, or empty' },
);

/** Checks the scheduled function's event; throws {@link InvalidEventError} naming the problem. */
export function parseScheduledEvent(event: unknown): void {
  const parsed = scheduledEventSchema.safeParse(event === '' || event == null ? {} : event);
  if (!parsed.success) {
    throw new InvalidEventError(
      `Invalid scheduled sync event: ${describeIssues(parsed.error, { root: 'event' })}`,
    );
  }
}
