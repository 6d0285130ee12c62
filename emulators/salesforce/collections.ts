// sObject Collections (POST/PATCH /composite/sobjects, PATCH /composite/sobjects/{SObject}/{Field})
// and upsert of one sObject row (PATCH /sobjects/{SObject}/{Field}/{value}). Reference §6 and
// https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-upsert.html
//
// A request Salesforce cannot deserialize is a whole-request 400 `[{message, errorCode}]`; a
// well-formed one is 200 with one result per record in request order, failures included.
// Choices where Salesforce's answer is unknown are marked [CHOSEN].
import {
  executeDml,
  type DmlItem,
  type DmlOp,
  type DmlResult,
  type FieldValues,
  type SaveError,
} from './dml.js';
import { describeJson, fromJson, isJsonTypeMismatch, keyOf, type JsonTypeMismatch } from './field-values.js';
import { JsonBody, jsonParserError, type JsonPath } from './json-body.js';
import {
  notFound,
  RestError,
  type RestContext,
  type RestRequest,
  type RestResponse,
  type RestRoute,
} from './rest-types.js';
import type { FieldSchema, SObjectSchema } from './schema.js';

/** [OBS] jsforce notes and test mocks; status 400 [UNCONFIRMED] (reference §6). */
const MAX_RECORDS = 200;
/** "A single request can process up to 10 chunks" ([DOC] collections create). */
const MAX_CHUNKS = 10;

export const collectionRoutes: readonly RestRoute[] = [
  {
    name: 'collections.create',
    method: 'POST',
    pattern: '/composite/sobjects',
    minVersion: 42,
    handle: create,
  },
  {
    name: 'collections.update',
    method: 'PATCH',
    pattern: '/composite/sobjects',
    minVersion: 42,
    handle: update,
  },
  {
    name: 'collections.upsert',
    method: 'PATCH',
    pattern: '/composite/sobjects/:sobject/:field',
    minVersion: 46,
    handle: upsert,
  },
  { name: 'sobject.upsert', method: 'PATCH', pattern: '/sobjects/:sobject/:field/:value', handle: upsertOne },
];

interface CollectionRecord {
  sobject: SObjectSchema;
  values: FieldValues;
  /** The Id (or id) property as sent, when present and not null. */
  id: string | undefined;
}

function create(req: RestRequest, ctx: RestContext): RestResponse {
  const { allOrNone, records } = readCollection(req, ctx, undefined);
  checkChunks(records);
  const items = records.map(({ sobject, values, id }): DmlItem => {
    const table = ctx.store.table(sobject);
    // "INVALID_FIELD_FOR_INSERT_UPDATE: cannot specify Id in an insert call" ([OBS] widely reported).
    if (id !== undefined) {
      return {
        table,
        op: failed('INVALID_FIELD_FOR_INSERT_UPDATE', 'cannot specify Id in an insert call', ['Id']),
      };
    }
    return { table, op: { kind: 'create', values } };
  });
  return { status: 200, body: executeDml(items, allOrNone).map((result) => saveResult(result)) };
}

function update(req: RestRequest, ctx: RestContext): RestResponse {
  const { allOrNone, records } = readCollection(req, ctx, undefined);
  checkChunks(records);
  const items = records.map(({ sobject, values, id }): DmlItem => ({
    table: ctx.store.table(sobject),
    op: { kind: 'update', id: id ?? '', values },
  }));
  return { status: 200, body: executeDml(items, allOrNone).map((result) => saveResult(result)) };
}

function upsert(req: RestRequest, ctx: RestContext): RestResponse {
  const sobject = ctx.schema.get(req.params.sobject ?? '');
  // [CHOSEN] like every unknown sObject in a URI: 404 NOT_FOUND.
  if (!sobject) throw notFound();
  const keyField = upsertKeyField(sobject, req.params.field ?? '');
  const { allOrNone, records } = readCollection(req, ctx, sobject);
  const table = ctx.store.table(sobject);
  const items = records.map(({ values, id }): DmlItem => {
    // "Only external ids are supported. Don't use record ids." ([DOC]); the error is [CHOSEN]: the
    // one Salesforce gives for a field that cannot be written.
    if (id !== undefined) return { table, op: notWritable('Id') };
    const { [keyField.name]: key = null, ...rest } = values;
    return { table, op: { kind: 'upsert', keyField, key, values: rest } };
  });
  return { status: 200, body: executeDml(items, allOrNone).map((result) => upsertResult(result)) };
}

/**
 * Upsert of one row by external ID ([DOC] dome_upsert): 201 with created true; an update is 200
 * with the same body from v46.0 on, 204 without a body before; a record error is a 400 array of
 * `{message, errorCode, fields}`; a key matching several records is 300 with their URLs; an
 * unknown sObject or a field that is not an external ID is 404 NOT_FOUND.
 */
