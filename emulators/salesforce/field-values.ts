// Field values as the API receives them (JSON in REST, text in Bulk CSV) and as the org stores
// them: text, numbers, booleans, `YYYY-MM-DD` dates and `YYYY-MM-DDTHH:mm:ss.SSS+0000` datetimes
// (the form REST queries return). Salesforce stores an empty text value as null.
import { isTextType, type FieldSchema } from './schema.js';

export type StoredValue = string | number | boolean | null;

/**
 * A JSON value of the wrong shape for its field. Salesforce's JSON deserializer (Jackson) rejects
 * the whole request with JSON_PARSER_ERROR "Cannot deserialize instance of <type> from <TOKEN>
 * value <text> or request may be missing a required field at [line:L, column:C]", e.g.
 * `double from VALUE_STRING value pointChange76-00Q58000007EWMDEA4` (mautic/mautic#3048),
 * `datetime from VALUE_STRING value 2024-07-30 20:54:16 UTC` (restforce/restforce#897),
 * `date from START_OBJECT value {` (forcedotcom/SalesforceMobileSDK-ReactNative#194).
 */
export interface JsonTypeMismatch {
  /** Jackson's token name: VALUE_STRING, VALUE_NUMBER_INT, START_OBJECT, … */
  token: string;
  /** The value's text as Jackson prints it (`{` for an object, empty for an array). */
  text: string;
}

/** A CSV value that is not of the field's type (Bulk API reports it per row). */
export interface CsvTypeMismatch {
  mismatch: true;
}

const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INT_MAX = 2_147_483_647;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-]\d{2}:?\d{2})?$/;

/** The stored value for a JSON value, or the mismatch Salesforce would refuse the request for. */
export function fromJson(field: FieldSchema, value: unknown): StoredValue | JsonTypeMismatch {
  if (value === null) return null;
  const mismatch = (): JsonTypeMismatch => describeJson(value);
  switch (field.type) {
    case 'id':
    case 'string':
    case 'textarea':
    case 'email':
    case 'phone':
      // Jackson coerces any scalar into a String; objects and arrays are refused.
      if (typeof value === 'string') return value === '' ? null : value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return mismatch();
    case 'double': {
      if (typeof value === 'number') return value;
      // The observed message quotes the string's text, i.e. the string was parsed as a number and
      // failed; numeric strings are accepted ([CHOSEN]: inferred, not observed directly).
      if (typeof value === 'string') {
        if (value.trim() === '') return null;
        if (NUMBER_TEXT.test(value.trim())) return Number(value);
      }
      return mismatch();
    }
    case 'int': {
      if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) <= INT_MAX) return value;
      if (typeof value === 'string') {
        if (value.trim() === '') return null;
        const n = Number(value.trim());
        if (/^[+-]?\d+$/.test(value.trim()) && Math.abs(n) <= INT_MAX) return n;
      }
      return mismatch();
    }
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
      return mismatch();
    case 'date':
      if (typeof value === 'string') return value === '' ? null : (parseDate(value) ?? mismatch());
      return mismatch();
    case 'datetime':
      if (typeof value === 'string') return value === '' ? null : (parseDatetime(value) ?? mismatch());
      return mismatch();
  }
}

export function isJsonTypeMismatch(value: StoredValue | JsonTypeMismatch): value is JsonTypeMismatch {
  return typeof value === 'object' && value !== null;
}

/**
 * The stored value for a Bulk API CSV value that is neither empty nor `#N/A` (those mean "leave
 * unchanged" and "set to null"; the caller handles them).
 */
export function fromCsv(field: FieldSchema, text: string): StoredValue | CsvTypeMismatch {
  const mismatch: CsvTypeMismatch = { mismatch: true };
  switch (field.type) {
    case 'id':
    case 'string':
    case 'textarea':
    case 'email':
    case 'phone':
      return text;
    case 'double':
      return NUMBER_TEXT.test(text) ? Number(text) : mismatch;
    case 'int':
      return /^[+-]?\d+$/.test(text) && Math.abs(Number(text)) <= INT_MAX ? Number(text) : mismatch;
    case 'boolean':
      // [CHOSEN]: the Bulk API also takes 1 and 0 for checkboxes.
      if (/^(true|1)$/i.test(text)) return true;
      if (/^(false|0)$/i.test(text)) return false;
      return mismatch;
    case 'date':
      return parseDate(text) ?? mismatch;
    case 'datetime':
      return parseDatetime(text) ?? mismatch;
  }
}

export function isCsvTypeMismatch(value: StoredValue | CsvTypeMismatch): value is CsvTypeMismatch {
  return typeof value === 'object' && value !== null;
}

/**
 * The index key of a unique or external ID value. Text keys are case-insensitive: "Treat ABC and
 * abc as duplicate values" is Salesforce's default for a unique text field; a field defined
 * `caseSensitive` keys on the exact value.
 */
export function keyOf(field: FieldSchema, value: StoredValue): string | undefined {
  if (value === null) return undefined;
  return isTextType(field.type) && !field.caseSensitive ? String(value).toLowerCase() : String(value);
}

/** SOQL/inspection equality: text compares case-insensitively (as SOQL `=` does). */
export function valuesEqual(field: FieldSchema, a: StoredValue, b: StoredValue): boolean {
  if (a === null || b === null) return a === b;
  if (isTextType(field.type)) return String(a).toLowerCase() === String(b).toLowerCase();
  return a === b;
}

/** The Jackson token and text of a JSON value, as they appear in a JSON_PARSER_ERROR message. */
export function describeJson(value: unknown): JsonTypeMismatch {
  return { token: tokenOf(value), text: tokenText(value) };
}

function tokenOf(value: unknown): string {
  if (value === null) return 'VALUE_NULL';
  if (typeof value === 'string') return 'VALUE_STRING';
  if (typeof value === 'number') return Number.isInteger(value) ? 'VALUE_NUMBER_INT' : 'VALUE_NUMBER_FLOAT';
  if (value === true) return 'VALUE_TRUE';
  if (value === false) return 'VALUE_FALSE';
  if (Array.isArray(value)) return 'START_ARRAY';
  return 'START_OBJECT';
}

function tokenText(value: unknown): string {
  if (Array.isArray(value)) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value === null ? 'null' : '{';
}

function parseDate(text: string): string | undefined {
  const match = DATE_TEXT.exec(text);
  if (!match) return undefined;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d)
    return undefined;
  return text;
}

/** ISO 8601 with an optional zone (none means UTC), normalized to UTC milliseconds. */
function parseDatetime(text: string): string | undefined {
  const match = DATETIME_TEXT.exec(text);
  if (!match) return undefined;
  const [, y = '', mo = '', d = '', hh = '', mi = '', ss = '', fraction, zone] = match;
  const date = `${y}-${mo}-${d}`;
  if (!parseDate(date) || Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) return undefined;
  const millis = (fraction ?? '.000').slice(1).padEnd(3, '0').slice(0, 3);
  const offset =
    zone === undefined || zone === 'Z' ? '+00:00' : zone.replace(/^([+-]\d{2}):?(\d{2})$/, '$1:$2');
  const epoch = Date.parse(`${date}T${hh}:${mi}:${ss}.${millis}${offset}`);
  if (Number.isNaN(epoch)) return undefined;
  return formatDatetime(epoch);
}

/** `2022-01-02T21:33:43.000+0000`, the form Salesforce's REST API writes datetimes in. */
export function formatDatetime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}
