// A small SOQL subset: SELECT f1, f2 FROM X [WHERE f = literal [AND f = literal …]] [LIMIT n].
// Errors are SOQL's own: the message repeats the query line, a caret under the offending token and
// "ERROR at Row:R:Column:C", e.g. "\nSELECT Id FROM no_such_object\n               ^\nERROR at
// Row:1:Column:16\nsObject type 'no_such_object' is not supported. …" ([OBS] force-wsc tests and
// several error catalogues); MALFORMED_QUERY "unexpected token: 'FROM'" / "'<EOF>'" ([OBS]).
// Valid SOQL outside the subset is refused as MALFORMED_QUERY with a note naming the subset.
import { fromJson, isJsonTypeMismatch, valuesEqual, type StoredValue } from './field-values.js';
import type { ObjectTable, SObjectRecord } from './record-store.js';
import { parseRecordId } from './salesforce-ids.js';
import type { FieldSchema, OrgSchema, SObjectSchema } from './schema.js';

export class SoqlError extends Error {
  constructor(
    readonly errorCode:
      'MALFORMED_QUERY' | 'INVALID_TYPE' | 'INVALID_FIELD' | 'INVALID_QUERY_FILTER_OPERATOR',
    readonly detail: string,
    /** Offset in the query text the caret points at. */
    readonly offset: number,
  ) {
    super(detail);
    this.name = 'SoqlError';
  }

  /** The full message, with the query line and the caret. */
  format(query: string): string {
    const before = query.slice(0, this.offset);
    const row = before.split('\n').length;
    const lineStart = before.lastIndexOf('\n') + 1;
    const lineEnd = query.indexOf('\n', lineStart);
    const line = query.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
    const column = this.offset - lineStart + 1;
    return `\n${line}\n${' '.repeat(column - 1)}^\nERROR at Row:${row}:Column:${column}\n${this.detail}`;
  }
}

const SUBSET_NOTE =
  ' (the local emulator supports only SELECT f1, f2 FROM X [WHERE f = value [AND …]] [LIMIT n])';
const WSDL_HINT = ' Please reference your WSDL or the describe call for the appropriate names.';

/** Valid SOQL the subset does not cover: refused with the note above. */
const UNSUPPORTED_WORDS = new Set([
  'order',
  'group',
  'having',
  'offset',
  'or',
  'not',
  'like',
  'in',
  'includes',
  'excludes',
  'for',
  'with',
  'using',
  'typeof',
  'all',
]);

type TokenKind = 'word' | 'string' | 'number' | 'datetime' | 'punct' | 'eof';

interface Token {
  kind: TokenKind;
  text: string;
  /** Decoded value of a string literal. */
  value: string;
  offset: number;
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; text: string };

interface Condition {
  field: FieldSchema;
  literal: Literal;
}

export interface ParsedQuery {
  sobject: SObjectSchema;
  fields: FieldSchema[];
  where: Condition[];
  limit: number | undefined;
}

