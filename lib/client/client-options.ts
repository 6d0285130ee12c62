import { DEFAULT_API_VERSION } from '../constants.js';
import { readClientEnv } from '../env.js';
import { ConfigurationError, invalidConfiguration } from '../errors.js';
import { SALESFORCE_API_VERSION } from '../salesforce-names.js';
import { FIELD_NAME, UNNAMED_KEY, type FieldProblem } from '../schema-issues.js';
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

const OPTIONS = 'SalesforceClient options';

const isTokenProvider = (value: unknown): value is TokenProvider =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as Partial<TokenProvider>).getToken === 'function' &&
  typeof (value as Partial<TokenProvider>).refreshToken === 'function';

/** Each option's rule: the problem with a value that is set (not undefined), if any. */
const RULES: Record<keyof SalesforceClientOptions, (value: unknown) => string | undefined> = {
  tokenVendor: (value) =>
    typeof value !== 'string' ? 'must be a string' : value.trim() === '' ? 'must not be empty' : undefined,
  tokens: (value) =>
    isTokenProvider(value) ? undefined : 'must be a TokenProvider (getToken and refreshToken)',
  apiVersion: (value) =>
    typeof value !== 'string'
      ? 'must be a string'
      : SALESFORCE_API_VERSION.test(value)
        ? undefined
        : 'must look like 66.0',
  deadline: (value) => (typeof value === 'function' ? undefined : 'must be a function returning epoch ms'),
};

/**
 * Validates the options once, at construction, and fills in env vars and defaults: explicit
 * option, then env var, then default. Unknown keys are refused (a misspelt `tokenvendor` would
 * otherwise fall back to the env var). Messages name the option at fault, never its value.
 */
export function resolveClientOptions(options: SalesforceClientOptions): ResolvedClientOptions {
  const problems = optionProblems(options);
  if (problems.length > 0) {
    throw invalidConfiguration(OPTIONS, problems);
  }
  const { tokens, apiVersion, deadline } = options;
  const tokenVendor = options.tokenVendor?.trim();
  if (tokenVendor !== undefined && tokens !== undefined) {
    throw invalidConfiguration(OPTIONS, [
      { field: 'tokenVendor', problem: 'must not be set together with tokens' },
    ]);
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

function optionProblems(options: unknown): FieldProblem[] {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return [{ field: 'options', problem: 'must be an object' }];
  }
  const problems: FieldProblem[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(RULES, key)) {
      // Keys are repeated only when they look like option names: never a pasted secret.
      const field = FIELD_NAME.test(key) ? key : UNNAMED_KEY;
      if (!problems.some((p) => p.field === field)) {
        problems.push({ field, problem: 'is not a known field (check its spelling)' });
      }
      continue;
    }
    const problem = value === undefined ? undefined : RULES[key as keyof SalesforceClientOptions](value);
    if (problem) problems.push({ field: key, problem });
  }
  return problems;
}

function vendorTokens(functionName: string | undefined): VendorTokenProvider {
  if (functionName === undefined) {
    throw new ConfigurationError(
      "TOKEN_VENDOR_FUNCTION is required: the token vendor's name or ARN (or pass tokenVendor or tokens)",
      { problems: [{ field: 'TOKEN_VENDOR_FUNCTION', problem: 'is required' }] },
    );
  }
  return new VendorTokenProvider({ functionName });
}
