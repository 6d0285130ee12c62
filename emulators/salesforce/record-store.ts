// The org's records: one table per sObject, keyed by record ID, with a hash index per unique or
// external ID field so that upserts of 100,000 rows stay linear.
import { keyOf, type StoredValue } from './field-values.js';
import { IdSequence } from './salesforce-ids.js';
import type { FieldSchema, OrgSchema, SObjectSchema } from './schema.js';

/** Canonical field name to value; every field of the sObject is present (null when unset). */
export type SObjectRecord = Record<string, StoredValue>;

export class ObjectTable {
  /** In insertion order. */
  readonly #records = new Map<string, SObjectRecord>();
  /** Per unique or external ID field: value key to record IDs. */
  readonly #indexes: { field: FieldSchema; ids: Map<string, Set<string>> }[] = [];

  constructor(
    readonly schema: SObjectSchema,
    private readonly ids: IdSequence,
  ) {
    for (const field of schema.fields) {
      if (field.type !== 'id' && (field.unique || field.externalId))
        this.#indexes.push({ field, ids: new Map() });
    }
  }

  get(id: string): SObjectRecord | undefined {
    return this.#records.get(id);
  }

  all(): IterableIterator<SObjectRecord> {
    return this.#records.values();
  }

  /** IDs of the records whose indexed field has this value (case-insensitively for text). */
  idsWith(field: FieldSchema, value: StoredValue): string[] {
    const key = keyOf(field, value);
    if (key === undefined) return [];
    const index = this.#indexes.find((candidate) => candidate.field.name === field.name);
    const ids = index?.ids.get(key);
    return ids ? [...ids] : [];
  }

  isIndexed(field: FieldSchema): boolean {
    return this.#indexes.some((index) => index.field.name === field.name);
  }

  /** Creates a record from canonical field values (unchecked: validate first). */
  insert(values: Readonly<Record<string, StoredValue>>): SObjectRecord {
    const id = this.ids.next();
    const record: SObjectRecord = {};
    for (const field of this.schema.fields) record[field.name] = stored(field, values[field.name] ?? null);
    record.Id = id;
    this.#records.set(id, record);
    this.#index(record, id);
    return record;
  }

  /** Applies canonical field changes to an existing record (unchecked: validate first). */
  update(id: string, changes: Readonly<Record<string, StoredValue>>): SObjectRecord {
    const record = this.#records.get(id);
    if (!record) throw new Error(`no ${this.schema.name} ${id}`);
    this.#unindex(record, id);
    for (const [name, value] of Object.entries(changes)) {
      const field = this.schema.field(name);
      if (field && field.type !== 'id') record[field.name] = stored(field, value);
    }
    this.#index(record, id);
    return record;
  }

  /** Puts back a deleted record under its own ID (all-or-none rollback). */
  restore(record: SObjectRecord): void {
    const id = record.Id as string;
    this.#records.set(id, record);
    this.#index(record, id);
  }

  delete(id: string): boolean {
    const record = this.#records.get(id);
    if (!record) return false;
    this.#unindex(record, id);
    return this.#records.delete(id);
  }

  clear(): void {
    this.#records.clear();
    for (const index of this.#indexes) index.ids.clear();
  }

  #index(record: SObjectRecord, id: string): void {
    for (const { field, ids: index } of this.#indexes) {
      const key = keyOf(field, record[field.name] ?? null);
      if (key === undefined) continue;
      let ids = index.get(key);
      if (!ids) index.set(key, (ids = new Set()));
      ids.add(id);
    }
  }

  #unindex(record: SObjectRecord, id: string): void {
    for (const { field, ids: index } of this.#indexes) {
      const key = keyOf(field, record[field.name] ?? null);
      if (key === undefined) continue;
      const ids = index.get(key);
      ids?.delete(id);
      if (ids?.size === 0) index.delete(key);
    }
  }
}

/** A checkbox is never null in Salesforce: unset or cleared means false. */
function stored(field: FieldSchema, value: StoredValue): StoredValue {
  return value === null && field.type === 'boolean' ? false : value;
}

export class RecordStore {
  readonly #tables = new Map<string, ObjectTable>();
  /** Per key prefix, kept across redefinitions so that an ID is never handed out twice. */
  readonly #sequences = new Map<string, IdSequence>();

  constructor(private readonly schema: OrgSchema) {}

  /** The table of a defined sObject; a redefined sObject starts with an empty table. */
  table(sobject: SObjectSchema): ObjectTable {
    const current = this.schema.require(sobject.name);
    const key = current.name.toLowerCase();
    let table = this.#tables.get(key);
    if (table?.schema !== current) {
      let ids = this.#sequences.get(current.keyPrefix);
      if (!ids) this.#sequences.set(current.keyPrefix, (ids = new IdSequence(current.keyPrefix)));
      table = new ObjectTable(current, ids);
      this.#tables.set(key, table);
    }
    return table;
  }

  clear(): void {
    for (const table of this.#tables.values()) table.clear();
  }
}
