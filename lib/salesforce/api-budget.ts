import { API_USAGE_MAX_AGE_MS, DEFAULT_API_BUDGET_PERCENT } from '../constants.js';
import { ApiBudgetExhaustedError } from '../errors.js';
import { parseLimitInfo, type ApiUsage } from './limit-info.js';
import type { RestRequest, RestResponse } from './rest-client.js';
import type { SalesforceApi } from './salesforce-api.js';

export interface ApiBudgetOptions {
  /**
   * `SALESFORCE_API_BUDGET_PERCENT`: the share of the org's daily API allocation (1-100) past
   * which no more writes are sent. Default 90.
   */
  percent?: number | undefined;
  /** A reading older than this is refreshed with `GET /limits` before the next write. Default 5 min. */
  maxAgeMs?: number | undefined;
  /** Clock, for tests. Default `Date.now`. */
  now?: (() => number) | undefined;
}

interface Reading extends ApiUsage {
  at: number;
}

/**
 * The org's daily API allocation is shared by every integration and user of the org: once it is
 * spent, Salesforce answers `REQUEST_LIMIT_EXCEEDED` to all of them for the rest of the day. This
 * keeps a sync from being the one that spends it: it follows the usage Salesforce reports on
 * every response (`Sforce-Limit-Info`), reads `GET /limits` when the last reading is stale, and
 * refuses writes once the usage is at or above `percent` of the allocation. Reads (queries,
 * job state and results) and aborting a Bulk job are never refused: they cost little and leave
 * nothing half done. One budget lives as long as the container, so warm invocations share its
 * reading.
 */
export class ApiBudget {
  readonly percent: number;
  /** Writes refused so far (each refusal fails the records of one call or job). */
  refusals = 0;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #reading: Reading | undefined;
  /** One `GET /limits` at a time, however many writes wait for it. */
  #refresh: Promise<void> | undefined;

  constructor(options: ApiBudgetOptions = {}) {
    this.percent = options.percent ?? DEFAULT_API_BUDGET_PERCENT;
    this.#maxAgeMs = options.maxAgeMs ?? API_USAGE_MAX_AGE_MS;
    this.#now = options.now ?? Date.now;
  }

  /** The last usage seen, if any. */
  get usage(): ApiUsage | undefined {
    const reading = this.#reading;
    return reading && { used: reading.used, limit: reading.limit };
  }

  /** Notes a usage reading (from `Sforce-Limit-Info` or `/limits`). */
  observe(usage: ApiUsage): void {
    this.#reading = { ...usage, at: this.#now() };
  }

  /**
   * Resolves when a write may be sent; throws `ApiBudgetExhaustedError` when the usage is at or
   * above the budget. Reads `GET /limits` through `client` first when the last reading is stale.
   */
  async allowWrite(client: SalesforceApi): Promise<void> {
    const reading = this.#reading;
    if (!reading || this.#now() - reading.at > this.#maxAgeMs) {
      this.#refresh ??= this.#readLimits(client).finally(() => {
        this.#refresh = undefined;
      });
      await this.#refresh;
    }
    const usage = this.#reading;
    if (!usage || usage.limit <= 0) return;
    const percentUsed = (100 * usage.used) / usage.limit;
    if (percentUsed < this.percent) return;
    this.refusals += 1;
    throw new ApiBudgetExhaustedError(
      `not sent: the org has used ${usage.used} of its ${usage.limit} daily API requests ` +
        `(${Math.floor(percentUsed)}%), at or above the budget of ${this.percent}% (SALESFORCE_API_BUDGET_PERCENT)`,
      { used: usage.used, limit: usage.limit, percent: this.percent },
    );
  }

  async #readLimits(client: SalesforceApi): Promise<void> {
    let response: RestResponse<LimitsBody>;
    try {
      response = await client.request<LimitsBody>('GET', '/limits');
    } catch {
      // No reading is no reason to stop: the write itself reports the usage, or fails for the
      // same reason the read did.
      return;
    }
    const { body, headers } = response;
    const daily = (body as LimitsBody | undefined)?.DailyApiRequests;
    if (daily && Number.isFinite(daily.Max) && Number.isFinite(daily.Remaining)) {
      this.observe({ used: daily.Max - daily.Remaining, limit: daily.Max });
      return;
    }
    const usage = parseLimitInfo(headers.get('sforce-limit-info'));
    if (usage) this.observe(usage);
  }
}

interface LimitsBody {
  DailyApiRequests?: { Max: number; Remaining: number };
}

/**
 * `client` with `budget` in front of its writes: any request but GET, HEAD and a Bulk job abort
 * waits for `budget.allowWrite` (and fails with `ApiBudgetExhaustedError`, sent nowhere, once
 * the budget is spent), and every response's `Sforce-Limit-Info` updates the budget's reading.
 * The sync building blocks report the records of a refused call failed as `API_BUDGET_EXHAUSTED`.
 */
export function withApiBudget(client: SalesforceApi, budget: ApiBudget): SalesforceApi {
  return {
    get apiVersion() {
      return client.apiVersion;
    },
    get apiCalls() {
      return client.apiCalls;
    },
    remainingMs: () => client.remainingMs(),
    async request<T = unknown>(
      method: string,
      path: string,
      request?: RestRequest,
    ): Promise<RestResponse<T>> {
      if (isWrite(method, request)) await budget.allowWrite(client);
      const response = await client.request<T>(method, path, request);
      const usage = parseLimitInfo(response.headers.get('sforce-limit-info'));
      if (usage) budget.observe(usage);
      return response;
    },
  };
}

function isWrite(method: string, request: RestRequest | undefined): boolean {
  const verb = method.toUpperCase();
  if (verb === 'GET' || verb === 'HEAD') return false;
  // Aborting a Bulk job writes nothing, and leaving it open would hold its records in doubt.
  const json = request?.json as { state?: unknown } | undefined;
  return !(verb === 'PATCH' && json?.state === 'Aborted');
}
