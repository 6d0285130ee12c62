// A strict local Salesforce: the OAuth token endpoint (JWT Bearer and Client Credentials) and the
// REST API, over real HTTP on 127.0.0.1, verifying JWT signatures against the uploaded certificate
// and answering with Salesforce's own error bodies. Behaviour and sources:
// shared/reference/salesforce-behaviour.md (cited as §N in the modules under ./salesforce/).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { FaultQueue } from './fault-queue.js';
import { closeLocalHttpServer, Delays, readBody, sendJson, startLocalHttpServer } from './http-server.js';
import { Directory } from './salesforce/directory.js';
import { faultMatches, playFault, type FaultTarget } from './salesforce/faults.js';
import { LoginRateLimiter, ReplayCache } from './salesforce/login-guards.js';
import { handleOAuth, isOAuthPath, TOKEN_PATH, type OAuthContext } from './salesforce/oauth-endpoints.js';
import {
  resolveOptions,
  type ConnectedAppConfig,
  type SalesforceEmulatorOptions,
  type SalesforceFault,
  type SalesforceStats,
  type UserConfig,
} from './salesforce/options.js';
import { REST_PREFIX, RestApi } from './salesforce/rest-api.js';
import { REST_ROUTES } from './salesforce/rest-routes.js';
import { ApiUsage, notFound } from './salesforce/rest-types.js';
import { SessionStore } from './salesforce/sessions.js';

export type {
  ConnectedAppConfig,
  LoginFlow,
  OAuthErrorBody,
  PermittedUsersPolicy,
  SalesforceEmulatorOptions,
  SalesforceFault,
  SalesforceStats,
  UserConfig,
} from './salesforce/options.js';
export type { TokenResponse } from './salesforce/token-grants.js';

/** Bulk API 2.0 uploads may be up to 150 MB of CSV; nothing else comes close. */
const MAX_BODY_BYTES = 150 * 1024 * 1024;

export class SalesforceEmulator {
  /** `http://127.0.0.1:PORT`: the login URL, the token `aud` (by default) and the instance_url. */
  readonly url: string;
  readonly stats: SalesforceStats = emptyStats();
  readonly #server: Server;
  readonly #directory = new Directory();
  readonly #sessions: SessionStore;
  readonly #usage: ApiUsage;
  readonly #faults = new FaultQueue<SalesforceFault>();
  readonly #delays = new Delays();
  readonly #oauth: OAuthContext;
  readonly #rest: RestApi;

  private constructor(server: Server, url: string, opts: SalesforceEmulatorOptions) {
    this.#server = server;
    this.url = url;
    const options = resolveOptions(opts, url);
    this.#sessions = new SessionStore(options.orgId, options.sessionTimeoutMs, options.now);
    this.#usage = new ApiUsage(options.dailyApiRequestLimit);
    this.#oauth = {
      url,
      options,
      directory: this.#directory,
      sessions: this.#sessions,
      rateLimiter: new LoginRateLimiter(options.loginRateLimitPerHour, options.now),
      replayCache: new ReplayCache(options.jtiRetentionMs, options.now),
      stats: this.stats,
    };
    this.#rest = new RestApi(REST_ROUTES, {
      url,
      options,
      usage: this.#usage,
      sessions: this.#sessions,
      stats: this.stats,
    });
  }

  static async start(opts: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
    let emulator: SalesforceEmulator | undefined;
    const { server, url } = await startLocalHttpServer(async (req, res) => {
      if (!emulator) throw new Error('emulator not ready');
      await emulator.#handle(req, res);
    }, opts.port);
    try {
      emulator = new SalesforceEmulator(server, url, opts);
    } catch (error) {
      await closeLocalHttpServer(server);
      throw error;
    }
    return emulator;
  }

  /** Adds or replaces a connected app. Throws on an unusable certificate or key (as Setup would). */
  registerApp(app: ConnectedAppConfig): void {
    this.#directory.registerApp(app);
  }

  /** Key rotation: uploads a new certificate; assertions signed with the old key fail from now on. */
  replaceCertificate(clientId: string, certificatePem: string): void {
    this.#directory.replaceCertificate(clientId, certificatePem);
  }

  /** Adds or updates a user (a username keeps its user ID). */
  registerUser(user: UserConfig): void {
    this.#directory.registerUser(user);
  }

  /** Deactivates or reactivates a user; existing sessions are not touched (see expireAllSessions). */
  setUserActive(username: string, active: boolean): void {
    this.#directory.setUserActive(username, active);
  }

  injectFault(fault: SalesforceFault): void {
    this.#faults.add(fault, fault.times ?? 1);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  /** Ends one session, as an admin revoking it would: the next API call with it gets 401. */
  expireSession(accessToken: string): void {
    this.#sessions.expire(accessToken);
  }

  expireAllSessions(): void {
    this.#sessions.expireAll();
  }

  /** Whether the token would be accepted now; asking does not count as activity. */
  isActiveSession(accessToken: string): boolean {
    return this.#sessions.peek(accessToken) !== undefined;
  }

  get activeSessionCount(): number {
    return this.#sessions.activeCount;
  }

  /** Sets the org's daily API usage (e.g. to the limit, to provoke 403 REQUEST_LIMIT_EXCEEDED). */
  setDailyApiUsage(used: number): void {
    this.#usage.used = used;
  }

  /** Zeroes the counters in place, so references to `stats` stay valid. */
  resetStats(): void {
    Object.assign(this.stats, emptyStats());
  }

  async close(): Promise<void> {
    this.#faults.clear();
    this.#delays.flush();
    await closeLocalHttpServer(this.#server);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const target = targetOf(url.pathname);
    if (target === 'token') this.stats.tokenRequests += 1;
    if (target === 'rest') this.stats.restRequests += 1;
    const body = await readBody(req, MAX_BODY_BYTES);

    const fault = this.#faults.take((f) => faultMatches(f, target));
    if (fault && (await playFault(fault, req, res, this.#delays))) return;

    if (isOAuthPath(url.pathname)) {
      await handleOAuth(req, res, url.pathname, body, this.#oauth);
    } else if (target === 'rest') {
      await this.#rest.handle(req, res, url, body);
    } else {
      const error = notFound();
      sendJson(res, error.status, error.toBody(), { 'Content-Type': 'application/json;charset=UTF-8' });
    }
  }
}

function targetOf(path: string): FaultTarget {
  if (path === TOKEN_PATH) return 'token';
  if (path === REST_PREFIX || path.startsWith(`${REST_PREFIX}/`)) return 'rest';
  return 'other';
}

function emptyStats(): SalesforceStats {
  return {
    tokenRequests: 0,
    logins: 0,
    loginFailures: 0,
    loginsByFlow: { 'jwt-bearer': 0, 'client-credentials': 0 },
    apiCalls: 0,
    restRequests: 0,
  };
}
