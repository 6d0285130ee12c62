import { createTokenVendorHandler } from './shared/token-vendor-handler.js';

/**
 * Returns `{accessToken, instanceUrl, tokenType, issuedAt, expiresAt, scope?}` to callers IAM
 * allows. Built at cold start from `SALESFORCE_SECRET_ID` and the other documented env vars; the
 * token cache lives as long as the container does.
 */
export const handler = createTokenVendorHandler();
