import type { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';
import { DEFAULT_TOKEN_VENDOR_SERVICE_NAME } from '../../lib/constants.js';
import { ConfigurationError } from '../../lib/errors.js';
import type { CredentialsSource } from '../../lib/secret/credentials-source.js';
import type { TokenProvider } from '../../lib/token/caching-token-provider.js';
import { createLocalTokenProvider } from '../../lib/token/create-local-token-provider.js';
import { parseVendorRequest, vendToken, type VendorResponse } from '../../lib/token/vendor-request.js';
import { logErrors } from './log-errors.js';
import { createLogger } from './logger.js';

/** Options of {@link createTokenVendorHandler}; every one has a default. */
export interface TokenVendorHandlerOptions {
  /**
   * Where the credentials come from. Default `fromSecretsManager(SALESFORCE_SECRET_ID)`, cached
   * for `SALESFORCE_SECRET_MAX_AGE`. Not together with `tokens`.
   */
  credentials?: CredentialsSource | undefined;
  /**
   * The provider that answers, instead of a `LocalTokenProvider` built from the env vars
   * (`SALESFORCE_SESSION_TTL_SECONDS`, ...) and `credentials`. Not together with `credentials`.
   */
  tokens?: TokenProvider | undefined;
  /**
   * The Powertools Logger (give it a redacting `jsonReplacerFn`: it logs errors). Default: one
   * that redacts tokens and keys, service `sf-token-vendor` unless `POWERTOOLS_SERVICE_NAME` is set.
   */
  logger?: Logger | undefined;
}

/** The handler {@link createTokenVendorHandler} returns: event `{}` or a refresh, a token back. */
export type TokenVendorHandler = MiddyfiedHandler<unknown, VendorResponse>;

/**
 * The token vendor's Lambda handler, for a team deploying the vendor from its own stack. Call
 * it once, at module scope: the provider it builds (and its token cache) then lives as long as
 * the container. Settings are validated here, at cold start. The event is `{}` or
 * `{"forceRefresh": true, "staleToken"?: "..."}`; the answer `{accessToken, instanceUrl,
 * tokenType, issuedAt, expiresAt, scope?}`. Errors are logged once (never a token or key) and
 * rethrown, so the invocation fails.
 *
 * @example
 * ```ts
 * // functions/token-vendor.ts, deployed with SALESFORCE_SECRET_ID set:
 * import { createTokenVendorHandler } from 'sf-lambda-bridge/vendor';
 *
 * export const handler = createTokenVendorHandler();
 * ```
 */
export function createTokenVendorHandler(options: TokenVendorHandlerOptions = {}): TokenVendorHandler {
  if (options.tokens && options.credentials) {
    throw new ConfigurationError(
      'createTokenVendorHandler takes either tokens or credentials: credentials build the default provider',
    );
  }
  const logger = options.logger ?? createLogger(DEFAULT_TOKEN_VENDOR_SERVICE_NAME);
  const tokens = options.tokens ?? createLocalTokenProvider({ credentials: options.credentials, logger });

  async function vend(event: unknown, context: Context): Promise<VendorResponse> {
    // A login that would outlast this invocation is abandoned first, so the caller gets a typed
    // error instead of the vendor's timeout.
    const deadline = Date.now() + context.getRemainingTimeInMillis();
    const response = await vendToken(tokens, parseVendorRequest(event), { deadline });
    // Debug: at INFO, a line per warm call would cost more than the call itself (npm run bench).
    logger.debug('token vended', { expiresAt: response.expiresAt, instanceUrl: response.instanceUrl });
    return response;
  }

  return middy<unknown, VendorResponse>(vend)
    .use(injectLambdaContext(logger))
    .use(logErrors(logger, 'token vending failed'));
}