export function parseSoql(query: string, schema: OrgSchema): ParsedQuery {
  const tokens = tokenize(query);
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? eofToken(query);
  const next = (): Token => tokens[pos++] ?? eofToken(query);
  const unexpected = (token: Token): SoqlError => {
    const shown = token.kind === 'eof' ? '<EOF>' : token.text;
    const note = token.kind === 'word' && UNSUPPORTED_WORDS.has(token.text.toLowerCase()) ? SUBSET_NOTE : '';
    return new SoqlError('MALFORMED_QUERY', `unexpected token: '${shown}'${note}`, token.offset);
  };
  const keyword = (word: string): Token => {
    const token = next();
    if (token.kind !== 'word' || token.text.toLowerCase() !== word) throw unexpected(token);
    return token;
  };
  const isKeyword = (token: Token, word: string): boolean =>
    token.kind === 'word' && token.text.toLowerCase() === word;
  const identifier = (): Token => {
    const token = next();
    if (
      token.kind !== 'word' ||
      ['select', 'from', 'where', 'and', 'limit'].includes(token.text.toLowerCase())
    ) {
      throw unexpected(token);
    }
    if (token.text.includes('.')) {
      throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${token.text}'${SUBSET_NOTE}`, token.offset);
    }
    if (peek().kind === 'punct' && peek().text === '(') throw unexpected(peek());
    return token;
  };

  keyword('select');
  const fieldTokens = [identifier()];
  while (peek().kind === 'punct' && peek().text === ',') {
    next();
    fieldTokens.push(identifier());
  }
  keyword('from');
  const objectToken = identifier();
  const conditionTokens: { field: Token; literal: Token }[] = [];
  if (isKeyword(peek(), 'where')) {
    next();
    for (;;) {
      const field = identifier();
      const operator = next();
      if (operator.kind !== 'punct' || operator.text !== '=') {
        if (operator.kind === 'punct' && ['!=', '<', '>', '<=', '>=', '<>'].includes(operator.text)) {
          throw new SoqlError(
            'MALFORMED_QUERY',
            `unexpected token: '${operator.text}'${SUBSET_NOTE}`,
            operator.offset,
          );
        }
        throw unexpected(operator);
      }
      const literal = next();
      if (literal.kind === 'eof' || literal.kind === 'punct') throw unexpected(literal);
      conditionTokens.push({ field, literal });
      if (!isKeyword(peek(), 'and')) break;
      next();
    }
  }
  let limit: number | undefined;
  if (isKeyword(peek(), 'limit')) {
    next();
    const token = next();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw unexpected(token);
    limit = Number(token.text);
  }
  if (peek().kind !== 'eof') throw unexpected(peek());

  const sobject = schema.get(objectToken.text);
  if (!sobject) {
    throw new SoqlError(
      'INVALID_TYPE',
      `sObject type '${objectToken.text}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.${WSDL_HINT}`,
      objectToken.offset,
    );
  }
  const resolve = (token: Token): FieldSchema => {
    const field = sobject.field(token.text);
    if (!field) {
      throw new SoqlError(
        'INVALID_FIELD',
        `No such column '${token.text}' on entity '${sobject.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.${WSDL_HINT}`,
        token.offset,
      );
    }
    return field;
  };
  const fields: FieldSchema[] = [];
  for (const token of fieldTokens) {
    const field = resolve(token);
    // [CHOSEN] errorCode for a repeated field; the wording is SOQL's.
    if (fields.includes(field)) {
      throw new SoqlError('INVALID_FIELD', `duplicate field selected: ${field.name}`, token.offset);
    }
    fields.push(field);
  }
  const where = conditionTokens.map(({ field: fieldToken, literal }) => {
    const field = resolve(fieldToken);
    return { field, literal: checkLiteral(field, literal) };
  });
  return { sobject, fields, where, limit };
}

/** The records of the table that match every condition, in insertion order, up to the limit. */
export function runSoql(query: ParsedQuery, table: ObjectTable): SObjectRecord[] {
  const conditions = query.where.map(({ field, literal }) => ({
    field,
    value: literalValue(field, literal),
  }));
  const limit = query.limit ?? Number.POSITIVE_INFINITY;
  const matches: SObjectRecord[] = [];
  if (limit === 0) return matches;
  const idCondition = conditions.find(({ field }) => field.type === 'id');
  const candidates =
    idCondition === undefined
      ? table.all()
      : [table.get(String(idCondition.value))].filter((r): r is SObjectRecord => r !== undefined);
  for (const record of candidates) {
    if (conditions.every(({ field, value }) => valuesEqual(field, record[field.name] ?? null, value))) {
      matches.push(record);
      if (matches.length >= limit) break;
    }
  }
  return matches;
}

/**
 * Whether the literal fits the field, with SOQL's messages, e.g. "value of filter criterion for
 * field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes"
 * ([OBS] widely reported; the type names are [CHOSEN] after it).
 */
