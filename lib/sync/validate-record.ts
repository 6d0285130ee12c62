import { RECORD_MAX_FIELDS as MAX_FIELDS, SALESFORCE_MAX_TEXT_LENGTH as MAX_TEXT } from '../constants.js';
import { formatProblems, type FieldProblem } from '../schema-issues.js';
import { SALESFORCE_API_NAME } from '../salesforce-names.js';

/** A field value Salesforce takes as is: text, a number, a checkbox, or null (clear the field). */
export type FieldValue = string | number | boolean | null;

/**
 * A record as it is sent to Salesforce: field API names to values, or to a relationship reference
 * by external ID, e.g. `{"Name": "Acme", "Parent": {"Ext_Id__c": "P-1"}}`.
 */
export type SyncRecord = Record<string, FieldValue | Record<string, FieldValue>>;

/** One problem of a record: where (field names, from the record down), and what; never the value. */
export interface RecordProblem {
  path: string[];
  problem: string;
}

const NOT_A_RECORD = 'must be an object of field names to values';
const NOT_A_FIELD_NAME = 'has a key that is not a Salesforce field name';
const NOT_A_VALUE = 'must be text, a number, true, false, null or a relationship reference';
const NOT_A_REFERENCE_VALUE = 'must be text, a number, true, false or null (a reference is one level deep)';

/**
 * The one definition of a valid record, shared by `SalesforceClient.upsert`, the SQS message
 * schema and the scheduled sync: an object whose keys are field API names (which also keeps
 * `__proto__`, dots and spaces out) and whose values are text of at most 131,072 characters,
 * finite numbers, booleans, null, or one level of relationship reference; at most 800 fields.
 * Returns every problem found (none for a valid record).
 */
export function validateRecord(value: unknown): RecordProblem[] {
  if (!isPlainObject(value)) return [{ path: [], problem: NOT_A_RECORD }];
  const fields = Object.keys(value);
  if (fields.length > MAX_FIELDS) return [{ path: [], problem: `has more than ${MAX_FIELDS} fields` }];
  const problems: RecordProblem[] = [];
  for (const field of fields) {
    if (!SALESFORCE_API_NAME.test(field)) {
      problems.push({ path: [], problem: NOT_A_FIELD_NAME });
      continue;
    }
    const fieldValue = value[field];
    if (!isPlainObject(fieldValue)) {
      const problem = valueProblem(fieldValue, NOT_A_VALUE);
      if (problem) problems.push({ path: [field], problem });
      continue;
    }
    for (const [inner, innerValue] of Object.entries(fieldValue)) {
      if (!SALESFORCE_API_NAME.test(inner)) {
        problems.push({ path: [field], problem: NOT_A_FIELD_NAME });
        continue;
      }
      const problem = valueProblem(innerValue, NOT_A_REFERENCE_VALUE);
      if (problem) problems.push({ path: [field, inner], problem });
    }
  }
  return problems;
}

/**
 * Problems as field problems, each path under `root` (`record.Name`), once each: several refused
 * keys of one object read the same.
 */
function recordFieldProblems(problems: readonly RecordProblem[], root: string): FieldProblem[] {
  const seen = new Set<string>();
  return problems.flatMap(({ path, problem }): FieldProblem[] => {
    const field = [root, ...path].join('.');
    const key = `${field}\n${problem}`;
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ field, problem }];
  });
}

/** Problems as one line, `record.Name: problem; ...`, at most ten of them. */
export function describeRecordProblems(problems: readonly RecordProblem[], root: string): string {
  return formatProblems(recordFieldProblems(problems, root));
}

/** The external ID value, when the record has a usable one. */
export function externalIdOf(record: SyncRecord, field: string): string | undefined {
  const value = Object.hasOwn(record, field) ? record[field] : undefined;
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function valueProblem(value: unknown, notAValue: string): string | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > MAX_TEXT ? `is longer than ${MAX_TEXT} characters` : undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : 'must be a finite number';
    case 'boolean':
      return undefined;
    default:
      return value === null ? undefined : notAValue;
  }
}

/** An object literal or JSON object: not an array, a class instance (a Date, a Map) or null. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
