// The local stack (Secrets Manager + Salesforce emulators) with one token provider per test file,
// and real REST clients sharing it: the setup of every test that talks to Salesforce through
// lib/salesforce directly.
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import { SalesforceRestClient, type RestClientOptions } from '../../lib/salesforce/rest-client.js';
import { fromSecretsManager } from '../../lib/secret/secret-source.js';
import { LocalTokenProvider } from '../../lib/token/token-provider.js';

export interface RestStack {
  stack: LocalStack;
  /** One provider for the file: one login, whatever the number of clients. */
  tokens: LocalTokenProvider;
  /** A REST client on `tokens` with short retry delays; `options` adds to them (a deadline, say). */
  client: (options?: Partial<RestClientOptions>) => SalesforceRestClient;
  close: () => Promise<void>;
}

export async function startRestStack(): Promise<RestStack> {
  const stack = await startLocalStack();
  // The client is pointed at the emulator directly: no process.env to set and restore.
  const secrets = new SecretsManagerClient({ endpoint: stack.secretsManager.url });
  const tokens = new LocalTokenProvider({
    credentials: fromSecretsManager(LOCAL_JWT_SECRET_ID, { client: secrets }),
  });
  return {
    stack,
    tokens,
    client: (options) => new SalesforceRestClient({ tokens, minDelayMs: 5, maxDelayMs: 20, ...options }),
    close: () => stack.close(),
  };
}