function upsertOne(req: RestRequest, ctx: RestContext): RestResponse {
  const sobject = ctx.schema.get(req.params.sobject ?? '');
  if (!sobject) throw notFound();
  const keyField = sobject.field(req.params.field ?? '');
  if (!keyField?.externalId) throw notFound();
  const rawKey = req.params.value ?? '';
  const key = fromJson(keyField, rawKey);
  // A key that cannot be of the field's type (e.g. "abc" for a number) matches nothing; [CHOSEN].
  if (isJsonTypeMismatch(key)) throw notFound();

  const body = JsonBody.parse(req.body);
  if (!isObject(body.value)) throw notAnObject(body, [], 'sobject');
  const { values, id } = readRecordFields(body, [], body.value, sobject);
  if (id !== undefined) throw recordError(notWritableError('Id'));
  if (Object.hasOwn(values, keyField.name)) {
    const inBody = values[keyField.name] ?? null;
    // [CHOSEN]: the body may repeat the key, but not change it.
    if (keyOf(keyField, inBody) !== keyOf(keyField, key)) {
      throw new RestError(
        400,
        'INVALID_FIELD',
        `${keyField.label}: the value in the request body (${String(inBody)}) does not match the external ID in the URL (${rawKey})`,
        {},
        [keyField.name],
      );
    }
  }
  const { [keyField.name]: _key, ...rest } = values;
  const table = ctx.store.table(sobject);
  const [result] = executeDml([{ table, op: { kind: 'upsert', keyField, key, values: rest } }], false);
  if (!result) throw new Error('no DML result');
  if (!result.success) {
    const [error] = result.errors;
    if (error?.statusCode === 'DUPLICATE_EXTERNAL_ID') {
      const ids = table.idsWith(keyField, key);
      return {
        status: 300,
        body: ids.map((matched) => `/services/data/v${req.version}/sobjects/${sobject.name}/${matched}`),
      };
    }
    throw recordError(error ?? { statusCode: 'UNKNOWN_EXCEPTION', message: 'unknown', fields: [] });
  }
  const modern = Number(req.version) >= 46;
  const payload = {
    id: result.id,
    success: true,
    errors: [],
    ...(modern ? { created: result.created } : {}),
  };
  if (result.created) return { status: 201, body: payload };
  return modern ? { status: 200, body: payload } : { status: 204 };
}

/**
 * The body `{allOrNone?, records: [{attributes: {type}, …fields}]}`, checked the way Salesforce's
 * deserializer does, in document order: the first problem fails the whole request.
 */
function readCollection(
  req: RestRequest,
  ctx: RestContext,
  uriType: SObjectSchema | undefined,
): { allOrNone: boolean; records: CollectionRecord[] } {
  const body = JsonBody.parse(req.body);
  const root = body.value;
  if (!isObject(root)) throw notAnObject(body, [], 'collection');
  let allOrNone = false;
  for (const key of Object.keys(root)) {
    if (key === 'allOrNone' || key === 'records') continue;
    // "Unexpected parameter encountered during deserialization: X at [line:1, column:14]"
    // ([OBS] salesforce.stackexchange.com/questions/111321, Apex REST); applied here [CHOSEN].
    throw jsonParserError(
      `Unexpected parameter encountered during deserialization: ${key} at ${body.position([key])}`,
    );
  }
  if (root.allOrNone !== undefined && root.allOrNone !== null) {
    if (typeof root.allOrNone !== 'boolean') throw typeError(body, ['allOrNone'], 'boolean', root.allOrNone);
    allOrNone = root.allOrNone;
  }
  // [CHOSEN] for a body without records.
  if (root.records === undefined || root.records === null) {
    throw new RestError(400, 'MISSING_ARGUMENT', 'records: a list of sObjects is required');
  }
  if (!Array.isArray(root.records)) throw typeError(body, ['records'], 'list', root.records);
  const records = root.records.map((element: unknown, index): CollectionRecord => {
    const path = ['records', index];
    if (!isObject(element)) throw typeError(body, path, 'sobject', element);
    const sobject = recordType(body, path, element, ctx, uriType);
    return { sobject, ...readRecordFields(body, path, element, sobject) };
  });
  if (records.length > MAX_RECORDS) {
    throw new RestError(
      400,
      'EXCEEDED_ID_LIMIT',
      'record limit reached. cannot submit more than 200 records into this call',
    );
  }
  return { allOrNone, records };
}

