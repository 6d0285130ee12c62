import * as z from 'zod/mini';
import { InvalidEventError } from '../errors.js';
import type { SalesforceToken } from './salesforce-token.js';
import type { TokenProvider } from './token-provider.js';

/** The token vendor's event: `{}`, or `{"forceRefresh": true, "staleToken"?: "..."}`. */
export interface VendorRequest {
  forceRefresh: boolean;
  /** The token Salesforce refused; only if it is still the cached one is a new login made. */
  staleToken?: string;
}

/** The token vendor's response: {@link SalesforceToken}, times in epoch milliseconds. */
export type VendorResponse = SalesforceToken;

const requestSchema = z.strictObject({
  forceRefresh: z.optional(z.boolean({ error: 'must be true or false' })),
  staleToken: z.optional(z.string({ error: 'must be a string' }).check(z.minLength(1, 'must not be empty'))),
});

/**
 * Validates the event. Unknown keys are refused (a misspelt `forcerefresh` would otherwise
 * silently vend the cached token); a `staleToken` alone implies a refresh. No message quotes
 * a value: `staleToken` is a credential.
 */
export function parseVendorRequest(event: unknown): VendorRequest {
  // No payload arrives as null, or as '' from `serverless invoke local`: both mean `{}`.
  const parsed = requestSchema.safeParse(event === '' || event == null ? {} : event);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field(s) ${issue.keys.join(', ')}`
        : `${issue.path.join('.') || 'event'} ${issue.path.length ? issue.message : 'must be a JSON object'}`,
    );
    throw new InvalidEventError(
      `Invalid token vendor event: ${problems.join('; ')}. Expected {} or {"forceRefresh": true, "staleToken"?: string}`,
    );
  }
  const { forceRefresh, staleToken } = parsed.data;
  return {
    forceRefresh: forceRefresh === true || staleToken !== undefined,
    ...(staleToken ? { staleToken } : {}),
  };
}

/** Answers one vendor request from the provider. */
export async function vendToken(provider: TokenProvider, request: VendorRequest): Promise<VendorResponse> {
  const token = request.forceRefresh
    ? await provider.refreshToken(request.staleToken)
    : await provider.getToken();
  return { ...token };
}
