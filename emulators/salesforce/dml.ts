// Record-level DML shared by sObject Collections, sObject rows and Bulk API 2.0: per-record
// validation with Salesforce's status codes and messages, applied in request order, with
// all-or-none rollback. Callers turn API input into DmlOps; this module never sees JSON or CSV.
//
// Sources for the error shapes (see shared/reference/salesforce-behaviour.md §6 for the envelope):
// - REQUIRED_FIELD_MISSING "Required fields are missing: [Name]", fields [Name]; STRING_TOO_LONG
//   "<Label>: data value too large: <value> (max length=N)"; INVALID_EMAIL_ADDRESS "<Label>: invalid
//   email address: <value>" — [OBS] wadewegner/Force.com-Toolkit-for-NET#391 and error catalogues.
// - DUPLICATE_VALUE "duplicate value found: <Field> duplicates value on record with id: <id>",
//   fields [] — [OBS] k-capehart/go-salesforce#133.
// - DUPLICATE_VALUE "Duplicate external id specified: <value>" for a key repeated within one
//   request, every such row failing — [OBS] two sync projects that parse Salesforce's answer
//   (DUPLICATE_EXTERNAL_ID is the other case, below). The value is reported lower-cased: one of
//   them reports `a-1` for a row keyed `A-1` ([OBS], weak).
// - DUPLICATE_EXTERNAL_ID "<Label>: more than one record found for external id field: [id, id]"
//   — [OBS] several integrations matching this text.
// - MISSING_ARGUMENT "<Field> not specified" for an upsert row without a key — [OBS] Bulk results
//   `MISSING_ARGUMENT:Agency_BP_Id__c not specified:--`; "Id not specified in an update call" for
//   an update without Id — [OBS] widely reported.
// - ALL_OR_NONE_OPERATION_ROLLED_BACK — [DOC] reference §6.
// - ENTITY_IS_DELETED "entity is deleted"; MALFORMED_ID — [OBS]; which of them a never-existing
//   ID gets is [CHOSEN] (a real org can only have handed out IDs it then deleted).
import { keyOf, type StoredValue } from './field-values.js';
import type { ObjectTable, SObjectRecord } from './record-store.js';
import { parseRecordId } from './salesforce-ids.js';
import type { FieldSchema } from './schema.js';

export interface SaveError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** Canonical field name to value. A field that is absent is left unchanged. */
export type FieldValues = Record<string, StoredValue>;

export type DmlOp =
  | { kind: 'create'; values: FieldValues }
  /** `id` as the client sent it: checked here. */
  | { kind: 'update'; id: string; values: FieldValues }
  /** `values` without the key field; `key` null or empty means the row has none. */
  | { kind: 'upsert'; keyField: FieldSchema; key: StoredValue; values: FieldValues }
  | { kind: 'delete'; id: string }
  /** Refused before DML (e.g. a CSV value of the wrong type). */
  | { kind: 'failed'; errors: SaveError[]; id?: string };

export interface DmlResult {
  success: boolean;
  /** The record's ID: always on success; on failure only when the record is known. */
  id?: string;
  /** Upserts (and Bulk results): whether a record was created. */
  created: boolean;
  errors: SaveError[];
}

const ROLLED_BACK: SaveError = {
  statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
  message: 'Record rolled back because not all records were valid and the request was using AllOrNone header',
  fields: [],
};

const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

type Undo = () => void;

/** An undo log that keeps nothing. */
class NoLog extends Array<Undo> {
  override push(): number {
    return 0;
  }
}

/** One operation and the table (sObject) it applies to. */
export interface DmlItem {
  table: ObjectTable;
  op: DmlOp;
}

/**
 * Runs the operations in order. Each sees the effects of the ones before it. With allOrNone, any
 * failure undoes every change and the successful rows report ALL_OR_NONE_OPERATION_ROLLED_BACK.
 */
export function executeDml(items: readonly DmlItem[], allOrNone: boolean): DmlResult[] {
  const duplicateKeys = repeatedUpsertKeys(items.map((item) => item.op));
  // Without allOrNone nothing is ever undone: keep no log.
  const undo: Undo[] = allOrNone ? [] : new NoLog();
  const results = items.map(({ table, op }, index) => {
    const duplicate = duplicateKeys.get(index);
    if (duplicate) return failure([duplicate]);
    return apply(table, op, undo);
  });
  if (allOrNone && results.some((result) => !result.success)) {
    for (let i = undo.length - 1; i >= 0; i--) undo[i]?.();
    return results.map((result) =>
      result.success ? { success: false, created: false, errors: [{ ...ROLLED_BACK }] } : result,
    );
  }
  return results;
}

function apply(table: ObjectTable, op: DmlOp, undo: Undo[]): DmlResult {
  switch (op.kind) {
    case 'failed':
      return failure(op.errors, op.id);
    case 'create':
      return create(table, op.values, undo);
    case 'update': {
      const found = resolveId(table, op.id);
      if ('error' in found) return failure([found.error]);
      return update(table, found.record, op.values, undo);
    }
    case 'upsert': {
      if (op.key === null || op.key === '') {
        return failure([
          { statusCode: 'MISSING_ARGUMENT', message: `${op.keyField.name} not specified`, fields: [] },
        ]);
      }
      const ids = table.idsWith(op.keyField, op.key);
      if (ids.length > 1) {
        return failure([
          {
            statusCode: 'DUPLICATE_EXTERNAL_ID',
            message: `${op.keyField.label}: more than one record found for external id field: [${ids.join(', ')}]`,
            fields: [op.keyField.name],
          },
        ]);
      }
      const existing = ids[0] === undefined ? undefined : table.get(ids[0]);
      if (existing) return update(table, existing, op.values, undo);
      return create(table, { ...op.values, [op.keyField.name]: op.key }, undo);
    }
    case 'delete': {
      const found = resolveId(table, op.id);
      if ('error' in found) return failure([found.error]);
      const { record } = found;
      table.delete(record.Id as string);
      undo.push(() => {
        table.restore(record);
      });
      return { success: true, id: record.Id as string, created: false, errors: [] };
    }
  }
}

