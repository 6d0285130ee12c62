import * as z from 'zod/mini';
import { InvalidEventError } from '../errors.js';
import { describeIssues } from '../schema-issues.js';
import type { TokenCallOptions, TokenProvider } from './caching-token-provider.js';
import type { SalesforceToken } from './salesforce-token.js';

/** The token vendor's event: `{}`, or `{"forceRefresh": true, "staleToken"?: "..."}`. */
export interface VendorRequest {
  forceRefresh: boolean;
  /** The token Salesforce refused; only if it is still the cached one is a new login made. */
  staleToken?: string;
}

/** The token vendor's response: {@link SalesforceToken}, times in epoch milliseconds. */
export type VendorResponse = SalesforceToken;

const requestSchema = z.strictObject(
  {
    forceRefresh: z.optional(z.boolean({ error: 'must be true or false' })),
    staleToken: z.optional(
      z.string({ error: 'must be a string' }).check(z.minLength(1, 'must not be empty')),
    ),
  },
  { error: 'must be a JSON object' },
);

/**
 * Validates the event. Unknown keys are refused (a misspelt `forcerefresh` would otherwise
 * silently vend the cached token); a `staleToken` alone implies a refresh. No message quotes
 * a value: `staleToken` is a credential.
 */
export function parseVendorRequest(event: unknown): VendorRequest {
  // No payload arrives as null, or as '' from `serverless invoke local`: both mean `{}`.
  const parsed = requestSchema.safeParse(event === '' || event == null ? {} : event);
  if (!parsed.success) {
    throw new InvalidEventError(
      `Invalid token vendor event: ${describeIssues(parsed.error, { root: 'event' })}. Expected {} or {"forceRefresh": true, "staleToken"?: string}`,
    );
  }
  const { forceRefresh, staleToken } = parsed.data;
  // The request carries `staleToken` only when the event did: callers test for the key.
  return staleToken === undefined
    ? { forceRefresh: forceRefresh === true }
    : { forceRefresh: true, staleToken };
}

/**
 * Answers one vendor request from the provider; `options.deadline` (the vendor invocation's own)
 * bounds a login it has to make.
 */
export async function vendToken(
  provider: TokenProvider,
  request: VendorRequest,
  options?: TokenCallOptions,
): Promise<VendorResponse> {
  const token = request.forceRefresh
    ? await provider.refreshToken(request.staleToken, options)
    : await provider.getToken(options);
  return { ...token };
}
