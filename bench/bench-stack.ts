// The local stack the whole benchmark shares (emulators in this process), the env that points
// children at it, and the counters read from it before and after each measurement.
import { startLocalStack, type LocalStack } from '../emulators/local-stack/stack.js';

/**
 * The org's daily API allocation in the emulator (Salesforce's Developer Edition default).
 * Every run starts from zero usage (`resetOrg`); the baseline's 1,000,000-record sync makes
 * 5,000 Collections calls.
 */
export const DAILY_API_LIMIT = 15_000;

export async function startBenchStack(): Promise<LocalStack> {
  return startLocalStack({
    salesforce: {
      // Salesforce allows 3,600 logins per user per hour. The naive clients make about a thousand
      // each in the concurrency test; raising the limit keeps one measurement from failing the next.
      loginRateLimitPerHour: 1_000_000,
      dailyApiRequestLimit: DAILY_API_LIMIT,
    },
    // The scheduled sync's sources and reports (bench/sync-source.ts).
    s3: true,
  });
}

/** What every function and client needs: the emulators' URLs, the secret, a region, dummy creds. */
export function benchEnv(stack: LocalStack): Record<string, string> {
  return {
    ...stack.env,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIDBENCHLOCAL',
    AWS_SECRET_ACCESS_KEY: 'bench-local-not-a-secret',
    SYNC_SOBJECT: 'Account',
    SYNC_EXTERNAL_ID_FIELD: 'Ext_Id__c',
    // Only read when a sync runs; the cold-start measurement only imports the sync functions.
    SYNC_SOURCE_URL: 'http://127.0.0.1:9/unused.ndjson',
  };
}

/** The env of a child process: this one's, minus anything that could reach real AWS or a loader. */
export function childEnv(stack: LocalStack): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...benchEnv(stack) };
  for (const key of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'NODE_OPTIONS']) Reflect.deleteProperty(env, key);
  return env;
}

export interface Counters {
  tokenRequests: number;
  logins: number;
  loginFailures: number;
  /** Authenticated REST calls (each one uses API allocation). */
  apiCalls: number;
  /** Every HTTP request under /services/data, faulted and refused ones included. */
  restRequests: number;
  secretFetches: number;
  routes: Record<string, number>;
}

export function readCounters(stack: LocalStack): Counters {
  const sf = stack.salesforce.stats;
  return {
    tokenRequests: sf.tokenRequests,
    logins: sf.logins,
    loginFailures: sf.loginFailures,
    apiCalls: sf.apiCalls,
    restRequests: sf.restRequests,
    secretFetches: stack.secretsManager.calls.GetSecretValue ?? 0,
    routes: { ...sf.requestsByRoute },
  };
}

/** Counters accumulated since `before`. */
export function countersSince(stack: LocalStack, before: Counters): Counters {
  const now = readCounters(stack);
  const routes: Record<string, number> = {};
  for (const [route, count] of Object.entries(now.routes)) {
    const delta = count - (before.routes[route] ?? 0);
    if (delta > 0) routes[route] = delta;
  }
  return {
    tokenRequests: now.tokenRequests - before.tokenRequests,
    logins: now.logins - before.logins,
    loginFailures: now.loginFailures - before.loginFailures,
    apiCalls: now.apiCalls - before.apiCalls,
    restRequests: now.restRequests - before.restRequests,
    secretFetches: now.secretFetches - before.secretFetches,
    routes,
  };
}

/** Puts the org back in its starting state between runs. */
export function resetOrg(stack: LocalStack): void {
  stack.salesforce.clearFaults();
  stack.salesforce.clearRecords();
  stack.salesforce.setDailyApiUsage(0);
}
