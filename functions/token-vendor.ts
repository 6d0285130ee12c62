import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createLocalTokenProvider } from '../lib/token/token-provider.js';
import { parseVendorRequest, vendToken, type VendorResponse } from '../lib/token/vendor-request.js';
import { logErrors } from './shared/log-errors.js';
import { createLogger } from './shared/logger.js';

// Built once per container: the token cache lives as long as the container does.
const logger = createLogger('sf-token-vendor');
const tokens = createLocalTokenProvider({ logger });

async function vend(event: unknown): Promise<VendorResponse> {
  const response = await vendToken(tokens, parseVendorRequest(event));
  // Debug: at INFO, a line per warm call would cost more than the call itself (npm run bench).
  logger.debug('token vended', { expiresAt: response.expiresAt, instanceUrl: response.instanceUrl });
  return response;
}

/** Returns `{accessToken, instanceUrl, tokenType, issuedAt, expiresAt, scope?}` to callers IAM allows. */
export const handler = middy(vend)
  .use(injectLambdaContext(logger))
  .use(logErrors(logger, 'token vending failed'));
