import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { readEnv, type BridgeEnv } from '../env.js';
import { ConfigurationError } from '../errors.js';
import type { CredentialsSource } from '../secret/credentials-source.js';
import { fromSecretsManager } from '../secret/secret-source.js';
import { LocalTokenProvider, type ProviderLogger } from './token-provider.js';

/** Options of {@link createLocalTokenProvider}; every one has a default. */
export interface CreateLocalTokenProviderOptions {
  /** Where the credentials come from. Default `fromSecretsManager(SALESFORCE_SECRET_ID)`. */
  credentials?: CredentialsSource | undefined;
  /** The settings. Default: read (and validated) from `process.env` now. */
  env?: BridgeEnv | undefined;
  /** The Secrets Manager client of the default source. Default: one configured by the SDK's env vars. */
  client?: SecretsManagerClient | undefined;
  logger?: ProviderLogger | undefined;
  /** Clock in epoch milliseconds. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/**
 * Builds the token vendor's provider from the documented env vars (validated here, at cold
 * start): session TTL, refresh margin, login timeout and attempts, and, unless `credentials`
 * is given, the secret `SALESFORCE_SECRET_ID` (then required) cached for `SALESFORCE_SECRET_MAX_AGE`.
 */
export function createLocalTokenProvider(options: CreateLocalTokenProviderOptions = {}): LocalTokenProvider {
  const env = options.env ?? readEnv();
  return new LocalTokenProvider({
    credentials: options.credentials ?? secretFromEnv(env, options.client),
    sessionTtlSeconds: env.sessionTtlSeconds,
    refreshMarginSeconds: env.refreshMarginSeconds,
    request: { timeoutMs: env.loginTimeoutMs, maxAttempts: env.loginMaxAttempts },
    logger: options.logger,
    now: options.now,
  });
}

function secretFromEnv(env: BridgeEnv, client: SecretsManagerClient | undefined): CredentialsSource {
  if (!env.secretId) {
    throw new ConfigurationError(
      'SALESFORCE_SECRET_ID is required: the name or ARN of the Salesforce credentials secret',
    );
  }
  return fromSecretsManager(env.secretId, { maxAgeSeconds: env.secretMaxAgeSeconds, env, client });
}
