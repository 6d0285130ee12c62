import type { Logger } from '@aws-lambda-powertools/logger';
import type { TokenRequestOptions } from '../auth/oauth-client.js';
import { DEFAULT_REFRESH_MARGIN_SECONDS, DEFAULT_SESSION_TTL_SECONDS } from '../constants.js';
import { ConfigurationError, SalesforceAuthError } from '../errors.js';
import type { CredentialsSource } from '../secret/credentials-source.js';
import type { SalesforceCredentials } from '../secret/credentials.js';
import { CachingTokenProvider } from './caching-token-provider.js';
import { login } from './salesforce-login.js';
import type { SalesforceToken } from './salesforce-token.js';

/** What the provider reports through (never a token or key): a Powertools Logger will do. */
export type ProviderLogger = Pick<Logger, 'info' | 'warn'>;

export interface LocalTokenProviderOptions {
  /**
   * Where the credentials come from: `fromSecretsManager(secretId)`, `fromCredentials({...})`,
   * or any {@link CredentialsSource}. Required.
   */
  credentials: CredentialsSource;
  /** Assumed token lifetime (`SALESFORCE_SESSION_TTL_SECONDS`). Default 7200. */
  sessionTtlSeconds?: number | undefined;
  /** Refresh this long before the assumed expiry (`SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS`). Default 300. */
  refreshMarginSeconds?: number | undefined;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: (() => number) | undefined;
  /** Timeout and attempts of one login. Default 10 s, 3 attempts. */
  request?: TokenRequestOptions | undefined;
  /** Where logins and refetches are reported (never a token or key). Default: nowhere. */
  logger?: ProviderLogger | undefined;
}

export interface ProviderStats {
  /** Successful logins. */
  logins: number;
  /** Logins that ended in an error (after retries). */
  loginFailures: number;
}

/**
 * Mints tokens from credentials and caches them in module scope (the token vendor's provider).
 * When Salesforce rejects the credentials (`invalid_grant`, `invalid_client`,
 * `invalid_client_id`), the source is asked again with `forceFetch`, bypassing its cache, and if
 * it returned new credentials (a rotated secret) the login is retried once: at most two token
 * requests per failure, and none repeated with the same rejected credentials.
 *
 * This module imports no AWS SDK: with `fromCredentials`, a bundle carries no Secrets Manager
 * client.
 *
 * @example
 * ```ts
 * import { fromSecretsManager, LocalTokenProvider } from 'sf-lambda-bridge/vendor';
 *
 * const tokens = new LocalTokenProvider({ credentials: fromSecretsManager('prod/salesforce') });
 * const { accessToken, instanceUrl } = await tokens.getToken();
 * ```
 */
export class LocalTokenProvider extends CachingTokenProvider {
  readonly stats: ProviderStats;

  constructor(options: LocalTokenProviderOptions) {
    if (typeof options.credentials !== 'function') {
      throw new ConfigurationError(
        'LocalTokenProvider needs a credentials source: fromSecretsManager(secretId), fromCredentials({...}) or a function',
      );
    }
    const stats: ProviderStats = { logins: 0, loginFailures: 0 };
    super((_reason, { signal }) => loginFromSource(options, stats, signal), {
      refreshMarginMs: (options.refreshMarginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS) * 1000,
      now: options.now,
      onRefreshFailed: (error) => {
        options.logger?.warn('early token refresh failed; serving the cached token until it expires', {
          error: describe(error),
        });
      },
    });
    this.stats = stats;
  }
}

async function loginFromSource(
  options: LocalTokenProviderOptions,
  stats: ProviderStats,
  signal: AbortSignal | undefined,
): Promise<SalesforceToken> {
  const source = options.credentials;
  const credentials = await source();
  try {
    return await loginCounted(credentials, options, stats, signal);
  } catch (error) {
    if (!isCredentialRejection(error)) throw error;
    const refetched = await source({ forceFetch: true });
    // The same object back means nothing was rotated (a secret whose text is unchanged parses to
    // the same object), and retrying would only repeat the rejection and spend one of the
    // user's hourly logins.
    if (refetched === credentials) throw error;
    options.logger?.info('credentials were rejected and the source has new ones; retrying the login once', {
      credentialsSource: source.description,
    });
    return loginCounted(refetched, options, stats, signal);
  }
}

async function loginCounted(
  credentials: SalesforceCredentials,
  options: LocalTokenProviderOptions,
  stats: ProviderStats,
  signal: AbortSignal | undefined,
): Promise<SalesforceToken> {
  const started = Date.now();
  try {
    const token = await login(credentials, {
      sessionTtlSeconds: options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS,
      now: options.now,
      request: options.request,
      signal,
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
