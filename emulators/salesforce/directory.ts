// Connected apps and users of the emulated org: the setup an admin does in Salesforce Setup.
import { createPublicKey, randomBytes, X509Certificate, type KeyObject } from 'node:crypto';
import type { ConnectedAppConfig, PermittedUsersPolicy, UserConfig } from './options.js';
import { IdSequence } from './salesforce-ids.js';

export interface ConnectedApp {
  clientId: string;
  /** Public key the JWT signature must verify against; absent when no certificate was uploaded. */
  verificationKey?: KeyObject;
  clientSecret?: string;
  runAsUsername?: string;
  jwtBearerEnabled: boolean;
  clientCredentialsEnabled: boolean;
  permittedUsers: PermittedUsersPolicy;
  preAuthorizedUsers: Set<string>;
  /** Key for the token response's `signature` HMAC: the consumer secret, or a random one. */
  signingSecret: string;
}

export interface OrgUser {
  username: string;
  userId18: string;
  active: boolean;
  approvedApps: Set<string>;
}

/** Salesforce refuses certificate files over 4 KB at upload (§1.2). */
const MAX_CERTIFICATE_BYTES = 4096;

export class Directory {
  readonly #apps = new Map<string, ConnectedApp>();
  readonly #users = new Map<string, OrgUser>();
  readonly #userIds = new IdSequence('005');

  registerApp(config: ConnectedAppConfig): ConnectedApp {
    const verificationKey = verificationKeyOf(config);
    const jwtBearerEnabled = config.jwtBearerEnabled ?? verificationKey !== undefined;
    if (jwtBearerEnabled && !verificationKey) {
      throw new Error(`app ${config.clientId}: the JWT bearer flow needs certificatePem or publicKeyPem`);
    }
    const clientCredentialsEnabled = config.clientCredentialsEnabled ?? config.clientSecret !== undefined;
    if (clientCredentialsEnabled && config.clientSecret === undefined) {
      throw new Error(`app ${config.clientId}: the client credentials flow needs clientSecret`);
    }
    const app: ConnectedApp = {
      clientId: config.clientId,
      jwtBearerEnabled,
      clientCredentialsEnabled,
      permittedUsers: config.permittedUsers ?? 'all-users-may-self-authorize',
      preAuthorizedUsers: new Set((config.preAuthorizedUsers ?? []).map(usernameKey)),
      signingSecret: config.clientSecret ?? randomBytes(32).toString('hex'),
      ...(verificationKey ? { verificationKey } : {}),
      ...(config.clientSecret === undefined ? {} : { clientSecret: config.clientSecret }),
      ...(config.runAsUsername === undefined ? {} : { runAsUsername: config.runAsUsername }),
    };
    this.#apps.set(app.clientId, app);
    return app;
  }

  /** Key rotation: assertions signed with the old key stop verifying at once. */
  replaceCertificate(clientId: string, certificatePem: string): void {
    const app = this.#requireApp(clientId);
    const key = verificationKeyOf({ clientId, certificatePem });
    if (!key) throw new Error(`app ${clientId}: no certificate given`);
    app.verificationKey = key;
    app.jwtBearerEnabled = true;
  }

  app(clientId: string): ConnectedApp | undefined {
    return this.#apps.get(clientId);
  }

  /** Adds the user, or updates an existing one (keeping its user ID). */
  registerUser(config: UserConfig): OrgUser {
    const key = usernameKey(config.username);
    const existing = this.#users.get(key);
    const user: OrgUser = {
      username: config.username,
      userId18: existing?.userId18 ?? this.#userIds.next(),
      active: config.active ?? true,
      approvedApps: new Set(config.approvedApps ?? []),
    };
    this.#users.set(key, user);
    return user;
  }

  setUserActive(username: string, active: boolean): void {
    const user = this.user(username);
    if (!user) throw new Error(`no such user: ${username}`);
    user.active = active;
  }

  /** Salesforce usernames are matched case-insensitively at login. */
  user(username: string): OrgUser | undefined {
    return this.#users.get(usernameKey(username));
  }

  isPreAuthorized(app: ConnectedApp, username: string): boolean {
    return app.preAuthorizedUsers.has(usernameKey(username));
  }

  #requireApp(clientId: string): ConnectedApp {
    const app = this.#apps.get(clientId);
    if (!app) throw new Error(`no such connected app: ${clientId}`);
    return app;
  }
}

export function usernameKey(username: string): string {
  return username.toLowerCase();
}

function verificationKeyOf(
  config: Pick<ConnectedAppConfig, 'clientId' | 'certificatePem' | 'publicKeyPem'>,
): KeyObject | undefined {
  let key: KeyObject | undefined;
  if (config.certificatePem !== undefined) {
    if (Buffer.byteLength(config.certificatePem) > MAX_CERTIFICATE_BYTES) {
      throw new Error(`app ${config.clientId}: certificate over 4 KB; Salesforce refuses the upload`);
    }
    key = new X509Certificate(config.certificatePem).publicKey;
  } else if (config.publicKeyPem !== undefined) {
    key = createPublicKey(config.publicKeyPem);
  }
  if (key && key.asymmetricKeyType !== 'rsa') {
    throw new Error(`app ${config.clientId}: Salesforce verifies RS256 only, so the key must be RSA`);
  }
  return key;
}
