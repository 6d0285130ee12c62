import { describe, expect, it } from 'vitest';
import { readEnv } from '../lib/env.js';
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
      /SALESFORCE_SESSION_TTL_SECONDS must be a whole number/,
    );
    expect(() => readEnv({ SALESFORCE_LOGIN_MAX_ATTEMPTS: '0' })).toThrow(
      /SALESFORCE_LOGIN_MAX_ATTEMPTS must be at least 1/,
    );
    expect(() =>
      readEnv({ SALESFORCE_SESSION_TTL_SECONDS: '600', SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS: '600' }),
    ).toThrow(/REFRESH_MARGIN_SECONDS must be smaller/);
  });
});
