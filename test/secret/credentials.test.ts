import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SecretFormatError, PrivateKeyError } from '../../lib/errors.js';
import { parseCredentials, type CredentialsEnv } from '../../lib/secret/credentials.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pkcs8 = rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const noEnv: CredentialsEnv = {
  loginUrl: undefined,
  clientId: undefined,
  username: undefined,
  audience: undefined,
};
const CLIENT_SECRET = 'CS-8f3a9c1e7b2d4f60a5e9';

const jwtSecret = {
  flow: 'jwt-bearer',
  loginUrl: 'https://login.salesforce.com/',
  clientId: '3MVG9.key',
  username: 'integration@acme.com',
  privateKey: pkcs8,
};

function formatError(secret: string, env = noEnv): SecretFormatError {
  try {
    parseCredentials(secret, 'sf/creds', env);
  } catch (error) {
    expect(error).toBeInstanceOf(SecretFormatError);
    return error as SecretFormatError;
  }
  throw new Error('expected a SecretFormatError');
}

describe('parseCredentials', () => {
  it('parses a jwt-bearer secret, normalising loginUrl and defaulting audience to it', () => {
    const creds = parseCredentials(JSON.stringify(jwtSecret), 'sf/creds', noEnv);
    expect(creds).toMatchObject({
      flow: 'jwt-bearer',
      loginUrl: 'https://login.salesforce.com',
      clientId: '3MVG9.key',
      username: 'integration@acme.com',
      audience: 'https://login.salesforce.com',
    });
    expect(creds.flow === 'jwt-bearer' && creds.privateKey.equals(rsa.privateKey)).toBe(true);
  });

  it('keeps an explicit audience (My Domain host, login.salesforce.com aud)', () => {
    const secret = {
      ...jwtSecret,
      loginUrl: 'https://acme.my.salesforce.com',
      audience: 'https://test.salesforce.com',
    };
    expect(parseCredentials(JSON.stringify(secret), 'id', noEnv)).toMatchObject({
      loginUrl: 'https://acme.my.salesforce.com',
      audience: 'https://test.salesforce.com',
    });
  });

  it('parses a client-credentials secret and infers the flow when only one credential is present', () => {
    const secret = { loginUrl: 'https://acme.my.salesforce.com', clientId: 'k', clientSecret: CLIENT_SECRET };
    expect(parseCredentials(JSON.stringify(secret), 'id', noEnv)).toEqual({
      flow: 'client-credentials',
      loginUrl: 'https://acme.my.salesforce.com',
      clientId: 'k',
      clientSecret: CLIENT_SECRET,
    });
    const { flow: _flow, ...withoutFlow } = jwtSecret;
    expect(parseCredentials(JSON.stringify(withoutFlow), 'id', noEnv).flow).toBe('jwt-bearer');
  });

  it('accepts a bare PEM (also with literal \\n) with the other fields from env', () => {
    const env = {
      loginUrl: 'https://test.salesforce.com',
      clientId: 'k',
      username: 'u@acme.com.sbx',
      audience: undefined,
    };
    const creds = parseCredentials(pkcs8.trim().replace(/\n/g, '\\n'), 'id', env);
    expect(creds).toMatchObject({
      flow: 'jwt-bearer',
      clientId: 'k',
      username: 'u@acme.com.sbx',
      audience: 'https://test.salesforce.com',
    });
  });

  it('names every missing env var for a bare PEM', () => {
    const error = formatError(pkcs8, { ...noEnv, clientId: 'k' });
    expect(error.problems.map((p) => p.field)).toEqual(['SALESFORCE_LOGIN_URL', 'SALESFORCE_USERNAME']);
    expect(error.message).toContain('Secret "sf/creds" is not a valid Salesforce credentials secret');
  });

  it('lists every problem by field name without echoing any value', () => {
    const bad = {
      flow: 'jwt-bearer',
      loginUrl: 'http://login.salesforce.com',
      clientId: '',
      privateKey: 12345,
      clientSceret: CLIENT_SECRET,
    };
    const error = formatError(JSON.stringify(bad));
    expect(error.code).toBe('ERR_SECRET_FORMAT');
    expect(error.problems).toEqual([
      { field: 'clientId', problem: 'must not be empty' },
      { field: 'privateKey', problem: 'must be a string' },
      { field: 'clientSceret', problem: 'is not a known field (check its spelling)' },
    ]);
    expect(error.message).not.toContain(CLIENT_SECRET);
    expect(error.message).not.toContain('12345');
  });

  it('reports cross-field problems: http login URL, missing username and key, missing flow', () => {
    const error = formatError(
      JSON.stringify({ flow: 'jwt-bearer', loginUrl: 'http://example.com', clientId: 'k' }),
    );
    expect(error.problems).toEqual([
      { field: 'loginUrl', problem: 'must use https (plain http is accepted only for loopback hosts)' },
      { field: 'username', problem: 'is required for the jwt-bearer flow' },
      { field: 'privateKey', problem: 'is required for the jwt-bearer flow' },
    ]);
    const both = formatError(JSON.stringify({ ...jwtSecret, flow: undefined, clientSecret: CLIENT_SECRET }));
    expect(both.problems).toEqual([
      { field: 'flow', problem: 'is required unless exactly one of privateKey or clientSecret is present' },
    ]);
    expect(formatError(JSON.stringify({ ...jwtSecret, flow: 'password' })).problems).toEqual([
      { field: 'flow', problem: 'must be "jwt-bearer" or "client-credentials"' },
    ]);
  });

  it('refuses text that is neither JSON nor PEM, and broken JSON, without quoting it', () => {
    expect(formatError('hunter2-password').problems).toEqual([
      { field: 'SecretString', problem: 'is neither a JSON object nor a PEM private key' },
    ]);
    const broken = formatError(`{"clientSecret": "${CLIENT_SECRET}"`);
    expect(broken.problems).toEqual([{ field: 'SecretString', problem: 'is not valid JSON' }]);
    expect(broken.message).not.toContain(CLIENT_SECRET);
    expect(broken.cause).toBeUndefined();
    expect(formatError('[1,2]').problems).toEqual([
      { field: 'SecretString', problem: 'is neither a JSON object nor a PEM private key' },
    ]);
  });

  it('turns an unparseable key into a PrivateKeyError (a configuration error) naming the problem', () => {
    const secret = {
      ...jwtSecret,
      privateKey: '-----BEGIN PRIVATE KEY-----\\nAAAA\\n-----END PRIVATE KEY-----',
    };
    expect(() => parseCredentials(JSON.stringify(secret), 'id', noEnv)).toThrow(PrivateKeyError);
    expect(() => parseCredentials(JSON.stringify(secret), 'id', noEnv)).toThrow(/content does not parse/);
  });
});
