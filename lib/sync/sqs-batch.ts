import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { BatchFailedError } from '../errors.js';

export { BatchFailedError };
import type { SalesforceRestClient } from '../salesforce/rest-client.js';
import type { ProviderLogger } from '../token/token-provider.js';
import { failed, type RecordFailed, type RecordOutcome, type SyncItem } from './record-outcome.js';
import { describeIssues, externalIdOf, messageSchema } from './record-schema.js';
import { upsertRecords } from './record-sync.js';
import { ForbiddenKeyError, parseJsonRejectingProto } from './safe-json.js';
import { countOutcomes, type OutcomeCounts } from './sync-report.js';

export interface SqsSyncOptions {
  client: SalesforceRestClient;
  /** `SYNC_SOBJECT` / `SYNC_EXTERNAL_ID_FIELD`, used when a message does not name its own. */
  defaults: { sobject: string | undefined; externalIdField: string | undefined };
  bulkThreshold?: number;
  concurrency?: number;
  logger?: Pick<ProviderLogger, 'warn'>;
}

export interface SqsSyncResult {
  response: SQSBatchResponse;
  counts: OutcomeCounts;
}

interface Parsed {
  messageId: string;
  sobject: string;
  externalIdField: string;
  externalId: string;
  item: SyncItem;
}

/**
 * Writes an SQS batch to Salesforce: every valid message goes out together (grouped by sobject
 * and external ID field), and the partial batch response lists exactly the messages not written:
 * unparseable or invalid bodies, Salesforce's per-record errors, and every record of a call that
 * failed for good. On a FIFO queue, a failure also fails the later messages of its group, so
 * redelivery keeps their order.
 */
export async function syncSqsBatch(
  records: readonly SQSRecord[],
  options: SqsSyncOptions,
): Promise<SqsSyncResult> {
  const outcomes = new Map<string, RecordOutcome>();
  const context = new Map<string, { externalId?: string; sobject?: string }>();
  const groups = new Map<string, Parsed[]>();
  for (const record of records) {
    const parsed = parseMessage(record, options.defaults);
    if ('statusCode' in parsed) {
      outcomes.set(record.messageId, parsed);
      continue;
    }
    context.set(record.messageId, { externalId: parsed.externalId, sobject: parsed.sobject });
    const key = `${parsed.sobject}/${parsed.externalIdField}`;
    groups.set(key, [...(groups.get(key) ?? []), parsed]);
  }
  for (const group of groups.values()) {
    const first = group[0];
    if (!first) continue;
    const { outcomes: written } = await upsertRecords(
      options.client,
      group.map((p) => p.item),
      {
        sobject: first.sobject,
        externalIdField: first.externalIdField,
        ...(options.bulkThreshold === undefined ? {} : { bulkThreshold: options.bulkThreshold }),
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      },
    );
    for (const outcome of written) outcomes.set(outcome.ref, outcome);
  }
  keepFifoOrder(records, outcomes);

  const failures: { itemIdentifier: string }[] = [];
  for (const record of records) {
    const outcome =
      outcomes.get(record.messageId) ?? failed(record.messageId, 'NOT_PROCESSED', 'no outcome was recorded');
    if (outcome.ok) continue;
    failures.push({ itemIdentifier: record.messageId });
    options.logger?.warn('message not written to Salesforce', {
      messageId: record.messageId,
      ...context.get(record.messageId),
      statusCode: outcome.statusCode,
      error: outcome.message,
      ...(outcome.fields ? { fields: outcome.fields } : {}),
    });
  }
  const counts = countOutcomes(
    records.map((r) => outcomes.get(r.messageId) ?? failed(r.messageId, 'NOT_PROCESSED', '')),
  );
  if (records.length > 0 && failures.length === records.length) {
    throw new BatchFailedError(
      `All ${records.length} messages of the batch failed; see the log lines above for each`,
    );
  }
  return { response: { batchItemFailures: failures }, counts };
}

function parseMessage(record: SQSRecord, defaults: SqsSyncOptions['defaults']): Parsed | RecordFailed {
  const ref = record.messageId;
  let body: unknown;
  try {
    body = parseJsonRejectingProto(record.body);
  } catch (error) {
    if (error instanceof ForbiddenKeyError) return failed(ref, 'INVALID_MESSAGE', error.message);
    return failed(ref, 'INVALID_JSON', 'message body is not valid JSON');
  }
  const message = messageSchema.safeParse(body);
  if (!message.success) return failed(ref, 'INVALID_MESSAGE', describeIssues(message.error));
  const sobject = message.data.sobject ?? defaults.sobject;
  const externalIdField = message.data.externalIdField ?? defaults.externalIdField;
  if (!sobject)
    return failed(ref, 'INVALID_MESSAGE', 'no sobject: set "sobject" in the message or SYNC_SOBJECT');
  if (!externalIdField) {
    return failed(
      ref,
      'INVALID_MESSAGE',
      'no external ID field: set "externalIdField" in the message or SYNC_EXTERNAL_ID_FIELD',
    );
  }
  const externalId = externalIdOf(message.data.record, externalIdField);
  if (externalId === undefined) {
    return failed(
      ref,
      'MISSING_EXTERNAL_ID',
      `record has no value for its external ID field ${externalIdField}`,
      [externalIdField],
    );
  }
  return { messageId: ref, sobject, externalIdField, externalId, item: { ref, record: message.data.record } };
}

/** FIFO: after a failed message, the later messages of its group fail too (in batch order). */
function keepFifoOrder(records: readonly SQSRecord[], outcomes: Map<string, RecordOutcome>): void {
  const brokenGroups = new Map<string, string>();
  for (const record of records) {
    const group = record.attributes.MessageGroupId;
    if (!group) continue;
    const blockedBy = brokenGroups.get(group);
    if (blockedBy) {
      outcomes.set(
        record.messageId,
        failed(
          record.messageId,
          'FIFO_GROUP_BLOCKED',
          `an earlier message (${blockedBy}) of group ${group} was not written`,
        ),
      );
    } else if (outcomes.get(record.messageId)?.ok !== true) {
      brokenGroups.set(group, record.messageId);
    }
  }
}