function checkLiteral(field: FieldSchema, token: Token): Literal {
  const literal = toLiteral(token);
  if (literal.kind === 'null') return literal;
  const typeName: Record<FieldSchema['type'], string> = {
    id: 'id',
    string: 'string',
    textarea: 'string',
    email: 'string',
    phone: 'string',
    double: 'double',
    int: 'integer',
    boolean: 'boolean',
    date: 'date',
    datetime: 'dateTime',
  };
  const quoted = typeName[field.type] === 'string' || field.type === 'id';
  const wrong = (): SoqlError =>
    new SoqlError(
      'INVALID_FIELD',
      `value of filter criterion for field '${field.name}' must be of type ${typeName[field.type]} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
      token.offset,
    );
  if (field.type === 'id') {
    if (literal.kind !== 'string') throw wrong();
    // "invalid ID field: abc" ([OBS] SOQL error catalogue; errorCode [CHOSEN]).
    if (!parseRecordId(literal.value)) {
      throw new SoqlError(
        'INVALID_QUERY_FILTER_OPERATOR',
        `invalid ID field: ${literal.value}`,
        token.offset,
      );
    }
    return literal;
  }
  if (quoted) {
    if (literal.kind !== 'string') throw wrong();
    return literal;
  }
  if (literal.kind === 'string') throw wrong();
  const ok =
    ((field.type === 'double' || field.type === 'int') && literal.kind === 'number') ||
    (field.type === 'boolean' && literal.kind === 'boolean') ||
    ((field.type === 'date' || field.type === 'datetime') && literal.kind === 'datetime');
  if (!ok) throw wrong();
  if (field.type === 'int' && literal.kind === 'number' && !Number.isInteger(literal.value)) throw wrong();
  if (literal.kind === 'datetime' && isJsonTypeMismatch(fromJson(field, literal.text))) throw wrong();
  return literal;
}

function literalValue(field: FieldSchema, literal: Literal): StoredValue {
  switch (literal.kind) {
    case 'null':
      return null;
    case 'string':
      return field.type === 'id' ? (parseRecordId(literal.value) ?? literal.value) : literal.value;
    case 'number':
    case 'boolean':
      return literal.value;
    case 'datetime': {
      const value = fromJson(field, literal.text);
      return isJsonTypeMismatch(value) ? null : value;
    }
  }
}

function toLiteral(token: Token): Literal {
  if (token.kind === 'string') return { kind: 'string', value: token.value };
  if (token.kind === 'number') return { kind: 'number', value: Number(token.text), text: token.text };
  if (token.kind === 'datetime') return { kind: 'datetime', text: token.text };
  const word = token.text.toLowerCase();
  if (word === 'true' || word === 'false') return { kind: 'boolean', value: word === 'true' };
  if (word === 'null') return { kind: 'null' };
  throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${token.text}'`, token.offset);
}

const TOKEN =
  /\s*(?:(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))?)(?![\w.])|([+-]?\d+(?:\.\d+)?)(?![\w.])|([A-Za-z_][A-Za-z0-9_.]*)|('(?:[^'\\]|\\.)*')|(<=|>=|!=|<>|[,=()<>])|(\S))/y;

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  for (;;) {
    const start = TOKEN.lastIndex;
    if (query.slice(start).trim() === '') break;
    const match = TOKEN.exec(query);
    if (!match) break;
    const text = match[0].trim();
    const offset = match.index + match[0].length - text.length;
    const [, datetime, number, word, string, punct, other] = match;
    if (datetime !== undefined) tokens.push({ kind: 'datetime', text, value: text, offset });
    else if (number !== undefined) tokens.push({ kind: 'number', text, value: text, offset });
    else if (word !== undefined) tokens.push({ kind: 'word', text, value: text, offset });
    else if (string !== undefined) tokens.push({ kind: 'string', text, value: unescape(string), offset });
    else if (punct !== undefined) tokens.push({ kind: 'punct', text, value: text, offset });
    else if (other === "'") {
      // An unterminated string literal.
      throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${query.slice(offset)}'`, offset);
    } else {
      throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${text}'`, offset);
    }
  }
  return tokens;
}

function eofToken(query: string): Token {
  return { kind: 'eof', text: '', value: '', offset: query.length };
}

/** SOQL string escapes: \' \" \\ \n \r \t \b \f. */
function unescape(literal: string): string {
  const escapes: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };
  return literal.slice(1, -1).replace(/\\(.)/g, (_, c: string) => escapes[c] ?? c);
}
