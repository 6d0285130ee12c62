import * as z from 'zod/mini';
import { DEFAULT_API_VERSION } from '../constants.js';
import { readClientEnv } from '../env.js';
import { ConfigurationError } from '../errors.js';
import { SALESFORCE_API_VERSION } from '../salesforce-names.js';
import { formatProblems, schemaProblems } from '../schema-issues.js';
import type { TokenProvider } from '../token/caching-token-provider.js';
import { VendorTokenProvider } from '../token/vendor-token-provider.js';

/** Options of {@link SalesforceClient}; each one overrides its env var, which overrides the default. */
export interface SalesforceClientOptions {
  /**
   * Name or ARN of the token vendor Lambda this client invokes for tokens.
   * Default: env `TOKEN_VENDOR_FUNCTION`. Give this or `tokens`, not both.
   */
  tokenVendor?: string | undefined;
  /** Any token source instead of the vendor, e.g. a `VendorTokenProvider` with its own `LambdaClient`. */
  tokens?: TokenProvider | undefined;
  /** REST API version, e.g. `66.0`. Default: env `SALESFORCE_API_VERSION`, else `66.0`. */
  apiVersion?: string | undefined;
  /**
   * Epoch ms by which every call must be over; the middy middleware sets it from the Lambda
   * context. Default: no deadline (each request still times out after 60 s).
   */
  deadline?: (() => number) | undefined;
}

/** What the options resolve to: a token source and an API version. */
export interface ResolvedClientOptions {
  tokens: TokenProvider;
  apiVersion: string;
  deadline: (() => number) | undefined;
}

const isTokenProvider = (value: unknown): value is TokenProvider =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<TokenProvider>).getToken === 'function' &&
  typeof (value as Partial<TokenProvider>).refreshToken === 'function';

// Unknown keys are refused: a misspelt `tokenvendor` would otherwise fall back to the env var.
const optionsSchema = z.strictObject(
  {
    tokenVendor: z.optional(
      z.string({ error: 'must be a string' }).check(z.trim(), z.minLength(1, 'must not be empty')),
    ),
    tokens: z.optional(
      z.custom<TokenProvider>(isTokenProvider, 'must be a TokenProvider (getToken and refreshToken)'),
    ),
    apiVersion: z.optional(
      z.string({ error: 'must be a string' }).check(z.regex(SALESFORCE_API_VERSION, 'must look like 66.0')),
    ),
    deadline: z.optional(
      z.custom<() => number>((value) => typeof value === 'function', 'must be a function returning epoch ms'),
    ),
  },
  { error: 'must be an object' },
);

/**
 * Validates the options once, at construction, and fills in env vars and defaults: explicit
 * option, then env var, then default. Messages name the option at fault, never its value.
 */
export function resolveClientOptions(options: SalesforceClientOptions): ResolvedClientOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = schemaProblems(parsed.error, { root: 'options' });
    throw new ConfigurationError(`Invalid SalesforceClient options: ${formatProblems(problems)}`, {
      problems,
    });
  }
  const { tokenVendor, tokens, apiVersion, deadline } = parsed.data;
  if (tokenVendor !== undefined && tokens !== undefined) {
    throw new ConfigurationError('Invalid SalesforceClient options: give tokenVendor or tokens, not both', {
      problems: [{ field: 'tokenVendor', problem: 'must not be set together with tokens' }],
    });
  }
  // The environment is read only for what the options leave open.
  const needsEnv = apiVersion === undefined || (tokens === undefined && tokenVendor === undefined);
  const env = needsEnv ? readClientEnv() : undefined;
  return {
    tokens: tokens ?? vendorTokens(tokenVendor ?? env?.tokenVendorFunction),
    apiVersion: apiVersion ?? env?.apiVersion ?? DEFAULT_API_VERSION,
    deadline,
  };
}

function vendorTokens(functionName: string | undefined): VendorTokenProvider {
  if (functionName === undefined) {
    throw new ConfigurationError(
      'TOKEN_VENDOR_FUNCTION is required: the name or ARN of the token vendor Lambda (or pass tokenVendor or tokens to SalesforceClient)',
      { problems: [{ field: 'TOKEN_VENDOR_FUNCTION', problem: 'is required' }] },
    );
  }
  return new VendorTokenProvider({ functionName });
}
