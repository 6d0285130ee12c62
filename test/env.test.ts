import { describe, expect, it } from 'vitest';
import { readClientEnv, readEnv, readS3SourceEnv, readSyncEnv } from '../lib/env.js';
import { ConfigurationError } from '../lib/errors.js';

describe('readEnv', () => {
  it('applies the documented defaults', () => {
    expect(readEnv({ SALESFORCE_SECRET_ID: 'sf/creds', SALESFORCE_USERNAME: '  ' })).toEqual({
      secretId: 'sf/creds',
      secretMaxAgeSeconds: 300,
      sessionTtlSeconds: 7200,
      refreshMarginSeconds: 300,
      loginTimeoutMs: 10_000,
      loginMaxAttempts: 3,
      loginUrl: undefined,
      clientId: undefined,
      username: undefined,
      audience: undefined,
    });
  });

  it('reads overrides', () => {
    const env = readEnv({
      SALESFORCE_SECRET_MAX_AGE: '0',
      SALESFORCE_SESSION_TTL_SECONDS: '900',
      SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS: '60',
    });
    expect(env).toMatchObject({ secretMaxAgeSeconds: 0, sessionTtlSeconds: 900, refreshMarginSeconds: 60 });
  });

  it('names the variable and the rule it breaks', () => {
    expect(() => readEnv({ SALESFORCE_SESSION_TTL_SECONDS: 'two hours' })).toThrow(ConfigurationError);
    expect(() => readEnv({ SALESFORCE_SESSION_TTL_SECONDS: '1.5' })).toThrow(
      /SALESFORCE_SESSION_TTL_SECONDS: must be a whole number/,
    );
    expect(() => readEnv({ SALESFORCE_LOGIN_MAX_ATTEMPTS: '0' })).toThrow(
      /SALESFORCE_LOGIN_MAX_ATTEMPTS: must be at least 1/,
    );
    expect(() =>
      readEnv({ SALESFORCE_SESSION_TTL_SECONDS: '600', SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS: '600' }),
    ).toThrow(/REFRESH_MARGIN_SECONDS: must be smaller/);
  });
});

describe('readSyncEnv', () => {
  it('applies the documented defaults', () => {
    expect(readSyncEnv({})).toEqual({
      apiVersion: '66.0',
      tokenVendorFunction: undefined,
      sobject: undefined,
      externalIdField: undefined,
      bulkThreshold: 2000,
      collectionsConcurrency: 3,
      apiBudgetPercent: 90,
      sourceUrl: undefined,
      sourceFormat: undefined,
      maxSourceBytes: 1024 ** 3,
      maxRecordBytes: 2 * 1024 ** 2,
      dryRun: false,
    });
    expect(
      readSyncEnv({ SYNC_DRY_RUN: '1', SYNC_SOBJECT: 'Contact', SALESFORCE_API_VERSION: '62.0' }),
    ).toMatchObject({
      dryRun: true,
      sobject: 'Contact',
      apiVersion: '62.0',
    });
  });

  it('names each bad variable without repeating its value', () => {
    const bad = () =>
      readSyncEnv({
        SALESFORCE_API_VERSION: 'v66',
        SYNC_SOBJECT: 'Account; DELETE',
        SYNC_SOURCE_URL: 'ftp://files.example.com/x',
        SYNC_DRY_RUN: 'maybe',
        SYNC_COLLECTIONS_CONCURRENCY: '50',
        SALESFORCE_API_BUDGET_PERCENT: '150',
      });
    expect(bad).toThrow(ConfigurationError);
    expect(bad).toThrow(
      /SALESFORCE_API_VERSION: must look like 66.0; SYNC_SOBJECT: must be a Salesforce API name; .*SYNC_COLLECTIONS_CONCURRENCY: must be at most 10; SALESFORCE_API_BUDGET_PERCENT: must be at most 100; SYNC_SOURCE_URL: must be s3:\/\/bucket\/key, .*\(http only for loopback hosts\); SYNC_DRY_RUN: must be true or false/,
    );
    expect(bad).not.toThrow(/DELETE|ftp:|maybe/);
  });
});

