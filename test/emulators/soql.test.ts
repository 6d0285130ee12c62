// The SOQL parser and matcher on their own (no HTTP): the length bound, hostile input, and the
// LIKE matcher checked against a regular-expression oracle on small inputs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordStore } from '../../emulators/salesforce/record-store.js';
import { OrgSchema } from '../../emulators/salesforce/schema.js';
import {
  compileLike,
  matchesLike,
  MAX_NESTING,
  MAX_QUERY_LENGTH,
  parseSoql,
  runSoql,
  SoqlError,
} from '../../emulators/salesforce/soql.js';

const schema = new OrgSchema();

function soqlError(query: string): SoqlError {
  try {
    parseSoql(query, schema);
  } catch (error) {
    if (error instanceof SoqlError) return error;
    throw error;
  }
  throw new Error(`no error for ${query.slice(0, 80)}`);
}

function accounts(names: readonly string[]): { run: (query: string) => string[] } {
  const store = new RecordStore(schema);
  const table = store.table(schema.require('Account'));
  for (const name of names) table.insert({ Name: name });
  return { run: (query) => runSoql(parseSoql(query, schema), table).map((r) => String(r.Name)) };
}

describe('query length and nesting bounds', () => {
  it('a query over 100,000 characters (here 1 MB) is MALFORMED_QUERY, without caret', () => {
    const query = `SELECT Id FROM Account WHERE Name = '${'x'.repeat(1_000_000)}'`;
    const error = soqlError(query);
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.format(query)).toBe('SOQL statements can not be longer than 100000 characters.');
  });

  it('a query of exactly 100,000 characters made of many OR terms is parsed and run', () => {
    const head = "SELECT Name FROM Account WHERE Name = 'hit'";
    const term = " OR Name = 'miss'";
    let query = head + term.repeat(Math.floor((MAX_QUERY_LENGTH - head.length) / term.length));
    query += ' '.repeat(MAX_QUERY_LENGTH - query.length);
    expect(query).toHaveLength(MAX_QUERY_LENGTH);
    expect(accounts(['hit', 'other', 'HIT']).run(query)).toEqual(['hit', 'HIT']);
  });

  it(`parentheses nest ${MAX_NESTING} deep, and no deeper`, () => {
    const nested = (depth: number): string =>
      `SELECT Name FROM Account WHERE ${'('.repeat(depth)}Name = 'a'${')'.repeat(depth)}`;
    expect(accounts(['a', 'b']).run(nested(MAX_NESTING))).toEqual(['a']);
    const query = nested(MAX_NESTING + 1);
    const error = soqlError(query);
    expect(error.errorCode).toBe('MALFORMED_QUERY');
    expect(error.detail).toBe(
      `unexpected token: '(' (the local emulator nests parentheses at most ${MAX_NESTING} deep)`,
    );
    expect(error.offset).toBe(query.indexOf('(') + MAX_NESTING);
  });

  it('an unterminated string and a long run of digits followed by letters end in one error', () => {
    const unterminated = `SELECT Id FROM Account WHERE Name = '${'\\\\'.repeat(40_000)}`;
    expect(soqlError(unterminated).detail).toMatch(/^unexpected token: '/);
    const digits = `SELECT Id FROM Account LIMIT ${'9'.repeat(90_000)}x`;
    expect(soqlError(digits).detail).toBe("unexpected token: '9'");
  });
});

describe('ordering', () => {
  it('a prefix sorts before the longer text; case is ignored; code points above U+FFFF sort last', () => {
    const { run } = accounts(['abc', 'a', 'AB', '\u{1F600}', '\uFFFD', 'B']);
    expect(run('SELECT Name FROM Account ORDER BY Name')).toEqual([
      'a',
      'AB',
      'abc',
      'B',
      '\uFFFD',
      '\u{1F600}',
    ]);
    expect(run("SELECT Name FROM Account WHERE Name > 'ab' ORDER BY Name DESC")).toEqual([
      '\u{1F600}',
      '\uFFFD',
      'B',
      'abc',
    ]);
  });
});

describe('LIKE matcher', () => {
  /** The oracle: a regular expression built from the pattern (fine on these tiny inputs). */
  function oracle(body: string, text: string): boolean {
    let source = '';
    for (let i = 0; i < body.length; i++) {
      const char = body.charAt(i);
      if (char === '\\') source += escapeRegex(body.charAt(++i));
      else if (char === '%') source += '[\\s\\S]*';
      else if (char === '_') source += '[\\s\\S]';
      else source += escapeRegex(char);
    }
    return new RegExp(`^${source}$`, 'i').test(text);
  }
  const escapeRegex = (char: string): string => char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('agrees with a regular-expression oracle on small patterns and texts', () => {
    const body = fc
      .array(fc.constantFrom('a', 'b', 'A', '.', '%', '_', '\\%', '\\_'), { maxLength: 8 })
      .map((parts) => parts.join(''));
    const text = fc
      .array(fc.constantFrom('a', 'b', 'B', '.', '%', '_'), { maxLength: 10 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(body, text, (pattern, value) => {
        expect(matchesLike(compileLike(pattern), value)).toBe(oracle(pattern, value));
      }),
      { numRuns: 2000 },
    );
  });

  it('answers a pathological pattern against a long value (no catastrophic backtracking)', () => {
    const pattern = compileLike(`${'%a'.repeat(2000)}%b`);
    expect(matchesLike(pattern, 'a'.repeat(255))).toBe(false);
    expect(matchesLike(pattern, `${'a'.repeat(2000)}b`)).toBe(true);
    expect(matchesLike(compileLike('%_%_%_%_%_%_%_%_%_%_%_%_%_%_%_%_%_%_%_%_%!'), 'x'.repeat(255))).toBe(
      false,
    );
  });
});
