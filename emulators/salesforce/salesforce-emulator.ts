// A strict local Salesforce: the OAuth token endpoint (JWT Bearer and Client Credentials) and the
// REST API, over real HTTP on 127.0.0.1, verifying JWT signatures against the uploaded certificate
// and answering with Salesforce's own error bodies. Behaviour and sources:
// shared/reference/salesforce-behaviour.md (cited as §N in the modules under ./salesforce/).
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { FaultQueue } from '../shared/fault-queue.js';
import {
  BodyTooLargeError,
  closeLocalHttpServer,
  Delays,
  readBody,
  sendJson,
  startLocalHttpServer,
} from '../shared/http-server.js';
import { BulkIngest, type BulkFault } from './bulk-ingest.js';
import { executeDml } from './dml.js';
import { Directory } from './directory.js';
import { fromJson, isJsonTypeMismatch, type StoredValue } from './field-values.js';
import { faultMatches, playFault, type FaultTarget } from './faults.js';
import { LoginRateLimiter, ReplayCache } from './login-guards.js';
import { handleOAuth, isOAuthPath, TOKEN_PATH, type OAuthContext } from './oauth-endpoints.js';
import {
  resolveOptions,
  type ConnectedAppConfig,
  type SalesforceEmulatorOptions,
  type SalesforceFault,
  type SalesforceStats,
  type UserConfig,
} from './options.js';
import { QueryCursors } from './query-routes.js';
import { RecordStore, type SObjectRecord } from './record-store.js';
import { REST_PREFIX, RestApi } from './rest-api.js';
import { parseRecordId } from './salesforce-ids.js';
import { REST_ROUTES } from './rest-routes.js';
import { ApiUsage, notFound } from './rest-types.js';
import { OrgSchema, type SObjectDefinition } from './schema.js';
import { SessionStore } from './sessions.js';

export type {
  ConnectedAppConfig,
  LoginFlow,
  OAuthErrorBody,
  PermittedUsersPolicy,
  SalesforceEmulatorOptions,
  SalesforceFault,
  SalesforceStats,
  UserConfig,
} from './options.js';
export type { TokenResponse } from './token-grants.js';
export type { BulkFault } from './bulk-ingest.js';
export type { FieldDef, FieldType, SObjectDefinition } from './schema.js';
export { SALESFORCE_ROUTE_NAMES, type SalesforceRouteName } from './rest-types.js';

/**
 * Bulk API 2.0 takes up to 150 MB of base64, about 112.5 MB of CSV, and refuses more with a JSON
 * error; bodies a little over that are still read so that the refusal can be answered.
 */
const MAX_BODY_BYTES = 160 * 1024 * 1024;

