import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import { createLogger } from '../lib/logging/logger.js';
import { createLocalTokenProvider } from '../lib/token/token-provider.js';
import { parseVendorRequest, vendToken, type VendorResponse } from '../lib/token/vendor-request.js';

// Built once per container: the token cache lives as long as the container does.
const logger = createLogger('sf-token-vendor');
const tokens = createLocalTokenProvider({ logger });

async function vend(event: unknown): Promise<VendorResponse> {
  try {
    const response = await vendToken(tokens, parseVendorRequest(event));
    // Debug: at INFO, a line per warm call would cost more than the call itself (npm run bench).
    logger.debug('token vended', { expiresAt: response.expiresAt, instanceUrl: response.instanceUrl });
    return response;
  } catch (error) {
    logger.error('token vending failed', error as Error);
    throw error;
  }
}

/** Returns `{accessToken, instanceUrl, tokenType, issuedAt, expiresAt, scope?}` to callers IAM allows. */
export const handler = middy(vend).use(injectLambdaContext(logger));
