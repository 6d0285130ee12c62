import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import * as z from 'zod/mini';
import { TokenVendorError } from '../errors.js';
import { tryParseJson } from '../try-parse-json.js';
import type { SalesforceToken } from './salesforce-token.js';
import { TokenCache, type LoadReason } from './token-cache.js';
import type { TokenProvider } from './token-provider.js';

/**
 * Replace the vendor's token this long before its expiry. Smaller than the vendor's own margin
 * (300 s by default), so by the time a caller asks again, the vendor has already refreshed.
 */
const CALLER_REFRESH_MARGIN_MS = 60_000;

const vendorResponse = z.object({
  accessToken: z.string().check(z.minLength(1)),
  instanceUrl: z.url(),
  tokenType: z.string(),
  issuedAt: z.number(),
  expiresAt: z.number(),
  scope: z.optional(z.string()),
});

export interface VendorTokenProviderOptions {
  /** Name or ARN of the token vendor (`TOKEN_VENDOR_FUNCTION`). */
  functionName: string;
  /** Default: a client configured by the SDK's env vars (`AWS_ENDPOINT_URL_LAMBDA`, ...). */
  client?: LambdaClient;
  now?: () => number;
}

/**
 * Gets tokens from the token vendor Lambda (RequestResponse invoke) instead of holding the key:
 * only the vendor's role may read the secret. Tokens are cached here as well, so a warm
 * container invokes the vendor once per token lifetime; a refused token is reported back as
 * `staleToken` so the vendor logs in once for all its callers.
 */
export class VendorTokenProvider implements TokenProvider {
  /** Invocations of the vendor so far. */
  invocations = 0;
  readonly #cache: TokenCache;
  readonly #client: LambdaClient;
  readonly #functionName: string;

  constructor(options: VendorTokenProviderOptions) {
    this.#functionName = options.functionName;
    this.#client = options.client ?? new LambdaClient({});
    this.#cache = new TokenCache((reason) => this.#invoke(reason), {
      refreshMarginMs: CALLER_REFRESH_MARGIN_MS,
      ...(options.now ? { now: options.now } : {}),
    });
  }

  getToken(): Promise<SalesforceToken> {
    return this.#cache.get();
  }

  refreshToken(staleToken?: string): Promise<SalesforceToken> {
    return this.#cache.refresh(staleToken);
  }

  async #invoke(reason: LoadReason): Promise<SalesforceToken> {
    const event = reason.refresh
      ? { forceRefresh: true, ...(reason.staleToken ? { staleToken: reason.staleToken } : {}) }
      : {};
    this.invocations += 1;
    let output;
    try {
      output = await this.#client.send(
        new InvokeCommand({
          FunctionName: this.#functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
    } catch (error) {
      const name = error instanceof Error ? error.name : 'Error';
      throw new TokenVendorError(
        `Could not invoke token vendor "${this.#functionName}": ${name}`,
        undefined,
        { cause: error },
      );
    }
    const payload = tryParseJson(output.Payload ? new TextDecoder().decode(output.Payload) : '');
    if (output.FunctionError) {
      // The vendor's own errors are secret-free by construction; its type and message are passed on.
      const { errorType, errorMessage } = (payload ?? {}) as { errorType?: unknown; errorMessage?: unknown };
      const type = typeof errorType === 'string' ? errorType : output.FunctionError;
      const message = typeof errorMessage === 'string' ? errorMessage : 'no error message';
      throw new TokenVendorError(`Token vendor "${this.#functionName}" failed: ${type}: ${message}`, type);
    }
    const token = vendorResponse.safeParse(payload);
    if (!token.success) {
      throw new TokenVendorError(
        `Token vendor "${this.#functionName}" answered without a valid token response`,
      );
    }
    const { scope, ...rest } = token.data;
    return { ...rest, ...(scope === undefined ? {} : { scope }) };
  }
}
