// A SOQL subset, parsed and run the way Salesforce does (grammar in SUBSET_NOTE below):
//   SELECT f1, f2 FROM X
//   [WHERE condition]  (=, !=, <>, <, <=, >, >=, LIKE, IN (…), NOT IN (…), AND, OR, NOT, parentheses)
//   [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] [LIMIT n] [OFFSET n]
// Errors are SOQL's own: the message repeats the query line, a caret under the offending token and
// "ERROR at Row:R:Column:C", e.g. "\nSELECT Id FROM no_such_object\n               ^\nERROR at
// Row:1:Column:16\nsObject type 'no_such_object' is not supported. …" ([OBS] force-wsc tests and
// several error catalogues); MALFORMED_QUERY "unexpected token: 'FROM'" / "'<EOF>'" ([OBS]).
// Valid SOQL outside the subset is refused as MALFORMED_QUERY with a note naming the subset.
// Hostile input is bounded: the query length (as Salesforce), the parenthesis depth, and LIKE runs
// on a linear matcher rather than a regular expression built from the pattern.
import { fromJson, isJsonTypeMismatch, type StoredValue } from './field-values.js';
import type { ObjectTable, SObjectRecord } from './record-store.js';
import { parseRecordId } from './salesforce-ids.js';
import { isTextType, type FieldSchema, type OrgSchema, type SObjectSchema } from './schema.js';

export type SoqlErrorCode =
  | 'MALFORMED_QUERY'
  | 'INVALID_TYPE'
  | 'INVALID_FIELD'
  | 'INVALID_QUERY_FILTER_OPERATOR'
  | 'NUMBER_OUTSIDE_VALID_RANGE';

export class SoqlError extends Error {
  constructor(
    readonly errorCode: SoqlErrorCode,
    readonly detail: string,
    /** Offset in the query text the caret points at; undefined for errors about the whole query. */
    readonly offset: number | undefined,
  ) {
    super(detail);
    this.name = 'SoqlError';
  }

