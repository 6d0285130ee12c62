// The Secrets Manager operations the project uses, with the request and response members of the
// AWS JSON 1.1 protocol (timestamps are epoch seconds, blobs are base64 strings).
import {
  AwsServiceError,
  type SecretStore,
  type SecretValue,
  type SecretVersion,
  type StoredSecret,
} from './secret-store.js';

type JsonObject = Record<string, unknown>;
export type Operation = (input: JsonObject, store: SecretStore) => JsonObject;

export const OPERATIONS: Readonly<Record<string, Operation>> = {
  GetSecretValue(input, store) {
    const secret = store.find(requiredString(input, 'SecretId'));
    const version = store.selectVersion(
      secret,
      optionalString(input, 'VersionId'),
      optionalString(input, 'VersionStage'),
    );
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      ...valueMembers(version),
      VersionStages: [...version.stages],
      CreatedDate: epochSeconds(version.createdDate),
    };
  },

  CreateSecret(input, store) {
    const description = optionalString(input, 'Description');
    const versionId = optionalString(input, 'ClientRequestToken');
    const { secret, version } = store.create(requiredString(input, 'Name'), secretValue(input, false), {
      ...(versionId === undefined ? {} : { versionId }),
      ...(description === undefined ? {} : { description }),
    });
    return { ARN: secret.arn, Name: secret.name, ...(version ? { VersionId: version.versionId } : {}) };
  },

  PutSecretValue(input, store) {
    const secret = store.find(requiredString(input, 'SecretId'));
    const value = secretValue(input, true) ?? {};
    const version = store.putValue(secret, value, optionalString(input, 'ClientRequestToken'));
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.versionId,
      VersionStages: [...version.stages],
    };
  },

  DescribeSecret(input, store) {
    const secret = store.find(requiredString(input, 'SecretId'));
    return describe(secret);
  },
};

function describe(secret: StoredSecret): JsonObject {
  const versionIdsToStages: Record<string, string[]> = {};
  for (const version of secret.versions.values()) {
    // Versions without a label are deprecated; DescribeSecret omits them by default.
    if (version.stages.size > 0) versionIdsToStages[version.versionId] = [...version.stages];
  }
  return {
    ARN: secret.arn,
    Name: secret.name,
    ...(secret.description === undefined ? {} : { Description: secret.description }),
    CreatedDate: epochSeconds(secret.createdDate),
    LastChangedDate: epochSeconds(secret.lastChangedDate),
    VersionIdsToStages: versionIdsToStages,
  };
}

function valueMembers(version: SecretVersion): JsonObject {
  return {
    ...(version.secretString === undefined ? {} : { SecretString: version.secretString }),
    ...(version.secretBinary === undefined ? {} : { SecretBinary: version.secretBinary.toString('base64') }),
  };
}

function secretValue(input: JsonObject, required: boolean): SecretValue | undefined {
  const secretString = optionalString(input, 'SecretString');
  const secretBinary = optionalString(input, 'SecretBinary');
  if (secretString !== undefined && secretBinary !== undefined) {
    throw new AwsServiceError(
      'InvalidParameterException',
      'You must provide either SecretString or SecretBinary, but not both.',
    );
  }
  if (secretString !== undefined) return { secretString };
  if (secretBinary !== undefined) return { secretBinary: Buffer.from(secretBinary, 'base64') };
  if (required) {
    throw new AwsServiceError(
      'InvalidRequestException',
      'You must provide either SecretString or SecretBinary.',
    );
  }
  return undefined;
}

/**
 * Missing required members are rejected the way AWS's JSON front end does (a ValidationException
 * naming the member); the exact text is not checked by any client we know of.
 */
function requiredString(input: JsonObject, member: string): string {
  const value = optionalString(input, member);
  if (value === undefined || value === '') {
    const camel = member.charAt(0).toLowerCase() + member.slice(1);
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value null at '${camel}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}

function optionalString(input: JsonObject, member: string): string | undefined {
  const value = input[member];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw new AwsServiceError('SerializationException', `Expected a string for ${member}`);
  }
  return value;
}

function epochSeconds(ms: number): number {
  return ms / 1000;
}
