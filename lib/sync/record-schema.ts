import * as z from 'zod/mini';
import { RECORD_MAX_FIELDS as MAX_FIELDS, SALESFORCE_MAX_TEXT_LENGTH as MAX_TEXT } from '../constants.js';
import { describeIssues } from '../schema-issues.js';
import { SALESFORCE_API_NAME } from '../salesforce-names.js';

const scalar = z.union([
  z.string().check(z.maxLength(MAX_TEXT, `is longer than ${MAX_TEXT} characters`)),
  z.number().check(z.refine(Number.isFinite, 'must be a finite number')),
  z.boolean(),
  z.null(),
]);

/** A relationship reference by external ID, e.g. `"Account": {"Ext_Id__c": "A-1"}`. */
const reference = z.record(
  z.string().check(z.regex(SALESFORCE_API_NAME, 'is not a Salesforce field name')),
  scalar,
);

/**
 * A record as it is sent to Salesforce: field API names to scalars (or one level of relationship
 * reference). Keys that are not API names (`__proto__`, `constructor.x`, spaces) are refused,
 * which also keeps prototype-pollution keys out.
 */
export const recordSchema = z
  .record(
    z.string().check(z.regex(SALESFORCE_API_NAME, 'is not a Salesforce field name')),
    z.union([scalar, reference]),
  )
  .check(z.refine((r) => Object.keys(r).length <= MAX_FIELDS, `has more than ${MAX_FIELDS} fields`));

export type SyncRecord = z.infer<typeof recordSchema>;

/** The SQS message body: `{"sobject"?, "externalIdField"?, "record": {...}}`. */
export const messageSchema = z.strictObject(
  {
    sobject: z.optional(z.string().check(z.regex(SALESFORCE_API_NAME, 'is not a Salesforce object name'))),
    externalIdField: z.optional(
      z.string().check(z.regex(SALESFORCE_API_NAME, 'is not a Salesforce field name')),
    ),
    record: recordSchema,
  },
  { error: 'must be a JSON object' },
);

/**
 * Problems of a failed message or record parse, by path; values are never quoted, and of the
 * keys, which come from the input, only API-name-shaped ones (short by definition) are repeated.
 */
export function describeRecordIssues(error: z.core.$ZodError): string {
  return describeIssues(error, { root: 'body', shownKeys: SALESFORCE_API_NAME });
}

/** The external ID value, when the record has a usable one. */
export function externalIdOf(record: SyncRecord, field: string): string | undefined {
  const value = record[field];
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
