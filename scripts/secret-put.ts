// `npm run secret:put -- --name sf-lambda-bridge/prod/salesforce --file keys/secret.json [--kms-key-id ARN]`
// Stores or rotates the credentials secret in Secrets Manager with the SDK (region and endpoint
// from the SDK's own env and profile settings). Never prints the secret.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { putCredentialsSecret } from './keys/put-secret.js';

const { values } = parseArgs({
  options: {
    name: { type: 'string' },
    file: { type: 'string', default: 'keys/secret.json' },
    'kms-key-id': { type: 'string' },
  },
});
if (!values.name)
  throw new Error('--name is required: the secret name the token vendor reads (SALESFORCE_SECRET_ID)');

try {
  const result = await putCredentialsSecret(
    new SecretsManagerClient({}),
    values.name,
    await readFile(values.file, 'utf8'),
    {
      ...(values['kms-key-id'] ? { kmsKeyId: values['kms-key-id'] } : {}),
    },
  );
  console.log(`Secret ${result.action}: ${result.arn} (version ${result.versionId})`);
  if (result.action === 'rotated') {
    console.log(
      'Running functions pick it up within SALESFORCE_SECRET_MAX_AGE, or at once if Salesforce refuses the old key.',
    );
  }
} catch (error) {
  // Our errors never hold secret material; the SDK's name and message do not either.
  console.error(
    `secret:put failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
  );
  process.exit(1);
}
