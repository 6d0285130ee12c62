import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DEFAULT_SECRET_MAX_AGE_SECONDS } from '../constants.js';
import { ConfigurationError, SecretFetchError, SecretFormatError } from '../errors.js';
import type { CredentialsSource, FetchCredentialsOptions } from './credentials-source.js';
import { parseCredentials, type CredentialsEnv, type SalesforceCredentials } from './credentials.js';

export interface SecretSourceOptions {
  /** Name or ARN of the credentials secret (`SALESFORCE_SECRET_ID`). */
  secretId: string;
  /** Seconds a fetched secret is reused (`SALESFORCE_SECRET_MAX_AGE`). Default 300. */
  maxAgeSeconds?: number | undefined;
  /** Env fallbacks for a bare-PEM secret. Default: none. */
  env?: CredentialsEnv | undefined;
  /**
   * The Secrets Manager client. Default: a client configured by the SDK's own env vars
   * (`AWS_REGION`, `AWS_ENDPOINT_URL_SECRETS_MANAGER`, ...).
   */
  client?: SecretsManagerClient | undefined;
}

/** Options of {@link fromSecretsManager}: those of {@link SecretSource} but the secret's id. */
export type SecretsManagerSourceOptions = Omit<SecretSourceOptions, 'secretId'>;

/**
 * Credentials read from a Secrets Manager secret (the JSON of README's "Secret", or a bare PEM
 * key with `env` fallbacks): cached for `maxAgeSeconds` (default 300), refetched when
 * Salesforce rejects them in case the secret was rotated. This is the token vendor's default
 * source, `SALESFORCE_SECRET_ID`. The AWS SDK client and Powertools Parameters are imported by
 * this module only, so a bundle that never calls it carries neither.
 *
 * @example
 * ```ts
 * const tokens = new LocalTokenProvider({ credentials: fromSecretsManager('prod/salesforce') });
 * ```
 */
export function fromSecretsManager(
  secretId: string,
  options: SecretsManagerSourceOptions = {},
): CredentialsSource {
  if (typeof secretId !== 'string' || secretId.trim() === '') {
    throw new ConfigurationError('fromSecretsManager needs the name or ARN of the credentials secret');
  }
  const source = new SecretSource({ ...options, secretId });
  return Object.assign((fetch?: FetchCredentialsOptions) => source.getCredentials(fetch), {
    description: `secret "${secretId}"`,
  });
}

const NO_ENV: CredentialsEnv = {
  loginUrl: undefined,
  clientId: undefined,
  username: undefined,
  audience: undefined,
};

/**
 * Reads the credentials secret through Powertools Parameters (in-memory, max-age cached) and
 * parses it. The parsed result is reused while the secret's text is unchanged, so a refetch
 * that returns the same secret costs no key import and is recognisable as "not rotated".
 */
export class SecretSource {
  readonly secretId: string;
  readonly #provider: SecretsProvider;
  readonly #maxAgeSeconds: number;
  readonly #env: CredentialsEnv;
  #last: { text: string; credentials: SalesforceCredentials } | undefined;

  constructor(options: SecretSourceOptions) {
    this.secretId = options.secretId;
    this.#maxAgeSeconds = options.maxAgeSeconds ?? DEFAULT_SECRET_MAX_AGE_SECONDS;
    this.#env = options.env ?? NO_ENV;
    this.#provider = new SecretsProvider({ awsSdkV3Client: options.client ?? new SecretsManagerClient({}) });
  }

  /**
   * The current credentials. `forceFetch` skips the cache: used after Salesforce rejected the
   * credentials, in case the secret was rotated since it was cached.
   */
  async getCredentials(options: FetchCredentialsOptions = {}): Promise<SalesforceCredentials> {
    const text = await this.#fetch(options.forceFetch ?? false);
    if (this.#last?.text === text) return this.#last.credentials;
    const credentials = parseCredentials(text, this.secretId, this.#env);
    this.#last = { text, credentials };
    return credentials;
  }

  async #fetch(forceFetch: boolean): Promise<string> {
    let value: string | Uint8Array | undefined;
    try {
      value = await this.#provider.get(this.secretId, { maxAge: this.#maxAgeSeconds, forceFetch });
    } catch (error) {
      const aws = awsError(error);
      const detail = aws
        ? `${aws.name}${aws.message ? ` (${aws.message})` : ''}`
        : 'no answer from Secrets Manager';
      throw new SecretFetchError(
        `Could not read secret "${this.secretId}": ${detail}`,
        { awsErrorName: aws?.name },
        { cause: error },
      );
    }
    if (typeof value !== 'string') {
      throw SecretFormatError.inSecret(this.secretId, [
        {
          field: 'SecretString',
          problem: 'is missing (binary secrets are not supported; store JSON or a PEM string)',
        },
      ]);
    }
    return value;
  }
}

/** Powertools wraps the SDK's error in GetParameterError; the SDK's one names the AWS error. */
function awsError(error: unknown): { name: string; message: string } | undefined {
  const sdk = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (sdk instanceof Error && '$metadata' in sdk) return { name: sdk.name, message: sdk.message };
  return undefined;
}
