import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import { BatchFailedError, ForbiddenKeyError } from '../errors.js';
import { parseJsonRejectingProto } from '../json.js';
import {
  countOutcomes,
  failed,
  type OutcomeCounts,
  type RecordFailed,
  type RecordOutcome,
  type SyncItem,
} from '../record-outcome.js';
import type { SalesforceApi } from '../salesforce/salesforce-api.js';
import type { ProviderLogger } from '../token/token-provider.js';
import { sqsRecordProblem } from './lambda-events.js';
import { describeRecordIssues, externalIdOf, messageSchema } from './record-schema.js';
import { upsertRecords } from './record-sync.js';

export interface SqsSyncOptions {
  /** A `SalesforceClient`, the sync runtime's client, or any {@link SalesforceApi}. */
  client: SalesforceApi;
  /** `SYNC_SOBJECT` / `SYNC_EXTERNAL_ID_FIELD`, used when a message does not name its own. */
  defaults: { sobject: string | undefined; externalIdField: string | undefined };
  bulkThreshold?: number | undefined;
  concurrency?: number | undefined;
  logger?: Pick<ProviderLogger, 'warn'> | undefined;
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
 * failed for good. On a FIFO queue, messages go out in waves (the first of each message group,
 * then the second, ...), and a failure stops its group: the later messages of that group are not
 * sent but reported failed, so redelivery applies them in order after the failed one.
 */
export async function syncSqsBatch(
  records: readonly SQSRecord[],
  options: SqsSyncOptions,
): Promise<SqsSyncResult> {
  const outcomes = new Map<string, RecordOutcome>();
  const context = new Map<string, { externalId?: string; sobject?: string }>();
  const parsed = records.map((record) => {
    const message = parseMessage(record, options.defaults);
    if ('statusCode' in message) outcomes.set(record.messageId, message);
    else context.set(record.messageId, { externalId: message.externalId, sobject: message.sobject });
    return { record, message };
  });
  const fifo = records.some((r) => groupOf(r));
  // Standard queue: one wave. FIFO: wave i holds the i-th message of each group.
  const waves: { record: SQSRecord; message: Parsed | RecordFailed }[][] = [];
  const position = new Map<string, number>();
  for (const entry of parsed) {
    const group = fifo ? (groupOf(entry.record) ?? '') : '';
    const index = fifo ? (position.get(group) ?? 0) : 0;
    position.set(group, index + 1);
    (waves[index] ??= []).push(entry);
  }
  const blockedBy = new Map<string, string>();
  for (const wave of waves) {
    const sendable: Parsed[] = [];
    for (const { record, message } of wave) {
      const group = groupOf(record);
      const blocker = group ? blockedBy.get(group) : undefined;
      if (group && blocker) {
        outcomes.set(
          record.messageId,
          failed(
            record.messageId,
            'FIFO_GROUP_BLOCKED',
            `an earlier message (${blocker}) of group ${group} was not written`,
          ),
        );
      } else if ('statusCode' in message) {
        if (group) blockedBy.set(group, record.messageId);
      } else {
        sendable.push(message);
      }
    }
    await writeGroups(sendable, options, outcomes);
    for (const { record } of wave) {
      const group = groupOf(record);
      if (fifo && group && !blockedBy.has(group) && outcomes.get(record.messageId)?.ok !== true) {
        blockedBy.set(group, record.messageId);
      }
    }
  }

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
      fields: outcome.fields,
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

/**
 * The record's FIFO message group. A record invoked by hand may lack `attributes`: it is reported
 * failed (INVALID_RECORD), and must not throw before that.
 */
function groupOf(record: SQSRecord): string | undefined {
  const attributes: unknown = record.attributes;
  if (typeof attributes !== 'object' || attributes === null) return undefined;
  const group: unknown = (attributes as Record<string, unknown>).MessageGroupId;
  return typeof group === 'string' && group !== '' ? group : undefined;
}

function parseMessage(record: SQSRecord, defaults: SqsSyncOptions['defaults']): Parsed | RecordFailed {
  const ref = record.messageId;
  const problem = sqsRecordProblem(record);
  if (problem) return failed(ref, 'INVALID_RECORD', problem);
  let body: unknown;
  try {
    body = parseJsonRejectingProto(record.body);
  } catch (error) {
    if (error instanceof ForbiddenKeyError) return failed(ref, 'INVALID_MESSAGE', error.message);
    return failed(ref, 'INVALID_JSON', 'message body is not valid JSON');
  }
  const message = messageSchema.safeParse(body);
  if (!message.success) return failed(ref, 'INVALID_MESSAGE', describeRecordIssues(message.error));
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

/** Upserts the messages, one call set per (sobject, external ID field), recording each outcome. */
async function writeGroups(
  messages: readonly Parsed[],
  options: SqsSyncOptions,
  outcomes: Map<string, RecordOutcome>,
) {
  const groups = new Map<string, Parsed[]>();
  for (const message of messages) {
    const key = `${message.sobject}/${message.externalIdField}`;
    const group = groups.get(key);
    if (group) group.push(message);
    else groups.set(key, [message]);
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
        bulkThreshold: options.bulkThreshold,
        concurrency: options.concurrency,
      },
    );
    for (const outcome of written) outcomes.set(outcome.ref, outcome);
  }
}