/** `attributes.type`: required on every record ([DOC]); the errors for its absence are [CHOSEN]. */
function recordType(
  body: JsonBody,
  path: JsonPath,
  record: Record<string, unknown>,
  ctx: RestContext,
  uriType: SObjectSchema | undefined,
): SObjectSchema {
  const attributes = record.attributes;
  const type = isObject(attributes) ? attributes.type : undefined;
  if (typeof type !== 'string' || type === '') {
    throw new RestError(
      400,
      'INVALID_TYPE',
      `Each record needs an attributes map with a type: none on the record at ${body.position(path)}`,
    );
  }
  const sobject = ctx.schema.get(type);
  if (!sobject) {
    throw new RestError(
      400,
      'INVALID_TYPE',
      `sObject type '${type}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
    );
  }
  // "The list can contain objects only of the type indicated in the request URI" ([DOC]).
  if (uriType && sobject !== uriType) {
    throw new RestError(
      400,
      'INVALID_TYPE',
      `Record type ${sobject.name} does not match the sObject type of the request URI: ${uriType.name}`,
    );
  }
  return sobject;
}

/**
 * The record's fields by canonical name (API names are case-insensitive), with values checked
 * against the field types. An unknown field is 400 INVALID_FIELD "No such column 'Foo__c' on
 * sobject of type Account" ([OBS] Force.com-Toolkit-for-NET#19 and error catalogues).
 */
function readRecordFields(
  body: JsonBody,
  path: JsonPath,
  record: Record<string, unknown>,
  sobject: SObjectSchema,
): { values: FieldValues; id: string | undefined } {
  const values: FieldValues = {};
  let id: string | undefined;
  for (const [key, raw] of Object.entries(record)) {
    if (key === 'attributes') continue;
    const field = sobject.field(key);
    if (!field)
      throw new RestError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${sobject.name}`);
    const value = fromJson(field, raw);
    if (isJsonTypeMismatch(value)) throw mismatchError(body, [...path, key], field.type, value);
    if (field.type === 'id') {
      if (value !== null) id = String(value);
      continue;
    }
    values[field.name] = value;
  }
  return { values, id };
}

function checkChunks(records: readonly CollectionRecord[]): void {
  let chunks = 0;
  let previous: SObjectSchema | undefined;
  for (const { sobject } of records) {
    if (sobject !== previous) chunks += 1;
    previous = sobject;
  }
  // Wording from Salesforce's Apex TypeException for the same limit; errorCode [CHOSEN].
  if (chunks > MAX_CHUNKS) {
    throw new RestError(
      400,
      'INVALID_BATCH_REQUEST',
      'Cannot have more than 10 chunks in a single operation. Please rearrange the data to reduce chunking.',
    );
  }
}

/**
 * The upsert key of a collections upsert. Salesforce's text for a field that is not an external
 * ID, as reported by Bulk API and jsforce users ([OBS]); status and errorCode here [CHOSEN].
 */
function upsertKeyField(sobject: SObjectSchema, name: string): FieldSchema {
  const field = sobject.field(name);
  if (!field?.externalId) {
    throw new RestError(
      400,
      'INVALID_FIELD',
      `Field name provided, ${name} does not match an External ID, Salesforce Id, or indexed field for ${sobject.name}`,
    );
  }
  return field;
}

function typeError(body: JsonBody, path: JsonPath, type: string, raw: unknown): RestError {
  return mismatchError(body, path, type, describeJson(raw));
}

function mismatchError(
  body: JsonBody,
  path: JsonPath,
  type: string,
  { token, text }: JsonTypeMismatch,
): RestError {
  if (token === 'START_ARRAY') {
    // As observed for arrays: "… from START_ARRAY value [line:1, column:842]" (verbb/formie#2124).
    return jsonParserError(
      `Cannot deserialize instance of ${type} from START_ARRAY value ${body.position(path)}`,
    );
  }
  return jsonParserError(
    `Cannot deserialize instance of ${type} from ${token} value ${text} or request may be missing a required field at ${body.position(path)}`,
  );
}

function notAnObject(body: JsonBody, path: JsonPath, type: string): RestError {
  return typeError(body, path, type, body.value);
}

function saveResult(result: DmlResult): Record<string, unknown> {
  // A failed item has no id ([DOC] collections create example: {"success":false,"errors":[…]}).
  return result.success
    ? { id: result.id, success: true, errors: [] }
    : { success: false, errors: result.errors };
}

function upsertResult(result: DmlResult): Record<string, unknown> {
  return { ...saveResult(result), created: result.success && result.created };
}

function recordError(error: SaveError): RestError {
  return new RestError(400, error.statusCode, error.message, {}, error.fields);
}

function notWritableError(field: string): SaveError {
  return {
    statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
    message: `Unable to create/update fields: ${field}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
    fields: [field],
  };
}

function notWritable(field: string): DmlOp {
  return { kind: 'failed', errors: [notWritableError(field)] };
}

function failed(statusCode: string, message: string, fields: string[]): DmlOp {
  return { kind: 'failed', errors: [{ statusCode, message, fields }] };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
