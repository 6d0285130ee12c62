// In-memory secrets with versions and staging labels, following Secrets Manager's model: each new
// value becomes AWSCURRENT and the version it replaces becomes AWSPREVIOUS (what rotation does).
import { randomBytes, randomUUID } from 'node:crypto';

const AWSCURRENT = 'AWSCURRENT';
const AWSPREVIOUS = 'AWSPREVIOUS';

/** A modelled error of the AWS JSON protocol: `__type` in the body, `x-amzn-ErrorType` header. */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

const SECRET_NOT_FOUND_MESSAGE = "Secrets Manager can't find the specified secret.";

export interface SecretValue {
  secretString?: string;
  /** Raw bytes of SecretBinary. */
  secretBinary?: Buffer;
}

export interface SecretVersion extends SecretValue {
  versionId: string;
  createdDate: number;
  stages: Set<string>;
}

export interface StoredSecret {
  name: string;
  arn: string;
  description?: string;
  createdDate: number;
  lastChangedDate: number;
  versions: Map<string, SecretVersion>;
}

export class SecretStore {
  readonly #secrets = new Map<string, StoredSecret>();

  constructor(
    private readonly region: string,
    private readonly accountId: string,
    // Read Date.now at call time, so tests that fake Date (vi.setSystemTime) move this clock too.
    private readonly now: () => number = () => Date.now(),
  ) {}

  create(
    name: string,
    value: SecretValue | undefined,
    opts: { versionId?: string; description?: string } = {},
  ): {
    secret: StoredSecret;
    version?: SecretVersion;
  } {
    if (this.#secrets.has(name)) {
      throw new AwsServiceError(
        'ResourceExistsException',
        `The operation failed because the secret ${name} already exists.`,
      );
    }
    const now = this.now();
    const secret: StoredSecret = {
      name,
      arn: `arn:aws:secretsmanager:${this.region}:${this.accountId}:secret:${name}-${randomArnSuffix()}`,
      createdDate: now,
      lastChangedDate: now,
      versions: new Map(),
      ...(opts.description === undefined ? {} : { description: opts.description }),
    };
    this.#secrets.set(name, secret);
    const version = value ? this.putValue(secret, value, opts.versionId) : undefined;
    return version ? { secret, version } : { secret };
  }

  /** Adds a version labelled AWSCURRENT; the former current version becomes AWSPREVIOUS. */
  putValue(secret: StoredSecret, value: SecretValue, versionId: string = randomUUID()): SecretVersion {
    const existing = secret.versions.get(versionId);
    if (existing) {
      // ClientRequestToken makes PutSecretValue idempotent; reusing it for another value is an error.
      if (sameValue(existing, value)) return existing;
      throw new AwsServiceError(
        'ResourceExistsException',
        "You can't modify an existing version, you can only create a new version.",
      );
    }
    for (const version of secret.versions.values()) {
      version.stages.delete(AWSPREVIOUS);
      if (version.stages.delete(AWSCURRENT)) version.stages.add(AWSPREVIOUS);
    }
    const now = this.now();
    const version: SecretVersion = { versionId, createdDate: now, stages: new Set([AWSCURRENT]), ...value };
    secret.versions.set(versionId, version);
    secret.lastChangedDate = now;
    return version;
  }

  /** Looks a secret up by name or full ARN, as the SecretId parameter allows. */
  find(secretId: string): StoredSecret {
    const byName = this.#secrets.get(secretId);
    if (byName) return byName;
    for (const secret of this.#secrets.values()) {
      if (secret.arn === secretId) return secret;
    }
    throw new AwsServiceError('ResourceNotFoundException', SECRET_NOT_FOUND_MESSAGE);
  }

  has(name: string): boolean {
    return this.#secrets.has(name);
  }

  delete(name: string): boolean {
    return this.#secrets.delete(name);
  }

  /** The version selected by VersionId and/or VersionStage (default AWSCURRENT). */
  selectVersion(secret: StoredSecret, versionId?: string, versionStage?: string): SecretVersion {
    if (versionId !== undefined) {
      const version = secret.versions.get(versionId);
      if (!version || (versionStage !== undefined && !version.stages.has(versionStage))) {
        throw new AwsServiceError(
          'ResourceNotFoundException',
          `Secrets Manager can't find the specified secret value for VersionId: ${versionId}`,
        );
      }
      return version;
    }
    const stage = versionStage ?? AWSCURRENT;
    for (const version of secret.versions.values()) {
      if (version.stages.has(stage)) return version;
    }
    throw new AwsServiceError(
      'ResourceNotFoundException',
      `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
    );
  }
}

function sameValue(version: SecretVersion, value: SecretValue): boolean {
  const sameBinary =
    version.secretBinary === undefined || value.secretBinary === undefined
      ? version.secretBinary === value.secretBinary
      : version.secretBinary.equals(value.secretBinary);
  return version.secretString === value.secretString && sameBinary;
}

/** Secrets Manager appends a hyphen and six random characters to the name in every ARN. */
function randomArnSuffix(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(6), (byte) => alphabet[byte % alphabet.length]).join('');
}
