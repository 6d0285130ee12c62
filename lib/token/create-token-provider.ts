import type { SyncEnv } from '../env.js';
import { createLocalTokenProvider } from './create-local-token-provider.js';
import type { LocalTokenProvider, ProviderLogger } from './token-provider.js';
import { VendorTokenProvider } from './vendor-token-provider.js';

/**
 * The token source for functions that call Salesforce: the token vendor when
 * `TOKEN_VENDOR_FUNCTION` is set (only the vendor's role can read the secret), else a local
 * provider minting from `SALESFORCE_SECRET_ID`.
 */
export function createTokenProvider(
  env: Pick<SyncEnv, 'tokenVendorFunction'>,
  options: { logger?: ProviderLogger | undefined } = {},
): VendorTokenProvider | LocalTokenProvider {
  if (env.tokenVendorFunction) return new VendorTokenProvider({ functionName: env.tokenVendorFunction });
  return createLocalTokenProvider(options);
}
