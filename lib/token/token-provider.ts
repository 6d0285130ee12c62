import type { Logger } from '@aws-lambda-powertools/logger';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { login } from '../auth/salesforce-login.js';
import { DEFAULT_REFRESH_MARGIN_SECONDS, DEFAULT_SESSION_TTL_SECONDS } from '../constants.js';
import type { TokenRequestOptions } from '../auth/oauth-client.js';
import { readEnv, type BridgeEnv } from '../env.js';
import { ConfigurationError, SalesforceAuthError } from '../errors.js';
import type { SalesforceCredentials } from '../secret/credentials.js';
import { SecretSource } from '../secret/secret-source.js';
import type { SalesforceToken } from './salesforce-token.js';
import { TokenCache } from './token-cache.js';

/** Anything that hands out Salesforce tokens: minted locally, or asked of the token vendor. */
export interface TokenProvider {
  /** A valid token, cached across calls and warm invocations. */
  getToken(): Promise<SalesforceToken>;
  /** A new token; pass the token Salesforce refused so concurrent reports cause one login. */
  refreshToken(staleToken?: string): Promise<SalesforceToken>;
}

/** What the provider reports through (never a token or key): a Powertools Logger will do. */
export type ProviderLogger = Pick<Logger, 'info' | 'warn'>;

export interface LocalTokenProviderOptions {
  secretSource: SecretSource;
  /** Assumed token lifetime (`SALESFORCE_SESSION_TTL_SECONDS`). Default 7200. */
  sessionTtlSeconds?: number;
  /** Refresh this long before the assumed expiry (`SALESFORCE_TOKEN_REFRESH_MARGIN_SECONDS`). Default 300. */
  refreshMarginSeconds?: number;
  now?: () => number;
  request?: TokenRequestOptions;
  logger?: ProviderLogger;
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
export class LocalTokenProvider implements TokenProvider {
  readonly stats: ProviderStats = { logins: 0, loginFailures: 0 };
  readonly secretSource: SecretSource;
  readonly #cache: TokenCache;
  readonly #options: LocalTokenProviderOptions;

  constructor(options: LocalTokenProviderOptions) {
    this.#options = options;
    this.secretSource = options.secretSource;
    this.#cache = new TokenCache(() => this.#login(), {
      refreshMarginMs: (options.refreshMarginSeconds ?? DEFAULT_REFRESH_MARGIN_SECONDS) * 1000,
      ...(options.now ? { now: options.now } : {}),
      onRefreshFailed: (error) => {
        options.logger?.warn('early token refresh failed; serving the cached token until it expires', {
          error: describe(error),
        });
      },
    });
  }

  getToken(): Promise<SalesforceToken> {
    return this.#cache.get();
  }

  refreshToken(staleToken?: string): Promise<SalesforceToken> {
    return this.#cache.refresh(staleToken);
  }

  async #login(): Promise<SalesforceToken> {
    const credentials = await this.secretSource.getCredentials();
    try {
      return await this.#loginWith(credentials);
    } catch (error) {
      if (!isCredentialRejection(error)) throw error;
      const refetched = await this.secretSource.getCredentials({ forceFetch: true });
      // Same secret text gives the same object: nothing was rotated, and retrying would only
      // repeat the rejection and spend one of the user's hourly logins.
      if (refetched === credentials) throw error;
      this.#options.logger?.info(
        'credentials were rejected and the secret has changed; retrying the login once',
        {
          secretId: this.secretSource.secretId,
        },
      );
      return this.#loginWith(refetched);
    }
  }

  async #loginWith(credentials: SalesforceCredentials): Promise<SalesforceToken> {
    const started = Date.now();
    try {
      const token = await login(credentials, {
        sessionTtlSeconds: this.#options.sessionTtlSeconds ?? DEFAULT_SESSION_TTL_SECONDS,
        ...(this.#options.now ? { now: this.#options.now } : {}),
        ...(this.#options.request ? { request: this.#options.request } : {}),
      });
      this.stats.logins += 1;
      this.#options.logger?.info('logged in to Salesforce', {
        flow: credentials.flow,
        instanceUrl: token.instanceUrl,
        durationMs: Date.now() - started,
      });
      return token;
    } catch (error) {
      this.stats.loginFailures += 1;
      throw error;
    }
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
    env?: BridgeEnv;
    client?: SecretsManagerClient;
    logger?: ProviderLogger;
    now?: () => number;
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
      ...(options.client ? { client: options.client } : {}),
    }),
    sessionTtlSeconds: env.sessionTtlSeconds,
    refreshMarginSeconds: env.refreshMarginSeconds,
    request: { timeoutMs: env.loginTimeoutMs, maxAttempts: env.loginMaxAttempts },
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
}
