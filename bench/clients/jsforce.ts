import { createJsforceContext, type ConnectionCache } from '../jsforce-functions/connection.js';
import { upsertWithJsforce } from '../jsforce-functions/upsert.js';
import type { BenchClient } from './types.js';

/** jsforce v3 as documented (see ../jsforce-functions/connection.ts). */
export function createJsforceClient(cache: ConnectionCache = 'naive'): BenchClient {
  const context = createJsforceContext(cache);
  return {
    token: async () => (await context.getConnection()).accessToken ?? '',
    limits: async () => {
      await (await context.getConnection()).limits();
    },
    upsert: async (records) => upsertWithJsforce(await context.getConnection(), records),
  };
}
