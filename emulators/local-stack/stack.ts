// The local stack: the package's own emulators, wired the way AWS and Salesforce are wired in
// production, so handlers run through their real code paths. `npm start` and the integration
// tests both build on it.
import { generateKeyMaterial, type KeyMaterial } from './key-material.js';
import { SalesforceEmulator } from '../salesforce/salesforce-emulator.js';
import type { SalesforceEmulatorOptions } from '../salesforce/options.js';
import { S3Emulator } from '../s3/s3-emulator.js';
import { SecretsManagerEmulator } from '../secrets-manager/secrets-manager-emulator.js';

export const LOCAL_JWT_CLIENT_ID = '3MVG9LOCAL.jwt-bearer.consumer-key';
export const LOCAL_CC_CLIENT_ID = '3MVG9LOCAL.client-credentials.consumer-key';
export const LOCAL_USERNAME = 'integration@sf-lambda-bridge.local';
// The name serverless.yml gives the secret for `--stage local`, so `serverless invoke local` finds it.
export const LOCAL_JWT_SECRET_ID = 'sf-lambda-bridge/local/salesforce';
export const LOCAL_CC_SECRET_ID = 'sf-lambda-bridge/local/client-credentials';

/** What {@link startLocalStack} started, and how to reach and stop it. */
export interface LocalStack {
  salesforce: SalesforceEmulator;
  secretsManager: SecretsManagerEmulator;
  /** The S3 emulator, when started with `s3: true`. */
  s3: S3Emulator | undefined;
  keys: KeyMaterial;
  /** The client-credentials app's consumer secret (a random test value). */
  clientSecret: string;
  /** Env vars that point the real AWS SDK and the handlers at this stack. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/** Options of {@link startLocalStack}. */
export interface LocalStackOptions {
  /** Options of the Salesforce emulator (session timeout, limits, clock, ...). Default: its own defaults. */
  salesforce?: SalesforceEmulatorOptions;
  /** Also start an {@link S3Emulator} (needs `@20minutes/s3rver`); `env` then sets `AWS_ENDPOINT_URL_S3`. Default false. */
  s3?: boolean;
}

/**
 * Starts Secrets Manager and Salesforce emulators on 127.0.0.1, generates an RSA key pair and
 * certificate, registers the certificate with a JWT Bearer app (user pre-authorized) and a
 * Client Credentials app (run-as user), and stores both credential secrets
 * ({@link LOCAL_JWT_SECRET_ID}, {@link LOCAL_CC_SECRET_ID}). `env` points the AWS SDK and the
 * token vendor at them. Needs `@peculiar/x509` and `reflect-metadata` (optional peer
 * dependencies) for the certificate.
 *
 * @example
 * ```ts
 * import { startLocalStack } from 'sf-lambda-bridge/testing';
 *
 * const stack = await startLocalStack();
 * Object.assign(process.env, stack.env); // AWS_ENDPOINT_URL_SECRETS_MANAGER, SALESFORCE_SECRET_ID
 * // ... run your handler, then check stack.salesforce.records('Account')
 * await stack.close();
 * ```
 */
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const [salesforce, secretsManager, keys, s3] = await Promise.all([
    SalesforceEmulator.start(options.salesforce),
    SecretsManagerEmulator.start(),
    generateKeyMaterial({ commonName: 'sf-lambda-bridge-local' }),
    options.s3 ? S3Emulator.start() : undefined,
  ]);
  const clientSecret = `local-${crypto.randomUUID()}`;
  salesforce.registerUser({ username: LOCAL_USERNAME });
  salesforce.registerApp({
    clientId: LOCAL_JWT_CLIENT_ID,
    certificatePem: keys.certificatePem,
    permittedUsers: 'admin-approved-pre-authorized',
    preAuthorizedUsers: [LOCAL_USERNAME],
  });
  salesforce.registerApp({ clientId: LOCAL_CC_CLIENT_ID, clientSecret, runAsUsername: LOCAL_USERNAME });
  secretsManager.putSecret(
    LOCAL_JWT_SECRET_ID,
    JSON.stringify({
      flow: 'jwt-bearer',
      loginUrl: salesforce.url,
      clientId: LOCAL_JWT_CLIENT_ID,
      username: LOCAL_USERNAME,
      privateKey: keys.privateKeyPkcs8Pem,
    }),
  );
  secretsManager.putSecret(
    LOCAL_CC_SECRET_ID,
    JSON.stringify({
      flow: 'client-credentials',
      loginUrl: salesforce.url,
      clientId: LOCAL_CC_CLIENT_ID,
      clientSecret,
    }),
  );
  return {
    salesforce,
    secretsManager,
    s3,
    keys,
    clientSecret,
    env: {
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secretsManager.url,
      SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
      ...s3?.env,
    },
    close: async () => {
      await Promise.all([salesforce.close(), secretsManager.close(), s3?.close()]);
    },
  };
}
