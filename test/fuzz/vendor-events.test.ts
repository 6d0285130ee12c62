// Property-based tests of the token vendor's event parser (lib/token/vendor-request.ts).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../lib/errors.js';
import { parseVendorRequest, type VendorRequest } from '../../lib/token/vendor-request.js';
import { safeMessage } from './support.js';
import { numRuns } from './runs.js';

const token = fc
  .tuple(fc.stringMatching(/^[A-Za-z0-9]{12}$/), fc.stringMatching(/^[A-Za-z0-9._-]{20,80}$/))
  .map(([org, rest]) => `00D${org}!${rest}`);

const anything = fc.anything({
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withNullPrototype: true,
  withObjectString: true,
  withBigInt: true,
});

/** JSON text of the value, or the value itself when it has no JSON form (BigInt). */
function jsonText(value: unknown): unknown {
  try {
    return JSON.stringify(value);
  } catch {
    return value;
  }
}

/** Calls the parser: a VendorRequest, or an InvalidEventError; never anything else. */
function parse(event: unknown): VendorRequest | InvalidEventError {
  try {
    return parseVendorRequest(event);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidEventError);
    return error as InvalidEventError;
  }
}

function checkShape(result: VendorRequest | InvalidEventError, secrets: readonly string[]): void {
  if (result instanceof InvalidEventError) {
    expect(result.code).toBe('ERR_INVALID_EVENT');
    expect(safeMessage(result.message, secrets)).toBe(true);
    return;
  }
  expect(typeof result.forceRefresh).toBe('boolean');
  expect(Object.keys(result).every((k) => k === 'forceRefresh' || k === 'staleToken')).toBe(true);
  if ('staleToken' in result) {
    expect(typeof result.staleToken).toBe('string');
    expect(result.forceRefresh).toBe(true);
  }
}

describe('parseVendorRequest', () => {
  it('any value: a VendorRequest or an InvalidEventError, never another error', () => {
    fc.assert(
      fc.property(anything, (event) => {
        checkShape(parse(event), []);
      }),
      { numRuns: numRuns(300) },
    );
  });

  it('a staleToken is never quoted, whatever else is wrong with the event', () => {
    const around = fc.dictionary(
      fc.oneof(fc.constantFrom('forceRefresh', 'staleToken', 'forcerefresh', 'stale_token'), fc.string()),
      anything,
      { maxKeys: 4 },
    );
    fc.assert(
      fc.property(
        token,
        around,
        fc.constantFrom('string', 'array', 'object', 'boxed', 'padded'),
        fc.boolean(),
        (stale, others, shape, asJsonText) => {
          const staleValue: Record<typeof shape, unknown> = {
            string: stale,
            array: [stale],
            object: { token: stale },
            boxed: Object(stale) as unknown,
            padded: ` ${stale} `,
          };
          const event = { ...others, staleToken: staleValue[shape] };
          // A JSON text (as `serverless invoke --data` might pass it) must not be quoted either.
          const result = parse(asJsonText ? jsonText(event) : event);
          // The event's own `forceRefresh`/`staleToken` keys decide the outcome; the token must
          // never come back in a message.
          checkShape(result, [stale]);
          // A caller passing the bare token (or its JSON text) as the whole event.
          checkShape(parse(stale), [stale]);
          checkShape(parse(JSON.stringify(stale)), [stale]);
          if (!(result instanceof InvalidEventError) && shape === 'string' && !asJsonText) {
            expect(result).toEqual({ forceRefresh: true, staleToken: stale });
          }
        },
      ),
      { numRuns: numRuns(300) },
    );
  });

  it('valid events: forceRefresh is true iff asked for or a staleToken is given', () => {
    fc.assert(
      fc.property(
        fc.option(fc.boolean(), { nil: undefined }),
        fc.option(token, { nil: undefined }),
        (forceRefresh, staleToken) => {
          const event = {
            ...(forceRefresh === undefined ? {} : { forceRefresh }),
            ...(staleToken === undefined ? {} : { staleToken }),
          };
          expect(parseVendorRequest(event)).toEqual({
            forceRefresh: forceRefresh === true || staleToken !== undefined,
            ...(staleToken === undefined ? {} : { staleToken }),
          });
        },
      ),
      { numRuns: numRuns(100) },
    );
  });

  it('no payload (null, undefined, the empty string) means {}', () => {
    for (const event of [null, undefined, '']) {
      expect(parseVendorRequest(event)).toEqual({ forceRefresh: false });
    }
  });
});
