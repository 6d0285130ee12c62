// How a hand-rolled Lambda reads its Salesforce credentials: the AWS SDK, GetSecretValue,
// JSON.parse, and the PEM imported with jose. Shared by the jsforce and the baseline functions.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { importPKCS8, SignJWT, type CryptoKey } from 'jose';

export interface HandRolledSecret {
  loginUrl: string;
  clientId: string;
  username: string;
  audience: string;
  privateKey: CryptoKey;
}

interface SecretJson {
  loginUrl: string;
  clientId: string;
  username: string;
  privateKey: string;
  audience?: string;
}

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** Reads and parses the secret named by SALESFORCE_SECRET_ID. */
export async function readSalesforceSecret(
  secretId = process.env.SALESFORCE_SECRET_ID,
): Promise<HandRolledSecret> {
  const client = new SecretsManagerClient({});
  const output = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  const json = JSON.parse(output.SecretString ?? '{}') as SecretJson;
  return {
    loginUrl: json.loginUrl,
    clientId: json.clientId,
    username: json.username,
    audience: json.audience ?? json.loginUrl,
    privateKey: await importPKCS8(json.privateKey, 'RS256'),
  };
}

/**
 * The assertion as Salesforce's and jsforce's documentation show it: iss, sub, aud, exp in
 * 3 minutes, RS256 (no jti: the documented examples have none).
 */
export function signAssertion(secret: HandRolledSecret): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(secret.clientId)
    .setSubject(secret.username)
    .setAudience(secret.audience)
    .setExpirationTime('3m')
    .sign(secret.privateKey);
}

/**
 * The promise of the secret, started once (at module scope in a function, once per context
 * here). A rejection is kept for whoever awaits it, not reported as unhandled.
 */
export function secretOncePerProcess(): Promise<HandRolledSecret> {
  const secret = readSalesforceSecret();
  secret.catch(() => undefined);
  return secret;
}
