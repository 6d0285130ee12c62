import type { KeyObject } from 'node:crypto';
import * as z from 'zod/mini';
import { normaliseLoginUrl } from '../auth/login-url.js';
import { importRsaPrivateKey, looksLikePem } from '../auth/private-key.js';
import type { BridgeEnv } from '../env.js';
import { SecretFormatError } from '../errors.js';
import { schemaProblems, type FieldProblem } from '../schema-issues.js';

export type SalesforceFlow = 'jwt-bearer' | 'client-credentials';

export interface JwtBearerCredentials {
  flow: 'jwt-bearer';
  loginUrl: string;
  clientId: string;
  username: string;
  /** The assertion's `aud`: the secret's `audience`, else `loginUrl`. */
  audience: string;
  privateKey: KeyObject;
}

export interface ClientCredentials {
  flow: 'client-credentials';
  loginUrl: string;
  clientId: string;
  clientSecret: string;
}

/** Credentials ready to use: validated, with the private key already parsed. */
export type SalesforceCredentials = JwtBearerCredentials | ClientCredentials;

/** Env fallbacks used when the secret is a bare PEM (DESIGN.md, "Contracts"). */
export type CredentialsEnv = Pick<BridgeEnv, 'loginUrl' | 'clientId' | 'username' | 'audience'>;

// Messages are chosen here so that no zod default ever echoes an input value.
const text = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
  .check(z.trim(), z.minLength(1, 'must not be empty'));

const secretSchema = z.strictObject(
  {
    flow: z.optional(
      z.enum(['jwt-bearer', 'client-credentials'], { error: 'must be "jwt-bearer" or "client-credentials"' }),
    ),
    loginUrl: text,
    clientId: text,
    username: z.optional(text),
    privateKey: z.optional(text),
    clientSecret: z.optional(text),
    audience: z.optional(text),
  },
  { error: 'must be a JSON object' },
);
type SecretFields = z.infer<typeof secretSchema>;

/** How a parse reports problems: an error naming where the credentials came from. */
type Reject = (problems: readonly FieldProblem[]) => SecretFormatError;

/**
 * Turns a credentials SecretString into usable credentials, or throws a
 * {@link SecretFormatError} listing every problem by field name, never by value.
 *
 * Accepted shapes: the JSON object of DESIGN.md (`flow` may be left out when only one of
 * `privateKey`/`clientSecret` is present), or a bare PEM private key with `loginUrl`,
 * `clientId`, `username` and `audience` taken from `SALESFORCE_*` env vars.
 */
export function parseCredentials(
  secretString: string,
  secretId: string,
  env: CredentialsEnv,
): SalesforceCredentials {
  const trimmed = secretString.trim();
  const reject: Reject = (problems) => SecretFormatError.inSecret(secretId, problems);
  if (trimmed.startsWith('{')) return fromJson(trimmed, reject);
  if (looksLikePem(trimmed)) return fromBarePem(trimmed, reject, env);
  throw SecretFormatError.inSecret(secretId, [
    { field: 'SecretString', problem: 'is neither a JSON object nor a PEM private key' },
  ]);
}

/**
 * Validates credentials given as an object with the secret JSON's fields (in memory, not read
 * from a secret), by the same rules as {@link parseCredentials}. Problems are reported through
 * `reject`, by field name, never by value.
 */
export function credentialsFromFields(
  data: unknown,
  reject: Reject,
  root = 'credentials',
): SalesforceCredentials {
  const parsed = secretSchema.safeParse(data);
  if (!parsed.success) throw reject(schemaProblems(parsed.error, { root }));
  return build(parsed.data, reject, (field) => field);
}

function fromJson(json: string, reject: Reject): SalesforceCredentials {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    // JSON.parse's message quotes the input around the error, so it is not passed on.
    throw reject([{ field: 'SecretString', problem: 'is not valid JSON' }]);
  }
  return credentialsFromFields(data, reject, 'SecretString');
}

const ENV_NAMES: Record<string, string> = {
  loginUrl: 'SALESFORCE_LOGIN_URL',
  clientId: 'SALESFORCE_CLIENT_ID',
  username: 'SALESFORCE_USERNAME',
  audience: 'SALESFORCE_AUDIENCE',
};

function fromBarePem(pem: string, reject: Reject, env: CredentialsEnv): SalesforceCredentials {
  const missing = (['loginUrl', 'clientId', 'username'] as const)
    .filter((field) => env[field] === undefined)
    .map((field) => ({
      field: ENV_NAMES[field] ?? field,
      problem: 'is required when the secret is a bare PEM key',
    }));
  if (missing.length) throw reject(missing);
  const fields: SecretFields = {
    flow: 'jwt-bearer',
    loginUrl: env.loginUrl ?? '',
    clientId: env.clientId ?? '',
    username: env.username,
    privateKey: pem,
    audience: env.audience,
  };
  return build(fields, reject, (field) =>
    field === 'privateKey' ? 'SecretString' : (ENV_NAMES[field] ?? field),
  );
}

function build(fields: SecretFields, reject: Reject, name: (field: string) => string): SalesforceCredentials {
  const problems: FieldProblem[] = [];
  const loginUrl = normaliseLoginUrl(fields.loginUrl);
  if ('problem' in loginUrl) problems.push({ field: name('loginUrl'), problem: loginUrl.problem });
  if (fields.audience !== undefined && !URL.canParse(fields.audience)) {
    problems.push({
      field: name('audience'),
      problem: 'must be an absolute URL such as https://login.salesforce.com',
    });
  }
  const flow = fields.flow ?? inferFlow(fields);
  if (!flow) {
    problems.push({
      field: 'flow',
      problem: 'is required unless exactly one of privateKey or clientSecret is present',
    });
  } else if (flow === 'jwt-bearer') {
    if (!fields.username)
      problems.push({ field: name('username'), problem: 'is required for the jwt-bearer flow' });
    if (!fields.privateKey)
      problems.push({ field: name('privateKey'), problem: 'is required for the jwt-bearer flow' });
  } else if (!fields.clientSecret) {
    problems.push({ field: 'clientSecret', problem: 'is required for the client-credentials flow' });
  }
  if (problems.length || !flow || 'problem' in loginUrl) throw reject(problems);

  if (flow === 'client-credentials') {
    return {
      flow,
      loginUrl: loginUrl.url,
      clientId: fields.clientId,
      clientSecret: fields.clientSecret ?? '',
    };
  }
  return {
    flow,
    loginUrl: loginUrl.url,
    clientId: fields.clientId,
    username: fields.username ?? '',
    audience: fields.audience ?? loginUrl.url,
    privateKey: importRsaPrivateKey(fields.privateKey ?? ''),
  };
}

function inferFlow(fields: SecretFields): SalesforceFlow | undefined {
  if (fields.privateKey && !fields.clientSecret) return 'jwt-bearer';
  if (fields.clientSecret && !fields.privateKey) return 'client-credentials';
  return undefined;
}
