import { describe, expect, it } from 'vitest';
import { parseBulkError } from '../../lib/salesforce/bulk-results.js';
import { parseLimitInfo } from '../../lib/salesforce/limit-info.js';
import { parseErrorBody, retryAfterMs } from '../../lib/salesforce/rest-responses.js';

describe('Sforce-Limit-Info', () => {
  it.each([
    ['api-usage=18/5000', { used: 18, limit: 5000 }],
    ['api-usage=25/5000; per-app-api-usage=17/250(appName=sample-connected-app)', { used: 25, limit: 5000 }],
    ['api-usage=110018/100000; api-bursts=1/750', { used: 110018, limit: 100000 }],
  ])('parses %s', (header, usage) => {
    expect(parseLimitInfo(header)).toEqual(usage);
  });

  it('ignores absent or foreign headers', () => {
    expect(parseLimitInfo(null)).toBeUndefined();
    expect(parseLimitInfo('per-app-api-usage=17/250(appName=x)')).toBeUndefined();
  });
});

describe('REST error bodies', () => {
  it('reads [{message, errorCode, fields}] and drops what is not an error item', () => {
    expect(
      parseErrorBody(
        '[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"},{"x":1},{"errorCode":"E","message":"m","fields":["A",2]}]',
      ),
    ).toEqual([
      { errorCode: 'INVALID_SESSION_ID', message: 'Session expired or invalid' },
      { errorCode: 'E', message: 'm', fields: ['A'] },
    ]);
    expect(parseErrorBody('<html>Service unavailable</html>')).toEqual([]);
    expect(parseErrorBody('{"errorCode":"X","message":"single"}')).toEqual([
      { errorCode: 'X', message: 'single' },
    ]);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:05 GMT', Date.UTC(2026, 9, 21, 7, 28, 0))).toBe(5000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('Bulk API sf__Error', () => {
  it('splits status code, message and fields', () => {
    expect(parseBulkError('REQUIRED_FIELD_MISSING:Required fields are missing: [Name]:Name --')).toEqual({
      statusCode: 'REQUIRED_FIELD_MISSING',
      message: 'Required fields are missing: [Name]',
      fields: ['Name'],
    });
    expect(parseBulkError('INVALID_EMAIL_ADDRESS:Email: invalid email address: x:Email__c --')).toEqual({
      statusCode: 'INVALID_EMAIL_ADDRESS',
      message: 'Email: invalid email address: x',
      fields: ['Email__c'],
    });
    expect(parseBulkError('DUPLICATE_VALUE:Duplicate external id specified: A-1:-- ')).toMatchObject({
      statusCode: 'DUPLICATE_VALUE',
    });
    expect(parseBulkError('something odd')).toEqual({
      statusCode: 'BULK_ROW_FAILED',
      message: 'something odd',
    });
    expect(parseBulkError(undefined).statusCode).toBe('UNPROCESSED');
  });
});
