import { describe, expect, it } from 'vitest';
import { InvalidEventError } from '../../lib/errors.js';
import { parseVendorRequest } from '../../lib/token/vendor-request.js';

describe('parseVendorRequest', () => {
  it('reads {}, null and the refresh forms', () => {
    expect(parseVendorRequest({})).toEqual({ forceRefresh: false });
    expect(parseVendorRequest(null)).toEqual({ forceRefresh: false });
    expect(parseVendorRequest({ forceRefresh: true })).toEqual({ forceRefresh: true });
    expect(parseVendorRequest({ forceRefresh: true, staleToken: 'tok' })).toEqual({
      forceRefresh: true,
      staleToken: 'tok',
    });
    expect(parseVendorRequest({ staleToken: 'tok' })).toEqual({ forceRefresh: true, staleToken: 'tok' });
  });

  it('refuses unknown keys and wrong types, never quoting the stale token', () => {
    expect(() => parseVendorRequest({ forcerefresh: true })).toThrow(/forcerefresh: is not a known field/);
    expect(() => parseVendorRequest({ forceRefresh: 'yes' })).toThrow(/forceRefresh: must be true or false/);
    expect(() => parseVendorRequest('refresh')).toThrow(/event: must be a JSON object/);
    try {
      parseVendorRequest({ staleToken: 42, extra: '00D000000000001!secret' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError);
      expect((error as InvalidEventError).code).toBe('ERR_INVALID_EVENT');
      expect((error as Error).message).not.toContain('secret');
      expect((error as Error).message).toContain('staleToken: must be a string');
    }
  });
});
