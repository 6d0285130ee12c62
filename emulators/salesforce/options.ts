// Public configuration types of the Salesforce emulator, and their defaults. Section numbers (§)
// refer to shared/reference/salesforce-behaviour.md, which cites the sources.

export interface SalesforceEmulatorOptions {
  /** Default 0: a free port on 127.0.0.1. */
  port?: number;
  /**
   * `my-domain` (default) behaves like `https://X.my.salesforce.com`; `login` like
   * login.salesforce.com / test.salesforce.com, which refuse the client-credentials grant (§2).
   */
  domain?: 'my-domain' | 'login';
  /**
   * Accepted JWT `aud` values, compared as exact strings (no trailing-slash or case folding).
   * Default: the emulator's own url, `https://login.salesforce.com`, `https://test.salesforce.com` (§1.2).
   */
  audiences?: string[];
  /** Session inactivity timeout; every authenticated API call resets it (§3). Default 7200 (2 h). */
  sessionTimeoutSeconds?: number;
  /** Logins (successful and failed) per user in a rolling hour before `login rate exceeded` (§4). Default 3600. */
  loginRateLimitPerHour?: number;
  /**
   * Default false: every login issues a fresh access token. Real Salesforce is reported to hand back
   * the still-valid session instead (§3, [UNCONFIRMED]); clients must not depend on either, and
   * tests can flip this to prove it.
   */
  reuseSessions?: boolean;
  /**
   * Leeway for the assertion's `exp`, in seconds. Default 0: the emulator shares the client's
   * clock, so any leeway would only hide a client that mints assertions already expired.
   */
  clockSkewSeconds?: number;
  /** How long a seen `jti` is remembered for replay detection. Default 86400 (24 h). */
  jtiRetentionSeconds?: number;
  /**
   * Milliseconds clock; inject it to jump time in tests. Default `() => Date.now()`, read at call
   * time so that faked Date (vi.useFakeTimers / setSystemTime) moves the emulator's clock too.
   */
  now?: () => number;
  /** 15-character org ID; access tokens start with it. Default `00D000000000001`. */
  orgId?: string;
  /** Daily API request allocation reported by /limits and `Sforce-Limit-Info` (§4). Default 15000. */
  dailyApiRequestLimit?: number;
  /** Oldest and newest `vNN.0` served. Default 31 to 67 (Summer '26, §6). */
  apiVersions?: { min: number; max: number };
  /**
   * How long a closed Bulk API 2.0 ingest job stays InProgress before it is processed (in memory,
   * at once). Default 50 ms.
   */
  bulkProcessingMs?: number;
  /**
   * The `instance_url` of token responses. Default: the emulator's own url. Set it to test a
   * client's check of what it is told (e.g. `http://acme.my.salesforce.com`, plain http to a
   * host that is not loopback); API calls sent there do not reach the emulator.
   */
  instanceUrl?: string;
}

export type PermittedUsersPolicy = 'all-users-may-self-authorize' | 'admin-approved-pre-authorized';

export interface ConnectedAppConfig {
  /** The consumer key: `iss` of JWT assertions, `client_id` of client credentials. */
  clientId: string;
  /** PEM certificate uploaded with "Use digital signatures"; JWT signatures are checked against it. */
  certificatePem?: string;
  /** Alternative to certificatePem: an SPKI PEM public key. */
  publicKeyPem?: string;
  /** Consumer secret: client-credentials and introspection authenticate with it. */
  clientSecret?: string;
  /** The client-credentials execution ("Run As") user. */
  runAsUsername?: string;
  /** Default: true when a certificate or public key is given. */
  jwtBearerEnabled?: boolean;
  /** Default: true when a client secret is given. */
  clientCredentialsEnabled?: boolean;
  /** Default `all-users-may-self-authorize`, Salesforce's default for a new connected app. */
  permittedUsers?: PermittedUsersPolicy;
  /** Users whose profile or permission set is assigned to the app (admin-approved policy). */
  preAuthorizedUsers?: string[];
}

export interface UserConfig {
  username: string;
  /** Default true. */
  active?: boolean;
  /** Client IDs this user approved once through an interactive flow (self-authorize policy). */
  approvedApps?: string[];
}

