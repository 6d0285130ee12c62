// `npm run secret:put -- --name NAME [--file keys/secret.json] [--kms-key-id ARN]`: stores or
// rotates the credentials secret in Secrets Manager with the SDK (region and endpoint from the
// SDK's own env and profile settings). Never prints the secret.
import { readFile } from 'node:fs/promises';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { putCredentialsSecret } from './keys/put-secret.js';
import { runCli, UsageError, type Cli } from './cli.js';

const options = {
  name: { type: 'string' },
  file: { type: 'string', default: 'keys/secret.json' },
  'kms-key-id': { type: 'string' },
} as const;

export const secretPutCli = {
  name: 'secret:put',
  usage: `Usage: npm run secret:put -- --name NAME [options]

Stores the credentials secret in AWS Secrets Manager, or rotates it if it exists, after checking
it with the parser the functions use. Region, credentials and endpoint come from the AWS SDK's
usual settings (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_SECRETS_MANAGER, ...).

Options:
  --name NAME       the secret's name, as the token vendor reads it (SALESFORCE_SECRET_ID); required
  --file PATH       the secret JSON, as \`npm run keys\` writes it (default: keys/secret.json)
  --kms-key-id ARN  customer-managed KMS key for a new secret (default: the AWS-managed key)
  -h, --help        show this help`,
  options,
  check: ({ name, ...values }) => {
    if (!name) throw new UsageError('--name is required: the secret name the token vendor reads');
    return { ...values, name };
  },
} satisfies Cli<typeof options, unknown>;

await runCli(import.meta.url, secretPutCli, async (values) => {
  // Our errors never hold secret material; the SDK's name and message do not either.
  const result = await putCredentialsSecret(
    new SecretsManagerClient({}),
    values.name,
    await readFile(values.file, 'utf8'),
    values['kms-key-id'] ? { kmsKeyId: values['kms-key-id'] } : {},
  );
  console.log(`Secret ${result.action}: ${result.arn} (version ${result.versionId})`);
  if (result.action === 'rotated') {
    console.log(
      'Running functions pick it up within SALESFORCE_SECRET_MAX_AGE, or at once if Salesforce refuses the old key.',
    );
  }
});
