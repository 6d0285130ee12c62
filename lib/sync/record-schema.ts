import * as z from 'zod/mini';

/** Salesforce API names: a letter, then letters, digits and underscores (e.g. `Ext_Id__c`, `Account`). */
const API_NAME = /^[A-Za-z][A-Za-z0-9_]{0,79}$/;

/** Longest text value Salesforce stores (Long Text Area, 131,072 characters). */
const MAX_TEXT = 131_072;
const MAX_FIELDS = 800;

const scalar = z.union([
  z.string().check(z.maxLength(MAX_TEXT, `is longer than ${MAX_TEXT} characters`)),
  z.number().check(z.refine(Number.isFinite, 'must be a finite number')),
  z.boolean(),
  z.null(),
]);

/** A relationship reference by external ID, e.g. `"Account": {"Ext_Id__c": "A-1"}`. */
const reference = z.record(z.string().check(z.regex(API_NAME, 'is not a Salesforce field name')), scalar);

/**
 * A record as it is sent to Salesforce: field API names to scalars (or one level of relationship
 * reference). Keys that are not API names (`__proto__`, `constructor.x`, spaces) are refused,
 * which also keeps prototype-pollution keys out.
 */
export const recordSchema = z
  .record(z.string().check(z.regex(API_NAME, 'is not a Salesforce field name')), z.union([scalar, reference]))
  .check(z.refine((r) => Object.keys(r).length <= MAX_FIELDS, `has more than ${MAX_FIELDS} fields`));

export type SyncRecord = z.infer<typeof recordSchema>;

/** The SQS message body: `{"sobject"?, "externalIdField"?, "record": {...}}`. */
export const messageSchema = z.strictObject({
  sobject: z.optional(z.string().check(z.regex(API_NAME, 'is not a Salesforce object name'))),
  externalIdField: z.optional(z.string().check(z.regex(API_NAME, 'is not a Salesforce field name'))),
  record: recordSchema,
});

/** Human-readable problems of a failed parse, by path; values are never quoted. */
export function describeIssues(error: z.core.$ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => {
      // Keys come from the input: only API-name-shaped ones (short by definition) are repeated.
      const path = issue.path.map((p) => (typeof p === 'string' && API_NAME.test(p) ? p : '?')).join('.');
      if (issue.code === 'invalid_key') {
        const parent = path.split('.').slice(0, -1).join('.');
        return `${parent ? `${parent}: ` : ''}a key is not a Salesforce field name`;
      }
      if (issue.code === 'unrecognized_keys') {
        const named = issue.keys.filter((k) => API_NAME.test(k));
        const unnamed = named.length < issue.keys.length ? ' and keys that are not field names' : '';
        return `unknown field(s) ${named.length ? named.join(', ') : '(not shown)'}${unnamed}`;
      }
      return `${path || 'body'}: ${issue.message}`;
    })
    .join('; ');
}

/** The external ID value, when the record has a usable one. */
export function externalIdOf(record: SyncRecord, field: string): string | undefined {
  const value = record[field];
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
