import {
  CreateSecretCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { parseCredentials } from '../../lib/secret/credentials.js';
import { PLACEHOLDER } from './key-files.js';

export interface PutSecretOptions {
  /** Customer-managed KMS key for a new secret; default: the AWS-managed key. */
  kmsKeyId?: string;
  description?: string;
}

export interface PutSecretResult {
  action: 'created' | 'rotated';
  arn: string;
  versionId: string;
}

/**
 * Stores the credentials secret: `PutSecretValue` (a new AWSCURRENT version; the old one becomes
 * AWSPREVIOUS) or, when it does not exist yet, `CreateSecret`. The JSON is validated first with
 * the same parser the functions use, so a broken key or a placeholder never reaches AWS. Nothing
 * here prints or returns the secret's content.
 */
export async function putCredentialsSecret(
  client: SecretsManagerClient,
  name: string,
  secretString: string,
  options: PutSecretOptions = {},
): Promise<PutSecretResult> {
  parseCredentials(secretString, name, {
    loginUrl: undefined,
    clientId: undefined,
    username: undefined,
    audience: undefined,
  });
  if (secretString.includes(PLACEHOLDER)) {
    throw new Error(
      `The secret for "${name}" still holds ${PLACEHOLDER} values: fill in clientId and username first`,
    );
  }
  try {
    const put = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: secretString }));
    return { action: 'rotated', arn: put.ARN ?? name, versionId: put.VersionId ?? '' };
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const created = await client.send(
    new CreateSecretCommand({
      Name: name,
      SecretString: secretString,
      Description:
        options.description ?? 'Salesforce credentials for sf-lambda-bridge (read only by the token vendor)',
      ...(options.kmsKeyId ? { KmsKeyId: options.kmsKeyId } : {}),
    }),
  );
  return { action: 'created', arn: created.ARN ?? name, versionId: created.VersionId ?? '' };
}
