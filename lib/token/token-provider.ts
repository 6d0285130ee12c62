import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { TokenRequestOptions } from '../auth/oauth-client.js';
import { DEFAULT_REFRESH_MARGIN_SECONDS, DEFAULT_SESSION_TTL_SECONDS } from '../constants.js';
import { readEnv, type BridgeEnv } from '../env.js';
import { ConfigurationError, SalesforceAuthError } from '../errors.js';
import type { SalesforceCredentials } from '../secret/credentials.js';
import { SecretSource } from '../secret/secret-source.js';
import { CachingTokenProvider } from './caching-token-provider.js';
import { login } from './salesforce-login.js';
import type { SalesforceToken } from './salesforce-token.js';

/** What the provider reports through (never a token or key): a Powertools Logger will do. */
export type ProviderLogger = Pick<Logger, 'info' | 'warn'>;

export interface LocalTokenProviderOptions {
  secretSource: SecretSource;
  /** Assumed token lifetime (`SALESFORCE_SESSION_TTL_SECONDS`). Default 7200. */
  sessionTtlSeconds?: number | undefined;
  /** Refresh this long before the assumed expiry (`SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS`). Default 300. */
  refreshMarginSeconds?: number | undefined;
  now?: (() => number) | undefined;
  request?: TokenRequestOptions | undefined;
  logger?: ProviderLogger | undefined;
}

export interface ProviderStats {
  /** Successful logins. */
  logins: number;
  /** Logins that ended in an error (after retries). */
  loginFailures: number;
}

/**
 * Mints tokens from the credentials secret and caches them in module scope. When Salesforce
 * rejects the credentials (`invalid_grant`, `invalid_client`, `invalid_client_id`), the secret is
 * refetched once, bypassing its cache, and if it changed (rotated) the login is retried once:
 * at most two token requests per failure, and none repeated with the same rejected credentials.
 */
export class LocalTokenProvider extends CachingTokenProvider {
  readonly stats: ProviderStats;
  readonly secretSource: SecretSource;

  constructor(options: LocalTokenProviderOptions) {
    const stats: ProviderStats = { logins: 0, loginFailures: 0 };
    super(() => loginFromSecret(options, stats), {
      refreshMarginMs: (options.refreshMarginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS) * 1000,
      now: options.now,
      onRefreshFailed: (error) => {
        options.logger?.warn('early token refresh failed; serving the cached token until it expires', {
          error: describe(error),
        });
      },
    });
    this.stats = stats;
    this.secretSource = options.secretSource;
  }
}

async function loginFromSecret(
  options: LocalTokenProviderOptions,
  stats: ProviderStats,
): Promise<SalesforceToken> {
  const { secretSource } = options;
  const credentials = await secretSource.getCredentials();
  try {
    return await loginCounted(credentials, options, stats);
  } catch (error) {
    if (!isCredentialRejection(error)) throw error;
    const refetched = await secretSource.getCredentials({ forceFetch: true });
    // Same secret text gives the same object: nothing was rotated, and retrying would only
    // repeat the rejection and spend one of the user's hourly logins.
    if (refetched === credentials) throw error;
    options.logger?.info('credentials were rejected and the secret has changed; retrying the login once', {
      secretId: secretSource.secretId,
    });
    return loginCounted(refetched, options, stats);
  }
}

async function loginCounted(
  credentials: SalesforceCredentials,
  options: LocalTokenProviderOptions,
  stats: ProviderStats,
): Promise<SalesforceToken> {
  const started = Date.now();
  try {
    const token = await login(credentials, {
      sessionTtlSeconds: options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS,
      now: options.now,
      request: options.request,
    });
    stats.logins += 1;
    options.logger?.info('logged in to Salesforce', {
      flow: credentials.flow,
      instanceUrl: token.instanceUrl,
      durationMs: Date.now() - started,
    });
    return token;
  } catch (error) {
    stats.loginFailures += 1;
    throw error;
  }
}

/** Rejections that a rotated secret could cure; `login rate exceeded` is not one of them. */
function isCredentialRejection(error: unknown): error is SalesforceAuthError {
  return (
    error instanceof SalesforceAuthError &&
    ['invalid_grant', 'invalid_client', 'invalid_client_id'].includes(error.error) &&
    error.errorDescription.toLowerCase() !== 'login rate exceeded'
  );
}

function describe(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { name: error.name, code: (error as { code?: unknown }).code, message: error.message }
    : {};
}

/**
 * Builds the provider from the documented env vars (validated here, at cold start).
 * Requires `SALESFORCE_SECRET_ID`.
 */
export function createLocalTokenProvider(
  options: {
    env?: BridgeEnv | undefined;
    client?: SecretsManagerClient | undefined;
    logger?: ProviderLogger | undefined;
    now?: (() => number) | undefined;
  } = {},
): LocalTokenProvider {
  const env = options.env ?? readEnv();
  if (!env.secretId) {
    throw new ConfigurationError(
      'SALESFORCE_SECRET_ID is required: the name or ARN of the Salesforce credentials secret',
    );
  }
  return new LocalTokenProvider({
    secretSource: new SecretSource({
      secretId: env.secretId,
      maxAgeSeconds: env.secretMaxAgeSeconds,
      env,
      client: options.client,
    }),
    sessionTtlSeconds: env.sessionTtlSeconds,
    refreshMarginSeconds: env.refreshMarginSeconds,
    request: { timeoutMs: env.loginTimeoutMs, maxAttempts: env.loginMaxAttempts },
    logger: options.logger,
    now: options.now,
  });
}
