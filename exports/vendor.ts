/**
 * `sf-lambda-bridge/vendor`: the minting side. A {@link LocalTokenProvider} logs in to
 * Salesforce (JWT Bearer or Client Credentials) with credentials from a source, and caches the
 * token for the life of the container; {@link createTokenVendorHandler} wraps one in the token
 * vendor's Lambda handler, so a team can deploy the vendor from its own stack.
 *
 * Credential sources: {@link fromSecretsManager} (the default, `SALESFORCE_SECRET_ID`),
 * {@link fromCredentials} (in memory), or any {@link CredentialsSource} function. Only
 * `fromSecretsManager` loads `@aws-sdk/client-secrets-manager` (an optional peer dependency):
 * a bundle that uses `fromCredentials` carries no Secrets Manager client. The handler needs
 * `@middy/core` (an optional peer dependency).
 *
 * @example
 * ```ts
 * import { createTokenVendorHandler } from 'sf-lambda-bridge/vendor';
 *
 * // Deployed with SALESFORCE_SECRET_ID naming the credentials secret.
 * export const handler = createTokenVendorHandler();
 * ```
 *
 * @packageDocumentation
 */

export {
  LocalTokenProvider,
  type LocalTokenProviderOptions,
  type ProviderLogger,
  type ProviderStats,
} from '../lib/token/token-provider.js';
export {
  createLocalTokenProvider,
  type CreateLocalTokenProviderOptions,
} from '../lib/token/create-local-token-provider.js';
export {
  fromCredentials,
  type ClientCredentialsInput,
  type CredentialsSource,
  type FetchCredentialsOptions,
  type JwtBearerCredentialsInput,
  type SalesforceCredentialsInput,
} from '../lib/secret/credentials-source.js';
export {
  fromSecretsManager,
  type SecretSourceOptions,
  type SecretsManagerSourceOptions,
} from '../lib/secret/secret-source.js';
export type {
  ClientCredentials,
  CredentialsEnv,
  JwtBearerCredentials,
  SalesforceCredentials,
  SalesforceFlow,
} from '../lib/secret/credentials.js';
export {
  parseVendorRequest,
  vendToken,
  type VendorRequest,
  type VendorResponse,
} from '../lib/token/vendor-request.js';
export {
  createTokenVendorHandler,
  type TokenVendorHandler,
  type TokenVendorHandlerOptions,
} from '../functions/shared/token-vendor-handler.js';
