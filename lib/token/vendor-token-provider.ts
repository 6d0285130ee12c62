import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { VENDOR_CALLER_REFRESH_MARGIN_MS } from '../constants.js';
import { DeadlineExceededError, TokenVendorError } from '../errors.js';
import { tryParseJson } from '../json.js';
import { CachingTokenProvider, type LoadOptions, type LoadReason } from './caching-token-provider.js';
import type { SalesforceToken } from './salesforce-token.js';

export interface VendorTokenProviderOptions {
  /** Name or ARN of the token vendor (`TOKEN_VENDOR_FUNCTION`). */
  functionName: string;
  /** Default: a client configured by the SDK's env vars (`AWS_ENDPOINT_URL_LAMBDA`, ...). */
  client?: LambdaClient | undefined;
  now?: (() => number) | undefined;
}

/**
 * Gets tokens from the token vendor Lambda (RequestResponse invoke) instead of holding the key:
 * only the vendor's role may read the secret. Tokens are cached here as well, so a warm
 * container invokes the vendor once per token lifetime; a refused token is reported back as
 * `staleToken` so the vendor logs in once for all its callers. Given a `deadline`
 * (`getToken({ deadline })`, as `SalesforceClient` does), a caller stops waiting before it, and
 * the invoke it started is aborted then (`DeadlineExceededError`): a hung vendor never keeps the
 * caller's Lambda past its time.
 */
export class VendorTokenProvider extends CachingTokenProvider {
  readonly #vendor: { invocations: number };

  constructor(options: VendorTokenProviderOptions) {
    const vendor = { invocations: 0 };
    const client = options.client ?? new LambdaClient({});
    super(
      (reason, load) => {
        vendor.invocations += 1;
        return invokeVendor(client, options.functionName, reason, load);
      },
      { refreshMarginMs: VENDOR_CALLER_REFRESH_MARGIN_MS, now: options.now },
    );
    this.#vendor = vendor;
  }

  /** Invocations of the vendor so far. */
  get invocations(): number {
    return this.#vendor.invocations;
  }
}

async function invokeVendor(
  client: LambdaClient,
  functionName: string,
  reason: LoadReason,
  { signal }: LoadOptions,
): Promise<SalesforceToken> {
  // The vendor's event (see vendor-request.ts): `{}`, or a refresh naming the refused token.
  const event = reason.refresh ? { forceRefresh: true, staleToken: reason.staleToken } : {};
  const vendor = `Token vendor "${functionName}"`;
  let output;
  try {
    output = await client.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
      // Aborting closes the connection and stops the SDK's retries; the vendor may still finish
      // (and cache its token for the next caller), but nobody here waits for it.
      signal && { abortSignal: signal },
    );
  } catch (error) {
    // Out of time, not a broken vendor: the same code the caller's own wait ends with.
    if (signal?.aborted) {
      throw new DeadlineExceededError(
        `${vendor} did not answer before the deadline; the invoke was abandoned`,
        undefined,
        { cause: error },
      );
    }
    const name = error instanceof Error ? error.name : 'Error';
    throw new TokenVendorError(`Could not invoke token vendor "${functionName}": ${name}`, undefined, {
      cause: error,
    });
  }
  const payload = tryParseJson(output.Payload ? new TextDecoder().decode(output.Payload) : '');
  if (output.FunctionError) {
    // The vendor's own errors are secret-free by construction; its type and message are passed on.
    const { errorType, errorMessage } = (payload ?? {}) as { errorType?: unknown; errorMessage?: unknown };
    const type = typeof errorType === 'string' ? errorType : output.FunctionError;
    const message = typeof errorMessage === 'string' ? errorMessage : 'no error message';
    throw new TokenVendorError(`${vendor} failed: ${type}: ${message}`, {
      vendorErrorType: type,
    });
  }
  const token = asToken(payload);
  if (!token) {
    throw new TokenVendorError(`${vendor} answered without a valid token response`);
  }
  return token;
}

/**
 * The vendor's answer as a token, when it is one (see vendor-request.ts): a non-empty access token,
 * an http(s) instance URL, finite times. Only the token's own fields are kept.
 */
function asToken(payload: unknown): SalesforceToken | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { accessToken, instanceUrl, tokenType, issuedAt, expiresAt, scope } = payload as Record<
    string,
    unknown
  >;
  if (
    typeof accessToken !== 'string' ||
    accessToken === '' ||
    typeof instanceUrl !== 'string' ||
    !isHttpUrl(instanceUrl) ||
    typeof tokenType !== 'string' ||
    !Number.isFinite(issuedAt) ||
    !Number.isFinite(expiresAt) ||
    (scope !== undefined && typeof scope !== 'string')
  ) {
    return undefined;
  }
  const token: SalesforceToken = {
    accessToken,
    instanceUrl,
    tokenType,
    issuedAt: issuedAt as number,
    expiresAt: expiresAt as number,
  };
  if (scope !== undefined) token.scope = scope;
  return token;
}

function isHttpUrl(text: string): boolean {
  try {
    return /^https?:$/.test(new URL(text).protocol);
  } catch {
    return false;
  }
}