describe('readSyncEnv: the scheduled sync source', () => {
  it.each([
    's3://my-exports/accounts.ndjson.gz',
    's3://my-exports/daily/2026-01-01/',
    's3://my-exports/',
    'https://data.example.com/accounts.csv?token=abc',
    'https://user:pass@data.example.com/accounts.json',
    'http://127.0.0.1:8080/a.ndjson',
    'http://localhost/a.ndjson',
    'http://[::1]:9000/a.ndjson',
  ])('accepts %s', (url) => {
    expect(readSyncEnv({ SYNC_SOURCE_URL: url }).sourceUrl).toBe(url);
  });

  it.each([
    'http://data.example.com/a.ndjson',
    'http://10.0.0.5/a.ndjson',
    'ftp://data.example.com/a.ndjson',
    's3://Bad_Bucket/a.ndjson',
    's3://bucket/a.ndjson?versionId=1',
    's3://key:secret@bucket/a.ndjson',
    'not a url',
  ])('refuses %s without repeating it', (url) => {
    const read = () => readSyncEnv({ SYNC_SOURCE_URL: url });
    expect(read).toThrow(
      /^Invalid environment: SYNC_SOURCE_URL: must (be s3:|use https|name a valid S3 bucket|not have a query string)/,
    );
    expect(read).not.toThrow(/example|10\.0|Bad_Bucket|versionId|secret|not a url/);
  });

  it('reads the format and the limits, and names bad ones', () => {
    expect(
      readSyncEnv({
        SYNC_SOURCE_FORMAT: 'csv',
        SYNC_MAX_SOURCE_BYTES: '1000000',
        SYNC_MAX_RECORD_BYTES: '4096',
      }),
    ).toMatchObject({ sourceFormat: 'csv', maxSourceBytes: 1_000_000, maxRecordBytes: 4096 });
    expect(() => readSyncEnv({ SYNC_SOURCE_FORMAT: 'xml' })).toThrow(
      /SYNC_SOURCE_FORMAT: must be ndjson, json or csv/,
    );
    expect(() => readSyncEnv({ SYNC_MAX_SOURCE_BYTES: '0' })).toThrow(
      /SYNC_MAX_SOURCE_BYTES: must be at least 1/,
    );
    expect(() => readSyncEnv({ SYNC_MAX_RECORD_BYTES: '1.5' })).toThrow(
      /SYNC_MAX_RECORD_BYTES: must be a whole number/,
    );
  });

  it('uses path-style S3 addressing when AWS_ENDPOINT_URL_S3 is set', () => {
    expect(readS3SourceEnv({})).toEqual({ forcePathStyle: false });
    expect(readS3SourceEnv({ AWS_ENDPOINT_URL_S3: ' ' })).toEqual({ forcePathStyle: false });
    expect(readS3SourceEnv({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:4569' })).toEqual({
      forcePathStyle: true,
    });
  });
});

describe('readClientEnv', () => {
  it("reads only a caller's settings, with the documented default", () => {
    expect(readClientEnv({})).toEqual({ apiVersion: '66.0', tokenVendorFunction: undefined });
    expect(
      readClientEnv({
        TOKEN_VENDOR_FUNCTION: ' sf-token-vendor ',
        SALESFORCE_API_VERSION: '64.0',
        // The sync functions' settings are not a caller's concern, even when invalid.
        SYNC_BULK_THRESHOLD: 'many',
      }),
    ).toEqual({ apiVersion: '64.0', tokenVendorFunction: 'sf-token-vendor' });
  });

  it('names a bad API version without repeating it', () => {
    expect(() => readClientEnv({ SALESFORCE_API_VERSION: 'v64-x' })).toThrow(
      /SALESFORCE_API_VERSION: must look like 66\.0$/,
    );
  });
});