/**
 * A strict local Salesforce org over real HTTP on 127.0.0.1: the OAuth token endpoint (JWT
 * Bearer, checked against the registered certificate, and Client Credentials) and the REST API
 * (sObject Collections, Bulk API 2.0 ingest, SOQL query, limits), answering with Salesforce's
 * own error bodies. Its `url` is both the login URL and the `instance_url`. Defaults: a free
 * port, 2 h sessions, Salesforce's login rate limit and API allocation.
 *
 * @example
 * ```ts
 * import { generateKeyMaterial, SalesforceEmulator } from 'sf-lambda-bridge/testing';
 *
 * const salesforce = await SalesforceEmulator.start();
 * const keys = await generateKeyMaterial();
 * salesforce.registerUser({ username: 'ci@example.com' });
 * salesforce.registerApp({
 *   clientId: 'my-consumer-key',
 *   certificatePem: keys.certificatePem,
 *   permittedUsers: 'admin-approved-pre-authorized',
 *   preAuthorizedUsers: ['ci@example.com'],
 * });
 * // ... log in with loginUrl: salesforce.url, then read salesforce.records('Account')
 * await salesforce.close();
 * ```
 */
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
  readonly #schema = new OrgSchema();
  readonly #store = new RecordStore(this.#schema);
  readonly #bulk: BulkIngest;

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
    this.#bulk = new BulkIngest(this.#schema, this.#store, options.now, options.bulkProcessingMs);
    this.#rest = new RestApi(REST_ROUTES, {
      url,
      options,
      usage: this.#usage,
      sessions: this.#sessions,
      stats: this.stats,
      schema: this.#schema,
      store: this.#store,
      queries: new QueryCursors(),
      bulk: this.#bulk,
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

  /**
   * Adds or replaces an sObject (a replaced one loses its records). Id is implicit and read-only;
   * a custom object (`…__c`) gets a required Name (Text(80)) unless it defines one. The default
   * org has Account and Contact (see DEFAULT_SOBJECTS in ./salesforce/schema.ts).
   */
  defineSObject(name: string, definition: SObjectDefinition): void {
    this.#schema.define(name, definition);
    this.#store.table(this.#schema.require(name)).clear();
  }

  /** Copies of the sObject's records in creation order, every field present (null when unset). */
  records(sobject: string): Record<string, unknown>[] {
    const table = this.#store.table(this.#schema.require(sobject));
    return [...table.all()].map((record) => ({ ...record }));
  }

  /**
   * A copy of the first record whose field equals the value (text case-insensitively, as SOQL and
   * external IDs compare), or undefined.
   */
  findRecord(sobject: string, field: string, value: unknown): Record<string, unknown> | undefined {
    const schema = this.#schema.require(sobject);
    const fieldSchema = schema.field(field);
    if (!fieldSchema) throw new Error(`${schema.name} has no field ${field}`);
    const wanted = fromJson(fieldSchema, value);
    if (isJsonTypeMismatch(wanted)) return undefined;
    const table = this.#store.table(schema);
    let found: SObjectRecord | undefined;
    if (fieldSchema.type === 'id') {
      const id = typeof wanted === 'string' ? parseRecordId(wanted) : undefined;
      found = id === undefined ? undefined : table.get(id);
    } else if (table.isIndexed(fieldSchema)) {
      const [id] = table.idsWith(fieldSchema, wanted);
      found = id === undefined ? undefined : table.get(id);
    } else {
      found = [...table.all()].find((record) => matches(record[fieldSchema.name] ?? null, wanted));
    }
    return found && { ...found };
  }

  /**
   * Creates a record directly (test setup), with the same validation as the API; returns its Id.
   * Throws with Salesforce's status code and message when the record would be refused.
   */
  insertRecord(sobject: string, fields: Record<string, unknown>): string {
    const schema = this.#schema.require(sobject);
    const values: Record<string, StoredValue> = {};
    for (const [name, raw] of Object.entries(fields)) {
      const field = schema.field(name);
      if (!field || field.type === 'id') throw new Error(`${schema.name}.${name} cannot be set`);
      const value = fromJson(field, raw);
      if (isJsonTypeMismatch(value))
        throw new Error(`${schema.name}.${name}: not a ${field.type}: ${String(raw)}`);
      values[field.name] = value;
    }
    const [result] = executeDml(
      [{ table: this.#store.table(schema), op: { kind: 'create', values } }],
      false,
    );
    if (!result?.success || result.id === undefined) {
      const error = result?.errors[0];
      throw new Error(`${error?.statusCode ?? 'UNKNOWN'}: ${error?.message ?? 'not created'}`);
    }
    return result.id;
  }

  /** Deletes every record of the sObject, or of every sObject. */
  clearRecords(sobject?: string): void {
    if (sobject === undefined) this.#store.clear();
    else this.#store.table(this.#schema.require(sobject)).clear();
  }

  /** Arms a fault for the next Bulk API 2.0 ingest job that is closed (UploadComplete). */
  injectBulkFault(fault: BulkFault): void {
    this.#bulk.injectFault(fault);
  }

  /**
   * Bulk API 2.0 ingest jobs closed from now on stay `InProgress` until {@link releaseBulkJobs}:
   * a test can look at a running job, or at a caller polling it, without racing the processing delay.
   */
  holdBulkJobs(): void {
    this.#bulk.hold();
  }

  /** Lets every held ingest job (and every later one) be processed after `bulkProcessingMs`. */
  releaseBulkJobs(): void {
    this.#bulk.release();
  }

  /** The state of an ingest job (`Open`, `InProgress`, `JobComplete`, ...), or undefined for an unknown id. */
  bulkJobState(id: string): string | undefined {
    return this.#bulk.get(id)?.state;
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

  /** Zeroes the counters in place, so references to `stats` (and `stats.requestsByRoute`) stay valid. */
  resetStats(): void {
    const { requestsByRoute } = this.stats;
    for (const key of Object.keys(requestsByRoute)) Reflect.deleteProperty(requestsByRoute, key);
    Object.assign(this.stats, { ...emptyStats(), requestsByRoute });
  }

  async close(): Promise<void> {
    this.#faults.clear();
    this.#delays.flush();
    this.#bulk.shutdown();
    await closeLocalHttpServer(this.#server);
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const target = targetOf(url.pathname);
    if (target === 'token') this.stats.tokenRequests += 1;
    if (target === 'rest') this.stats.restRequests += 1;
    let body: Buffer;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      // [CHOSEN]: far beyond any Salesforce limit; answered before the rest arrives, then closed.
      sendJson(res, 413, [{ message: error.message, errorCode: 'REQUEST_ENTITY_TOO_LARGE' }], {
        'Content-Type': 'application/json;charset=UTF-8',
        Connection: 'close',
      });
      return;
    }

    const fault = this.#faults.take((f) => faultMatches(f, target, url.pathname));
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
    requestsByRoute: {},
  };
}

function matches(a: StoredValue, b: StoredValue): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  return a === b;
}
