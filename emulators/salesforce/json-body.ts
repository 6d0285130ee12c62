// JSON request bodies, with Salesforce's JSON_PARSER_ERROR for what its deserializer (Jackson)
// refuses, including Jackson's `[line:L, column:C]` position of the offending value.
import { RestError } from './rest-types.js';

export type JsonPath = readonly (string | number)[];

export class JsonBody {
  private constructor(
    readonly text: string,
    readonly value: unknown,
  ) {}

  /** Parses the body, or throws 400 JSON_PARSER_ERROR with the position of the syntax error. */
  static parse(body: Buffer): JsonBody {
    const text = body.toString('utf8');
    try {
      return new JsonBody(text, JSON.parse(text) as unknown);
    } catch {
      throw jsonParserError(
        text.trim() === ''
          ? // Jackson on an empty body; [CHOSEN] wording (not observed).
            'No content to map due to end-of-input\n at [line:1, column:0]'
          : syntaxErrorMessage(text),
      );
    }
  }

  /**
   * `[line:L, column:C]` just after the value at `path`, where Jackson reports a value it could not
   * bind (its current location once the token is read; 1-based, as Jackson counts).
   */
  position(path: JsonPath): string {
    const end = valueEnd(this.text, path) ?? this.text.length;
    const { line, column } = lineColumn(this.text, end);
    return `[line:${line}, column:${column}]`;
  }
}

export function jsonParserError(message: string): RestError {
  return new RestError(400, 'JSON_PARSER_ERROR', message);
}

/**
 * Jackson's wording for the first syntax error, e.g. "Unexpected character ('}' (code 125)): was
 * expecting double-quote to start field name\n at [line:1, column:2]" ([OBS] a Salesforce error
 * catalogue); found with a small validator since V8's messages do not always give a position.
 */
function syntaxErrorMessage(text: string): string {
  const { offset, expected } = firstSyntaxError(text);
  const { line, column } = lineColumn(text, offset);
  const char = text.charAt(offset);
  let what: string;
  if (char === '') what = 'Unexpected end-of-input';
  else if (expected === 'escape')
    what = `Unrecognized character escape '${char}' (code ${char.charCodeAt(0)})`;
  else if (expected === 'control') {
    what = `Illegal unquoted character ((CTRL-CHAR, code ${char.charCodeAt(0)})): has to be escaped using backslash to be included in string value`;
  } else if (/[A-Za-z]/.test(char) && expected === 'value') {
    const word = /^[A-Za-z0-9_]+/.exec(text.slice(offset))?.[0] ?? char;
    what = `Unrecognized token '${word}': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')`;
  } else {
    const reasons: Record<SyntaxExpectation, string> = {
      value: "expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')",
      key: 'was expecting double-quote to start field name',
      colon: 'was expecting a colon to separate field name and value',
      objectComma: 'was expecting comma to separate Object entries',
      arrayComma: 'was expecting comma to separate Array entries',
      end: 'expected end-of-input',
      escape: '',
      control: '',
    };
    what = `Unexpected character ('${char}' (code ${char.charCodeAt(0)})): ${reasons[expected]}`;
  }
  return `${what}\n at [line:${line}, column:${column}]`;
}

type SyntaxExpectation =
  'value' | 'key' | 'colon' | 'objectComma' | 'arrayComma' | 'end' | 'escape' | 'control';

class SyntaxFailure extends Error {
  constructor(
    readonly offset: number,
    readonly expected: SyntaxExpectation,
  ) {
    super(`JSON syntax error at ${offset}: expected ${expected}`);
  }
}

/** Where strict JSON first goes wrong in text that JSON.parse refused. */
function firstSyntaxError(text: string): SyntaxFailure {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  };
  const fail = (expected: SyntaxExpectation): never => {
    throw new SyntaxFailure(i, expected);
  };
  const string = (): void => {
    i++;
    for (;;) {
      if (i >= text.length) fail('value');
      const c = text.charAt(i);
      if (c === '"') break;
      if (c === '\\') {
        i++;
        const e = text.charAt(i);
        if (e === 'u') {
          if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 1, i + 5))) fail('escape');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(e) || e === '') fail('escape');
      } else if (c.charCodeAt(0) < 0x20) fail('control');
      i++;
    }
    i++;
  };
  const value = (): void => {
    ws();
    const c = text.charAt(i);
    if (c === '{') {
      i++;
      ws();
      if (text.charAt(i) === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text.charAt(i) !== '"') fail('key');
        string();
        ws();
        if (text.charAt(i) !== ':') fail('colon');
        i++;
        value();
        ws();
        if (text.charAt(i) === ',') {
          i++;
          continue;
        }
        if (text.charAt(i) === '}') {
          i++;
          return;
        }
        fail('objectComma');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text.charAt(i) === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text.charAt(i) === ',') {
          i++;
          continue;
        }
        if (text.charAt(i) === ']') {
          i++;
          return;
        }
        fail('arrayComma');
      }
    }
    if (c === '"') {
      string();
      return;
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i));
    if (!literal) fail('value');
    i += literal?.[0].length ?? 0;
  };
  try {
    value();
    ws();
    if (i < text.length) fail('end');
  } catch (error) {
    if (error instanceof SyntaxFailure) return error;
    throw error;
  }
  return new SyntaxFailure(text.length, 'value');
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * The offset just after the value at `path` in already-valid JSON text, by a small scanner (only
 * run when reporting an error). The first of duplicate keys wins.
 */
function valueEnd(text: string, path: JsonPath): number | undefined {
  let i = 0;
  const skipWs = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text.charAt(i))) i++;
  };
  const skipString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text.charAt(i) !== '"') i += text.charAt(i) === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  // Returns the end of the target value if it lies within this value, else undefined; always
  // leaves `i` just after this value.
  const walk = (depth: number, onPath: boolean): number | undefined => {
    skipWs();
    const target = onPath && depth === path.length;
    let found: number | undefined;
    const c = text.charAt(i);
    if (c === '{' || c === '[') {
      const object = c === '{';
      i++;
      // Jackson stops on the START_OBJECT / START_ARRAY token itself.
      if (target) found = i;
      skipWs();
      let index = 0;
      while (i < text.length && text.charAt(i) !== (object ? '}' : ']')) {
        let key: string | number = index++;
        if (object) {
          key = skipString();
          skipWs();
          i++; // the colon
        }
        const hit = walk(depth + 1, onPath && depth < path.length && path[depth] === key);
        found ??= hit;
        skipWs();
        if (text.charAt(i) === ',') i++;
        skipWs();
      }
      i++;
    } else if (c === '"') {
      skipString();
    } else {
      while (i < text.length && !',}] \t\r\n'.includes(text.charAt(i))) i++;
    }
    if (target) found ??= i;
    return found;
  };
  return walk(0, true);
}
