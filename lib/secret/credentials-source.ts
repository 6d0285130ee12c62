import { SecretFormatError } from '../errors.js';
import { formatProblems } from '../schema-issues.js';
import { credentialsFromFields, type SalesforceCredentials } from './credentials.js';

/** What a {@link CredentialsSource} is asked for. */
export interface FetchCredentialsOptions {
  /**
   * Skip any cache: set after Salesforce rejected the credentials, in case they were rotated
   * since they were cached. Default false.
   */
  forceFetch?: boolean | undefined;
}

/**
 * Where a `LocalTokenProvider` gets its credentials: {@link fromCredentials},
 * `fromSecretsManager(secretId)`, or any function of this shape.
 *
 * When Salesforce rejects the credentials, the provider asks again with `forceFetch: true`;
 * if the source then returns the very same object, nothing was rotated and the login is not
 * retried (it would only be rejected again). So return the same object while the credentials
 * are unchanged, and a new one when they changed.
 *
 * @example
 * ```ts
 * const credentials: CredentialsSource = async ({ forceFetch } = {}) => myVault.salesforce(forceFetch);
 * ```
 */
export interface CredentialsSource {
  (options?: FetchCredentialsOptions): Promise<SalesforceCredentials>;
  /** Names the source in log lines, e.g. `secret "sf/creds"`; never a value from it. */
  readonly description?: string | undefined;
}

/** Credentials for the JWT Bearer flow, as the secret's JSON holds them. */
export interface JwtBearerCredentialsInput {
  flow?: 'jwt-bearer' | undefined;
  /** `https://login.salesforce.com`, `https://test.salesforce.com` or your My Domain URL. */
  loginUrl: string;
  /** The connected app's consumer key. */
  clientId: string;
  username: string;
  /** RSA private key, PKCS#8 or PKCS#1 PEM (literal `\n` sequences are accepted too). */
  privateKey: string;
  /** The assertion's `aud`. Default `loginUrl`. */
  audience?: string | undefined;
}

/** Credentials for the Client Credentials flow, as the secret's JSON holds them. */
export interface ClientCredentialsInput {
  flow?: 'client-credentials' | undefined;
  loginUrl: string;
  /** The connected app's consumer key. */
  clientId: string;
  /** The connected app's consumer secret. */
  clientSecret: string;
}

/** The fields of the credentials secret's JSON (README, "Secret"), given in memory. */
export type SalesforceCredentialsInput = JwtBearerCredentialsInput | ClientCredentialsInput;

/**
 * Credentials held in memory, for a provider that does not read Secrets Manager (tests, or
 * credentials fetched some other way). Validated now, by the same rules as the secret, so bad
 * credentials fail at cold start with a {@link SecretFormatError} naming each field (never its
 * value). Always returns the same object, so a rejection is never retried.
 *
 * @example
 * ```ts
 * const tokens = new LocalTokenProvider({
 *   credentials: fromCredentials({ loginUrl, clientId, clientSecret }),
 * });
 * ```
 */
export function fromCredentials(input: SalesforceCredentialsInput): CredentialsSource {
  const credentials = credentialsFromFields(
    input,
    (problems) =>
      new SecretFormatError(`Invalid Salesforce credentials: ${formatProblems(problems)}`, { problems }),
  );
  return Object.assign(() => Promise.resolve(credentials), { description: 'in-memory credentials' });
}