  /** The full message, with the query line and the caret (or the bare detail without an offset). */
  format(query: string): string {
    if (this.offset === undefined) return this.detail;
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
  ' (the local emulator supports only SELECT f1, f2 FROM X [WHERE f op value, f [NOT] IN (…), ' +
  'f LIKE …, combined with AND/OR/NOT and parentheses] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], …] ' +
  '[LIMIT n] [OFFSET n])';
const WSDL_HINT = ' Please reference your WSDL or the describe call for the appropriate names.';

/**
 * "Maximum length of SOQL statements: By default, 100,000 characters"
 * (https://developer.salesforce.com/docs/atlas.en-us.salesforce_app_limits_cheatsheet.meta/salesforce_app_limits_cheatsheet/salesforce_app_limits_platform_soslsoql.htm);
 * refused with "MALFORMED_QUERY: SOQL statements can not be longer than 100000 characters." ([OBS]
 * django-salesforce/django-salesforce#164; the 20,000 form in RoseSilverSoftware/IlluminatedCloud#466).
 */
export const MAX_QUERY_LENGTH = 100_000;
/** [CHOSEN] Salesforce documents no nesting limit; this one keeps the recursive parser's stack small. */
export const MAX_NESTING = 100;
/**
 * "The maximum offset is 2,000 rows. Requesting an offset greater than 2,000 results in a
 * NUMBER_OUTSIDE_VALID_RANGE error."
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_offset.htm);
 * the message is "Maximum SOQL offset allowed for apiName ApexClass is 2000", without a caret ([OBS]
 * SalesforceLabs/OrgCheck#448, trailheadapps/dreamhouse-lwc#660).
 */
export const MAX_OFFSET = 2000;
/** Text areas longer than this are long text areas, which SOQL cannot filter or sort on. */
const MAX_FILTERABLE_TEXTAREA = 255;

/** Valid SOQL the subset does not cover: refused with the note above. */
const UNSUPPORTED_WORDS = new Set([
  'group',
  'having',
  'includes',
  'excludes',
  'for',
  'with',
  'using',
  'typeof',
  'all',
  'select',
  'update',
  'view',
  'reference',
]);

/**
 * Keywords that cannot name a field or an object here (Apex's reserved keywords, which cover SOQL's:
 * https://developer.salesforce.com/docs/atlas.en-us.apexcode.meta/apexcode/apex_reserved_words.htm).
 * GROUP and ORDER are left out because Group and Order are queryable sObjects
 * ([OBS] stomita/soql-parse#3), and FIRST, LAST, INCLUDES, EXCLUDES are "special keywords that
 * aren't reserved" (same page).
 */
const RESERVED_WORDS = new Set([
  'and',
  'asc',
  'desc',
  'from',
  'having',
  'in',
  'like',
  'limit',
  'not',
  'null',
  'nulls',
  'or',
  'select',
  'where',
  'with',
  'offset',
]);

/** Date literals (TODAY, LAST_N_DAYS:n, …) are valid SOQL outside the subset. */
const DATE_LITERAL = /^(?:yesterday|today|tomorrow|(?:last|this|next)_\w+|n_\w+)$/i;

type TokenKind = 'word' | 'string' | 'number' | 'datetime' | 'punct' | 'eof';

interface Token {
  kind: TokenKind;
  /** The token as written (a string literal with its quotes and escapes). */
  text: string;
  /** Decoded value of a string literal. */
  value: string;
  offset: number;
}

export type ComparisonOperator = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like';

/** A WHERE clause with its fields resolved and its literals converted to stored values. */
export type Condition =
  | { kind: 'and' | 'or'; operands: Condition[] }
  | { kind: 'not'; operand: Condition }
  | { kind: 'compare'; field: FieldSchema; operator: Exclude<ComparisonOperator, 'like'>; value: StoredValue }
  /** `keys`: the listed values as `equalityKey` gives them, so a long list costs one lookup. */
  | { kind: 'in'; field: FieldSchema; negated: boolean; keys: ReadonlySet<StoredValue> }
  | { kind: 'like'; field: FieldSchema; pattern: LikePattern };

export interface OrderItem {
  field: FieldSchema;
  descending: boolean;
  nullsFirst: boolean;
}

export interface ParsedQuery {
  sobject: SObjectSchema;
  fields: FieldSchema[];
  where: Condition | undefined;
  orderBy: OrderItem[];
  limit: number | undefined;
  offset: number | undefined;
}

// ---- Syntax: tokens to a tree that still holds tokens (names are resolved afterwards) ----

type RawCondition =
  | { kind: 'and' | 'or'; operands: RawCondition[] }
  | { kind: 'not'; operand: RawCondition }
  | { kind: 'compare'; field: Token; operator: ComparisonOperator; value: Token }
  | { kind: 'in'; field: Token; negated: boolean; values: Token[] };

interface RawOrderItem {
  field: Token;
  descending: boolean;
  nullsFirst: boolean;
}

interface RawQuery {
  fields: Token[];
  object: Token;
  where: RawCondition | undefined;
  orderBy: RawOrderItem[];
  limit: number | undefined;
  offset: number | undefined;
}

const COMPARISON_PUNCT: Readonly<Record<string, ComparisonOperator>> = {
  '=': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

class Parser {
  #pos = 0;
  #depth = 0;

  constructor(
    private readonly query: string,
    private readonly tokens: readonly Token[],
  ) {}

  parse(): RawQuery {
    this.#keyword('select');
    const fields = this.#list(() => this.#identifier());
    this.#keyword('from');
    const object = this.#identifier();
    const where = this.#optional('where') ? this.#condition() : undefined;
    const orderBy = this.#orderBy();
    const limit = this.#optional('limit') ? this.#count() : undefined;
    const offset = this.#optional('offset') ? this.#count() : undefined;
    if (this.#peek().kind !== 'eof') throw this.#unexpected(this.#peek());
    return { fields, object, where, orderBy, limit, offset };
  }

  /**
   * `NOT operand`, or operands joined by one kind of operator: "Parentheses are required whenever
   * you mix the operators" (https://developer.salesforce.com/docs/platform/salesforce-soql-sosl/guide/sforce-api-calls-soql-select-logicaloperators.html),
   * and Salesforce answers a mix with "unexpected token: 'OR'" at the operator that breaks the run
   * ([OBS] Summer '24 release notes, "Changed Error Messages"; https://life-improver.com/salesforce/salesforce-unexpected-token-or/).
   * The caller meets that operator where it expects the end of the condition.
   */
  #condition(): RawCondition {
    if (this.#isKeyword(this.#peek(), 'not')) {
      this.#next();
      return { kind: 'not', operand: this.#operand() };
    }
    const first = this.#operand();
    const joiner = ['and', 'or'].find((word) => this.#isKeyword(this.#peek(), word)) as
      'and' | 'or' | undefined;
    if (joiner === undefined) return first;
    const operands = [first];
    while (this.#optional(joiner)) operands.push(this.#operand());
    return { kind: joiner, operands };
  }

  /** A parenthesized condition or one field expression; a bare NOT here would mix operators. */
  #operand(): RawCondition {
    const token = this.#peek();
    if (token.kind === 'punct' && token.text === '(') {
      this.#next();
      if (++this.#depth > MAX_NESTING) {
        throw new SoqlError(
          'MALFORMED_QUERY',
          `unexpected token: '(' (the local emulator nests parentheses at most ${MAX_NESTING} deep)`,
          token.offset,
        );
      }
      const inner = this.#condition();
      this.#punct(')');
      this.#depth--;
      return inner;
    }
    if (this.#isKeyword(token, 'not')) throw this.#unexpected(token);
    return this.#fieldExpression();
  }

  #fieldExpression(): RawCondition {
    const field = this.#identifier();
    const operator = this.#next();
    const comparison = operator.kind === 'punct' ? COMPARISON_PUNCT[operator.text] : undefined;
    if (comparison !== undefined)
      return { kind: 'compare', field, operator: comparison, value: this.#value() };
    if (this.#isKeyword(operator, 'like'))
      return { kind: 'compare', field, operator: 'like', value: this.#value() };
    if (this.#isKeyword(operator, 'in'))
      return { kind: 'in', field, negated: false, values: this.#valueList(field) };
    if (this.#isKeyword(operator, 'not')) {
      const inToken = this.#next();
      if (!this.#isKeyword(inToken, 'in')) throw this.#unexpected(inToken);
      return { kind: 'in', field, negated: true, values: this.#valueList(field) };
    }
    throw this.#unexpected(operator);
  }

  /**
   * `( value, … )`. An empty list is "unexpected token: 'ParentId IN ()'" ([OBS] Summer '24 release
   * notes, "Changed Error Messages"; the caret position is [CHOSEN]).
   */
  #valueList(field: Token): Token[] {
    this.#punct('(');
    const close = this.#peek();
    if (close.kind === 'punct' && close.text === ')') {
      const written = this.query.slice(field.offset, close.offset + 1);
      throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${written}'`, field.offset);
    }
    const values = this.#list(() => this.#value());
    this.#punct(')');
    return values;
  }

  #value(): Token {
    const token = this.#next();
    if (token.kind === 'eof' || token.kind === 'punct') throw this.#unexpected(token);
    if (token.kind === 'word') {
      const word = token.text.toLowerCase();
      if (DATE_LITERAL.test(word)) throw this.#refused(token);
      if (!['true', 'false', 'null'].includes(word)) throw this.#unexpected(token);
    }
    return token;
  }

  #orderBy(): RawOrderItem[] {
    if (!this.#optional('order')) return [];
    this.#keyword('by');
    return this.#list(() => {
      const field = this.#identifier();
      const descending = this.#optional('desc');
      if (!descending) this.#optional('asc');
      let nullsFirst = true;
      if (this.#optional('nulls')) {
        const which = this.#next();
        if (!this.#isKeyword(which, 'first') && !this.#isKeyword(which, 'last'))
          throw this.#unexpected(which);
        nullsFirst = which.text.toLowerCase() === 'first';
      }
      return { field, descending, nullsFirst };
    });
  }

  /** LIMIT and OFFSET take a non-negative integer literal. */
  #count(): number {
    const token = this.#next();
    if (token.kind !== 'number' || !/^\d+$/.test(token.text)) throw this.#unexpected(token);
    return Number(token.text);
  }

  /** A field or object name: a plain word that is not reserved, not a path, not a function. */
  #identifier(): Token {
    const token = this.#next();
    if (token.kind === 'punct' && token.text === '(') throw this.#refused(token);
    if (token.kind !== 'word' || RESERVED_WORDS.has(token.text.toLowerCase())) throw this.#unexpected(token);
    if (token.text.includes('.')) throw this.#refused(token);
    const after = this.#peek();
    if (after.kind === 'punct' && after.text === '(') throw this.#refused(after);
    return token;
  }

  #list<T>(item: () => T): T[] {
    const items = [item()];
    while (this.#peek().kind === 'punct' && this.#peek().text === ',') {
      this.#next();
      items.push(item());
    }
    return items;
  }

  #keyword(word: string): Token {
    const token = this.#next();
    if (!this.#isKeyword(token, word)) throw this.#unexpected(token);
    return token;
  }

  #optional(word: string): boolean {
    if (!this.#isKeyword(this.#peek(), word)) return false;
    this.#next();
    return true;
  }

  #punct(text: string): void {
    const token = this.#next();
    if (token.kind !== 'punct' || token.text !== text) throw this.#unexpected(token);
  }

  #isKeyword(token: Token, word: string): boolean {
    return token.kind === 'word' && token.text.toLowerCase() === word;
  }

  #peek(): Token {
    return this.tokens[this.#pos] ?? eofToken(this.query);
  }

  #next(): Token {
    const token = this.#peek();
    this.#pos++;
    return token;
  }

  #unexpected(token: Token): SoqlError {
    const note = token.kind === 'word' && UNSUPPORTED_WORDS.has(token.text.toLowerCase()) ? SUBSET_NOTE : '';
    return new SoqlError('MALFORMED_QUERY', `unexpected token: '${shown(token)}'${note}`, token.offset);
  }

  /** Valid SOQL that the emulator does not implement. */
  #refused(token: Token): SoqlError {
    return new SoqlError(
      'MALFORMED_QUERY',
      `unexpected token: '${shown(token)}'${SUBSET_NOTE}`,
      token.offset,
    );
  }
}

function shown(token: Token): string {
  return token.kind === 'eof' ? '<EOF>' : token.text;
}

// ---- Semantics: names, operators and literals checked against the org's schema ----

export function parseSoql(query: string, schema: OrgSchema): ParsedQuery {
  if (query.length > MAX_QUERY_LENGTH) {
    throw new SoqlError(
      'MALFORMED_QUERY',
      `SOQL statements can not be longer than ${MAX_QUERY_LENGTH} characters.`,
      undefined,
    );
  }
  const raw = new Parser(query, tokenize(query)).parse();
  const sobject = schema.get(raw.object.text);
  if (!sobject) {
    throw new SoqlError(
      'INVALID_TYPE',
      `sObject type '${raw.object.text}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.${WSDL_HINT}`,
      raw.object.offset,
    );
  }
  const fields = resolveSelectList(sobject, raw.fields);
  const where = raw.where && resolveCondition(sobject, raw.where);
  const orderBy = raw.orderBy.map((item) => resolveOrderItem(sobject, item));
  if (raw.offset !== undefined && raw.offset > MAX_OFFSET) {
    throw new SoqlError(
      'NUMBER_OUTSIDE_VALID_RANGE',
      `Maximum SOQL offset allowed for apiName ${sobject.name} is ${MAX_OFFSET}`,
      undefined,
    );
  }
  return { sobject, fields, where, orderBy, limit: raw.limit, offset: raw.offset };
}

function resolveSelectList(sobject: SObjectSchema, tokens: readonly Token[]): FieldSchema[] {
  const fields: FieldSchema[] = [];
  for (const token of tokens) {
    const field = resolveField(sobject, token);
    // [CHOSEN] errorCode for a repeated field; the wording is SOQL's.
    if (fields.includes(field)) {
      throw new SoqlError('INVALID_FIELD', `duplicate field selected: ${field.name}`, token.offset);
    }
    fields.push(field);
  }
  return fields;
}

function resolveField(sobject: SObjectSchema, token: Token): FieldSchema {
  const field = sobject.field(token.text);
  if (!field) {
    throw new SoqlError(
      'INVALID_FIELD',
      `No such column '${token.text}' on entity '${sobject.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.${WSDL_HINT}`,
      token.offset,
    );
  }
  return field;
}

/**
 * A filtered field "can be any field except a long text area field, encrypted data field, or
 * base64-encoded field" (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_fieldexpression.htm),
 * and ORDER BY does not support long text areas either
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_orderby.htm).
 * Messages [OBS] "field 'Description' can not be filtered in query call" (INVALID_FIELD) and
 * "field 'X' can not be sorted in a query call"; the errorCode of the second is [CHOSEN].
 */
function isLongText(field: FieldSchema): boolean {
  return field.type === 'textarea' && (field.length ?? 0) > MAX_FILTERABLE_TEXTAREA;
}

function resolveCondition(sobject: SObjectSchema, raw: RawCondition): Condition {
  switch (raw.kind) {
    case 'and':
    case 'or':
      return { kind: raw.kind, operands: raw.operands.map((operand) => resolveCondition(sobject, operand)) };
    case 'not':
      return { kind: 'not', operand: resolveCondition(sobject, raw.operand) };
    case 'in': {
      const field = filterableField(sobject, raw.field);
      const values = raw.values.map((token) => literalValue(field, checkLiteral(field, token)));
      const keys = new Set(values.map((value) => equalityKey(field, value)));
      return { kind: 'in', field, negated: raw.negated, keys };
    }
    case 'compare': {
      const field = filterableField(sobject, raw.field);
      checkOperator(field, raw.operator, raw.field);
      if (raw.operator === 'like') return { kind: 'like', field, pattern: likePattern(field, raw.value) };
      const value = literalValue(field, checkLiteral(field, raw.value));
      return { kind: 'compare', field, operator: raw.operator, value };
    }
  }
}

function filterableField(sobject: SObjectSchema, token: Token): FieldSchema {
  const field = resolveField(sobject, token);
  if (isLongText(field)) {
    throw new SoqlError(
      'INVALID_FIELD',
      `field '${field.name}' can not be filtered in query call`,
      token.offset,
    );
  }
  return field;
}

function resolveOrderItem(sobject: SObjectSchema, raw: RawOrderItem): OrderItem {
  const field = resolveField(sobject, raw.field);
  if (isLongText(field)) {
    throw new SoqlError(
      'INVALID_FIELD',
      `field '${field.name}' can not be sorted in a query call`,
      raw.field.offset,
    );
  }
  return { field, descending: raw.descending, nullsFirst: raw.nullsFirst };
}

/** The type names of SOQL's messages ("must be of type integer", "invalid operator on id field"). */
const TYPE_NAMES: Readonly<Record<FieldSchema['type'], string>> = {
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

/**
 * LIKE is for text fields only ("The LIKE operator is supported for string fields only", as the
 * comparison operators page is quoted by https://www.sfdc-lightning.com/2022/05/LIKE-IN-NOT-IN-INCLUDES-EXCLUDES-Semi-Joins-with-IN-and-Anti-Joins-with-NOT-IN-ORDER-BY-GROUP-BY-OFFSET-in-Salesforce-SOQL.html;
 * https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm),
 * and ordering operators make no sense on checkboxes. Salesforce answers INVALID_QUERY_FILTER_OPERATOR
 * "invalid operator on id field" / "invalid operator on multipicklist field" with the caret on the
 * field ([OBS] UnofficialSF/LightningFlowComponents#255, simple-salesforce/simple-salesforce#73);
 * the other type names follow the same pattern ([CHOSEN]).
 */
function checkOperator(field: FieldSchema, operator: ComparisonOperator, token: Token): void {
  const isOrdering = operator === '<' || operator === '<=' || operator === '>' || operator === '>=';
  const refused =
    (operator === 'like' && (field.type === 'id' || !isTextType(field.type))) ||
    (isOrdering && field.type === 'boolean');
  if (refused) {
    throw new SoqlError(
      'INVALID_QUERY_FILTER_OPERATOR',
      `invalid operator on ${field.type} field`,
      token.offset,
    );
  }
}

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; text: string };

/**
 * Whether the literal fits the field, with SOQL's messages, e.g. "value of filter criterion for
 * field 'NumberOfEmployees' must be of type integer and should not be enclosed in quotes"
 * ([OBS] widely reported; the type names are [CHOSEN] after it).
 */
function checkLiteral(field: FieldSchema, token: Token): Literal {
  const literal = toLiteral(token);
  if (literal.kind === 'null') return literal;
  const quoted = TYPE_NAMES[field.type] === 'string' || field.type === 'id';
  const wrong = (): SoqlError =>
    new SoqlError(
      'INVALID_FIELD',
      `value of filter criterion for field '${field.name}' must be of type ${TYPE_NAMES[field.type]} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
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
      // "If you run a query on a boolean field, null matches FALSE values"
      // (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_null.htm).
      return field.type === 'boolean' ? false : null;
    case 'string':
      if (field.type === 'id') return parseRecordId(literal.value) ?? literal.value;
      // Salesforce stores an empty text as null, and SOQL's '' matches it as `= null` does ([OBS]
      // django-salesforce/django-salesforce#143: "the empty string equals to both null and ''").
      return literal.value === '' ? null : literal.value;
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

// ---- LIKE: compiled to segments and matched without backtracking blow-up ----

/** One pattern character: a literal (upper-cased) or `_` (any one character). */
type LikeChar = string | null;

/**
 * A LIKE pattern split at its `%` wildcards: the text must start with the first segment, end with
 * the last, and hold the middle ones in order. `%` matches zero or more characters and `_` exactly
 * one; `\%` and `\_` match the characters themselves
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm).
 * The match is case-insensitive, as SOQL text comparisons are.
 */
export interface LikePattern {
  segments: LikeChar[][];
  /** False when the pattern holds no `%`: the text must match the one segment exactly. */
  hasPercent: boolean;
}

function likePattern(field: FieldSchema, token: Token): LikePattern {
  if (token.kind !== 'string') {
    // [CHOSEN] `LIKE null` / `LIKE 5`: the type message SOQL gives for a non-string value.
    throw new SoqlError(
      'INVALID_FIELD',
      `value of filter criterion for field '${field.name}' must be of type string and should be enclosed in quotes`,
      token.offset,
    );
  }
  return compileLike(token.text.slice(1, -1));
}

/** Compiles the body of a LIKE string literal (escapes still in place). */
export function compileLike(body: string): LikePattern {
  const segments: LikeChar[][] = [[]];
  let hasPercent = false;
  // Code points, so that `_` matches one character even outside the BMP ([CHOSEN]).
  const chars = Array.from(body);
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i] ?? '';
    const current = segments[segments.length - 1] ?? [];
    if (char === '\\' && i + 1 < chars.length) {
      current.push(unescapeChar(chars[++i] ?? '').toUpperCase());
    } else if (char === '%') {
      hasPercent = true;
      segments.push([]);
    } else {
      current.push(char === '_' ? null : char.toUpperCase());
    }
  }
  return { segments, hasPercent };
}

/**
 * Whether the text matches. Each segment is placed at its leftmost fit after the previous one,
 * which is correct for `%`-separated patterns and costs at most (text length × segment length) per
 * segment: no exponential backtracking, whatever the pattern.
 */
export function matchesLike(pattern: LikePattern, value: string): boolean {
  const text = Array.from(value, (char) => char.toUpperCase());
  const { segments } = pattern;
  const first = segments[0] ?? [];
  if (!pattern.hasPercent) return text.length === first.length && fitsAt(first, text, 0);
  const last = segments[segments.length - 1] ?? [];
  if (first.length + last.length > text.length) return false;
  if (!fitsAt(first, text, 0) || !fitsAt(last, text, text.length - last.length)) return false;
  let from = first.length;
  const end = text.length - last.length;
  for (const segment of segments.slice(1, -1)) {
    const at = findSegment(segment, text, from, end);
    if (at === -1) return false;
    from = at + segment.length;
  }
  return true;
}

function findSegment(segment: LikeChar[], text: string[], from: number, end: number): number {
  for (let at = from; at + segment.length <= end; at++) if (fitsAt(segment, text, at)) return at;
  return -1;
}

function fitsAt(segment: LikeChar[], text: string[], at: number): boolean {
  for (let i = 0; i < segment.length; i++) {
    const want = segment[i];
    if (want !== null && want !== text[at + i]) return false;
  }
  return true;
}

// ---- Running a query over a table ----

/** The matching records of the table: ordered, then OFFSET rows skipped, then up to LIMIT rows. */
export function runSoql(query: ParsedQuery, table: ObjectTable): SObjectRecord[] {
  const skip = query.offset ?? 0;
  const wanted = query.limit === undefined ? Number.POSITIVE_INFINITY : skip + query.limit;
  if (query.limit === 0) return [];
  const matches: SObjectRecord[] = [];
  // Without ORDER BY the insertion order stands, so the scan can stop once enough rows are found.
  const canStopEarly = query.orderBy.length === 0;
  for (const record of candidates(query.where, table)) {
    if (query.where !== undefined && !evaluate(query.where, record)) continue;
    matches.push(record);
    if (canStopEarly && matches.length >= wanted) break;
  }
  if (!canStopEarly) matches.sort(recordComparator(query.orderBy));
  return matches.slice(skip, wanted);
}

/** One record by ID when the WHERE clause pins `Id = '…'` at its top level; else every record. */
function candidates(where: Condition | undefined, table: ObjectTable): Iterable<SObjectRecord> {
  const conjuncts = where === undefined ? [] : where.kind === 'and' ? where.operands : [where];
  const pin = conjuncts.find(
    (c): c is Extract<Condition, { kind: 'compare' }> =>
      c.kind === 'compare' && c.field.type === 'id' && c.operator === '=' && c.value !== null,
  );
  if (!pin) return table.all();
  const record = table.get(String(pin.value));
  return record ? [record] : [];
}

function evaluate(condition: Condition, record: SObjectRecord): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.operands.every((operand) => evaluate(operand, record));
    case 'or':
      return condition.operands.some((operand) => evaluate(operand, record));
    case 'not':
      return !evaluate(condition.operand, record);
    case 'in': {
      const key = equalityKey(condition.field, record[condition.field.name] ?? null);
      return condition.keys.has(key) !== condition.negated;
    }
    case 'like': {
      const value = record[condition.field.name] ?? null;
      return value !== null && matchesLike(condition.pattern, String(value));
    }
    case 'compare':
      return compare(
        condition.field,
        condition.operator,
        record[condition.field.name] ?? null,
        condition.value,
      );
  }
}

/**
 * `=` and `!=` treat null as a value (`= null` finds the empty fields, `!= null` the others); the
 * ordering operators never match a null. [UNCONFIRMED] that `!= 'x'` also returns the null rows, as
 * this does: the docs only show `!= null`
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_null.htm).
 */
function compare(
  field: FieldSchema,
  operator: Exclude<ComparisonOperator, 'like'>,
  value: StoredValue,
  literal: StoredValue,
): boolean {
  if (operator === '=') return same(field, value, literal);
  if (operator === '!=') return !same(field, value, literal);
  if (value === null || literal === null) return false;
  const order = compareValues(field, value, literal);
  if (operator === '<') return order < 0;
  if (operator === '<=') return order <= 0;
  if (operator === '>') return order > 0;
  return order >= 0;
}

/**
 * Equality. "Comparisons on strings are case-sensitive for unique case-sensitive fields and
 * case-insensitive for all other fields"
 * (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_comparisonoperators.htm);
 * the emulator has no case-sensitive text fields. Record IDs are canonical 18-character strings.
 */
function same(field: FieldSchema, a: StoredValue, b: StoredValue): boolean {
  return equalityKey(field, a) === equalityKey(field, b);
}

/** A value that is `===` to another's exactly when SOQL's `=` holds between them. */
function equalityKey(field: FieldSchema, value: StoredValue): StoredValue {
  if (value === null || field.type === 'id' || !isTextType(field.type)) return value;
  return String(value).toUpperCase();
}

/**
 * Order of two non-null values. Text: "Sorting is case insensitive" (ORDER BY page, API 37.0:
 * https://developer.salesforce.com/docs/atlas.en-us.206.0.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_orderby.htm);
 * later versions of the page say that for English locales the sort uses the UTF-8 values of the
 * upper-cased characters (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_orderby.htm),
 * so the emulator (an English-locale org) compares the code points of the upper-cased text.
 * Dates (`YYYY-MM-DD`) and datetimes (normalized to UTC, `…T…+0000`) sort as their text; false
 * sorts before true ([CHOSEN]).
 */
function compareValues(field: FieldSchema, a: NonNullable<StoredValue>, b: NonNullable<StoredValue>): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  if (field.type === 'id' || !isTextType(field.type)) return compareCodePoints(String(a), String(b));
  return compareCodePoints(String(a).toUpperCase(), String(b).toUpperCase());
}

/** Code point order (UTF-8 byte order), not UTF-16 unit order, which differs above U+FFFF. */
function compareCodePoints(a: string, b: string): number {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  for (;;) {
    const x = left.next();
    const y = right.next();
    // A proper prefix sorts first.
    if (x.done === true || y.done === true) return Number(x.done !== true) - Number(y.done !== true);
    const diff = (x.value.codePointAt(0) ?? 0) - (y.value.codePointAt(0) ?? 0);
    if (diff !== 0) return diff;
  }
}

/**
 * ORDER BY: "Default order is ascending" and "By default, null values are sorted first" whatever
 * the direction (https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_orderby.htm).
 * Ties keep insertion order (Array.prototype.sort is stable); Salesforce leaves them unspecified.
 */
function recordComparator(items: readonly OrderItem[]): (a: SObjectRecord, b: SObjectRecord) => number {
  return (a, b) => {
    for (const { field, descending, nullsFirst } of items) {
      const x = a[field.name] ?? null;
      const y = b[field.name] ?? null;
      if (x === null || y === null) {
        if (x === y) continue;
        return (x === null) === nullsFirst ? -1 : 1;
      }
      const order = compareValues(field, x, y);
      if (order !== 0) return descending ? -order : order;
    }
    return 0;
  };
}

// ---- Tokens ----

const TOKEN =
  /(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))?)(?![\w.])|([+-]?\d+(?:\.\d+)?)(?![\w.])|([A-Za-z_][A-Za-z0-9_.]*)|('(?:[^'\\]|\\[\s\S])*')|(<=|>=|!=|<>|[,=()<>])|(\S)/y;

/** Splits the query in one left-to-right pass (linear in its length). */
function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < query.length && /\s/.test(query.charAt(pos))) pos++;
    if (pos >= query.length) break;
    TOKEN.lastIndex = pos;
    const match = TOKEN.exec(query);
    if (!match) break;
    const text = match[0];
    const offset = pos;
    pos = TOKEN.lastIndex;
    const [, datetime, number, word, string, punct] = match;
    if (datetime !== undefined) tokens.push({ kind: 'datetime', text, value: text, offset });
    else if (number !== undefined) tokens.push({ kind: 'number', text, value: text, offset });
    else if (word !== undefined) tokens.push({ kind: 'word', text, value: text, offset });
    else if (string !== undefined) tokens.push({ kind: 'string', text, value: unescape(string), offset });
    else if (punct !== undefined) tokens.push({ kind: 'punct', text, value: text, offset });
    else if (text === "'") {
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

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' };

/** SOQL string escapes: \' \" \\ \n \r \t \b \f (letters in either case). */
function unescape(literal: string): string {
  return literal.slice(1, -1).replace(/\\([\s\S])/g, (_, c: string) => unescapeChar(c));
}

function unescapeChar(c: string): string {
  return ESCAPES[c.toLowerCase()] ?? c;
}