export interface OAuthErrorBody {
  error: string;
  error_description: string;
}

export interface SalesforceFault {
  /** `token`: /services/oauth2/token; `rest`: /services/data/…; `any` (default): every request. */
  endpoint?: 'token' | 'rest' | 'any';
  /**
   * Only requests whose URL path (without the query string) contains this string or matches this
   * RegExp, e.g. `/composite/sobjects` or `/\/jobs\/ingest\/[^/]+$/` (job status only).
   */
  path?: RegExp | string;
  /** How many matching requests it hits. Default 1. */
  times?: number;
  /** Wait this long first. Alone (without a response or reset), the request is then handled normally. */
  delayMs?: number;
  /** Status of the injected response. Default 400 with oauthError, else 500. */
  status?: number;
  /** A JSON body to send as-is. */
  body?: unknown;
  /** A non-JSON body (e.g. a maintenance HTML page), sent with `contentType` (default text/html). */
  rawBody?: string;
  contentType?: string;
  /** Extra response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
  /** An OAuth error answered like the token endpoint does (400, no-store, JSON). */
  oauthError?: OAuthErrorBody;
  /** Destroy the socket without answering: the client sees a connection reset. */
  reset?: boolean;
}

export type LoginFlow = 'jwt-bearer' | 'client-credentials';

export interface SalesforceStats {
  /** Every request to /services/oauth2/token, faulted ones included. */
  tokenRequests: number;
  /** Successful token grants. */
  logins: number;
  /** Token requests answered with an OAuth error (not counting injected faults). */
  loginFailures: number;
  loginsByFlow: Record<LoginFlow, number>;
  /** REST calls that passed authentication (they reset the session timer and use API allocation). */
  apiCalls: number;
  /** Every request under /services/data, faulted and unauthenticated ones included. */
  restRequests: number;
  /**
   * Authenticated REST requests per resource, keyed by SalesforceRouteName (e.g.
   * `collections.upsert`, `bulk.jobInfo`); a route never called has no key.
   */
  requestsByRoute: Record<string, number>;
}

export interface ResolvedOptions {
  domain: 'my-domain' | 'login';
  audiences: readonly string[];
  sessionTimeoutMs: number;
  loginRateLimitPerHour: number;
  reuseSessions: boolean;
  clockSkewMs: number;
  jtiRetentionMs: number;
  now: () => number;
  orgId: string;
  dailyApiRequestLimit: number;
  apiVersions: { min: number; max: number };
  bulkProcessingMs: number;
  instanceUrl: string;
}

export function resolveOptions(opts: SalesforceEmulatorOptions, url: string): ResolvedOptions {
  const orgId = opts.orgId ?? '00D000000000001';
  if (
    opts.bulkProcessingMs !== undefined &&
    !(opts.bulkProcessingMs >= 0 && Number.isFinite(opts.bulkProcessingMs))
  )
    throw new Error(`bulkProcessingMs must be a finite number >= 0, got ${opts.bulkProcessingMs}`);
  if (!/^00D[0-9A-Za-z]{12}$/.test(orgId))
    throw new Error(`orgId must be a 15-character 00D… ID, got ${orgId}`);
  return {
    domain: opts.domain ?? 'my-domain',
    audiences: opts.audiences ?? [url, 'https://login.salesforce.com', 'https://test.salesforce.com'],
    sessionTimeoutMs: (opts.sessionTimeoutSeconds ?? 7200) * 1000,
    loginRateLimitPerHour: opts.loginRateLimitPerHour ?? 3600,
    reuseSessions: opts.reuseSessions ?? false,
    clockSkewMs: (opts.clockSkewSeconds ?? 0) * 1000,
    jtiRetentionMs: (opts.jtiRetentionSeconds ?? 86_400) * 1000,
    now: opts.now ?? (() => Date.now()),
    orgId,
    dailyApiRequestLimit: opts.dailyApiRequestLimit ?? 15_000,
    apiVersions: opts.apiVersions ?? { min: 31, max: 67 },
    bulkProcessingMs: opts.bulkProcessingMs ?? 50,
    instanceUrl: opts.instanceUrl ?? url,
  };
}
