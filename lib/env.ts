import * as z from 'zod/mini';
import {
  DEFAULT_LOGIN_MAX_ATTEMPTS,
  DEFAULT_LOGIN_TIMEOUT_MS,
  DEFAULT_REFRESH_MARGIN_SECONDS,
  DEFAULT_SECRET_MAX_AGE_SECONDS,
  DEFAULT_SESSION_TTL_SECONDS,
} from './constants.js';
import { ConfigurationError } from './errors.js';

/**
 * The environment variables this package reads, validated once at cold start.
 * README.md's configuration table documents the same list.
 */
export interface BridgeEnv {
  /** `SALESFORCE_SECRET_ID`: name or ARN of the credentials secret. */
  secretId: string | undefined;
  /** `SALESFORCE_SECRET_MAX_AGE` (seconds, default 300). */
  secretMaxAgeSeconds: number;
  /** `SALESFORCE_SESSION_TTL_SECONDS` (default 7200): the org's session timeout. */
  sessionTtlSeconds: number;
  /** `SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS` (default 300). */
  refreshMarginSeconds: number;
  /** `SALESFORCE_LOGIN_TIMEOUT_MS` (default 10000). */
  loginTimeoutMs: number;
  /** `SALESFORCE_LOGIN_MAX_ATTEMPTS` (default 3) for transient failures. */
  loginMaxAttempts: number;
  /** Fallbacks for a secret that is a bare PEM: `SALESFORCE_LOGIN_URL`, `SALESFORCE_CLIENT_ID`, `SALESFORCE_USERNAME`, `SALESFORCE_AUDIENCE`. */
  loginUrl: string | undefined;
  clientId: string | undefined;
  username: string | undefined;
  audience: string | undefined;
}

const optionalText = z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty')));
const integer = (min: number, max: number) =>
  z.coerce
    .number()
    .check(
      z.int('must be a whole number'),
      z.gte(min, `must be at least ${min}`),
      z.lte(max, `must be at most ${max}`),
    );

const envSchema = z.object({
  SALESFORCE_SECRET_ID: optionalText,
  SALESFORCE_SECRET_MAX_AGE: z._default(integer(0, 86_400), DEFAULT_SECRET_MAX_AGE_SECONDS),
  SALESFORCE_SESSION_TTL_SECONDS: z._default(integer(60, 86_400), DEFAULT_SESSION_TTL_SECONDS),
  SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS: z._default(integer(0, 3_600), DEFAULT_REFRESH_MARGIN_SECONDS),
  SALESFORCE_LOGIN_TIMEOUT_MS: z._default(integer(100, 120_000), DEFAULT_LOGIN_TIMEOUT_MS),
  SALESFORCE_LOGIN_MAX_ATTEMPTS: z._default(integer(1, 10), DEFAULT_LOGIN_MAX_ATTEMPTS),
  SALESFORCE_LOGIN_URL: optionalText,
  SALESFORCE_CLIENT_ID: optionalText,
  SALESFORCE_USERNAME: optionalText,
  SALESFORCE_AUDIENCE: optionalText,
});

/** Reads and validates the environment; an empty string counts as unset. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): BridgeEnv {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    // Name the variable and the rule it breaks; the value itself is not repeated.
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ');
    throw new ConfigurationError(`Invalid environment: ${problems}`);
  }
  const e = parsed.data;
  if (e.SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS >= e.SALESFORCE_SESSION_TTL_SECONDS) {
    throw new ConfigurationError(
      'Invalid environment: SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS must be smaller than SALESFORCE_SESSION_TTL_SECONDS',
    );
  }
  return {
    secretId: e.SALESFORCE_SECRET_ID,
    secretMaxAgeSeconds: e.SALESFORCE_SECRET_MAX_AGE,
    sessionTtlSeconds: e.SALESFORCE_SESSION_TTL_SECONDS,
    refreshMarginSeconds: e.SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS,
    loginTimeoutMs: e.SALESFORCE_LOGIN_TIMEOUT_MS,
    loginMaxAttempts: e.SALESFORCE_LOGIN_MAX_ATTEMPTS,
    loginUrl: e.SALESFORCE_LOGIN_URL,
    clientId: e.SALESFORCE_CLIENT_ID,
    username: e.SALESFORCE_USERNAME,
    audience: e.SALESFORCE_AUDIENCE,
  };
}
