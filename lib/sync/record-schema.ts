import * as z from 'zod/mini';
import { describeIssues } from '../schema-issues.js';
import { SALESFORCE_API_NAME } from '../salesforce-names.js';
import { validateRecord, type SyncRecord } from './validate-record.js';

export { externalIdOf, type SyncRecord } from './validate-record.js';

/**
 * A record as it is sent to Salesforce, as a zod schema: {@link validateRecord}'s rules (field API
 * names to scalars, or one level of relationship reference), each problem an issue at its path.
 * Keys that are not API names (`__proto__`, `constructor.x`, spaces) are refused, which also keeps
 * prototype-pollution keys out.
 */
export const recordSchema = z.custom<SyncRecord>().check(
  z.superRefine((value, ctx) => {
    for (const { path, problem } of validateRecord(value)) {
      ctx.addIssue({ code: 'custom', message: problem, path, input: undefined });
    }
  }),
);

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