function create(table: ObjectTable, values: FieldValues, undo: Undo[]): DmlResult {
  const missing = table.schema.fields
    .filter((field) => field.required && (values[field.name] ?? null) === null)
    .map((field) => field.name);
  if (missing.length > 0) return failure([requiredMissing(missing)]);
  const error = validateValues(table, values, undefined);
  if (error) return failure([error]);
  const record = table.insert(values);
  const id = record.Id as string;
  undo.push(() => {
    table.delete(id);
  });
  return { success: true, id, created: true, errors: [] };
}

function update(table: ObjectTable, record: SObjectRecord, values: FieldValues, undo: Undo[]): DmlResult {
  const id = record.Id as string;
  const cleared = Object.keys(values).filter(
    (name) => values[name] === null && table.schema.field(name)?.required === true,
  );
  if (cleared.length > 0) return failure([requiredMissing(cleared)], id);
  const error = validateValues(table, values, id);
  if (error) return failure([error], id);
  const before = { ...record };
  table.update(id, values);
  undo.push(() => table.update(id, before));
  return { success: true, id, created: false, errors: [] };
}

/** The first field-level error: text length, email format, then uniqueness. */
function validateValues(
  table: ObjectTable,
  values: FieldValues,
  selfId: string | undefined,
): SaveError | undefined {
  for (const [name, value] of Object.entries(values)) {
    const field = table.schema.field(name);
    if (!field || typeof value !== 'string') continue;
    if (field.length !== undefined && value.length > field.length && codePoints(value) > field.length) {
      return {
        statusCode: 'STRING_TOO_LONG',
        message: `${field.label}: data value too large: ${value} (max length=${field.length})`,
        fields: [field.name],
      };
    }
    if (field.type === 'email' && !EMAIL.test(value)) {
      return {
        statusCode: 'INVALID_EMAIL_ADDRESS',
        message: `${field.label}: invalid email address: ${value}`,
        fields: [field.name],
      };
    }
  }
  for (const [name, value] of Object.entries(values)) {
    const field = table.schema.field(name);
    if (!field?.unique) continue;
    const other = table.idsWith(field, value).find((id) => id !== selfId);
    if (other !== undefined) {
      return {
        statusCode: 'DUPLICATE_VALUE',
        message: `duplicate value found: ${field.name} duplicates value on record with id: ${other}`,
        fields: [],
      };
    }
  }
  return undefined;
}

function resolveId(table: ObjectTable, raw: string): { record: SObjectRecord } | { error: SaveError } {
  if (raw === '') {
    return {
      error: { statusCode: 'MISSING_ARGUMENT', message: 'Id not specified in an update call', fields: [] },
    };
  }
  const id = parseRecordId(raw);
  if (!id) return { error: { statusCode: 'MALFORMED_ID', message: `malformed id ${raw}`, fields: ['Id'] } };
  if (id.slice(0, 3) !== table.schema.keyPrefix) {
    return {
      error: {
        statusCode: 'MALFORMED_ID',
        message: `${table.schema.name} ID: id value of incorrect type: ${raw}`,
        fields: ['Id'],
      },
    };
  }
  const record = table.get(id);
  if (!record)
    return { error: { statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] } };
  return { record };
}

/** Every upsert row whose key another row of the same request shares (as the key field compares). */
function repeatedUpsertKeys(ops: readonly DmlOp[]): Map<number, SaveError> {
  const rowsByKey = new Map<string, number[]>();
  ops.forEach((op, index) => {
    if (op.kind !== 'upsert' || op.key === null || op.key === '') return;
    const key = keyOf(op.keyField, op.key) ?? '';
    const rows = rowsByKey.get(key);
    if (rows) rows.push(index);
    else rowsByKey.set(key, [index]);
  });
  const errors = new Map<number, SaveError>();
  for (const [key, rows] of rowsByKey) {
    if (rows.length < 2) continue;
    for (const row of rows) {
      const op = ops[row];
      const fields = op?.kind === 'upsert' ? [op.keyField.name] : [];
      errors.set(row, {
        statusCode: 'DUPLICATE_VALUE',
        message: `Duplicate external id specified: ${key}`,
        fields,
      });
    }
  }
  return errors;
}

function requiredMissing(fields: string[]): SaveError {
  return {
    statusCode: 'REQUIRED_FIELD_MISSING',
    message: `Required fields are missing: [${fields.join(', ')}]`,
    fields,
  };
}

function failure(errors: SaveError[], id?: string): DmlResult {
  return id === undefined
    ? { success: false, created: false, errors }
    : { success: false, id, created: false, errors };
}

/** Length in characters (code points), as Salesforce counts text lengths. */
function codePoints(value: string): number {
  return value.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, '_').length;
}
