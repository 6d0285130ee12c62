import { createBaselineContext } from '../baseline-functions/salesforce.js';
import type { BenchClient } from './types.js';

/** The minimal fetch + jose client (see ../baseline-functions/salesforce.ts). */
export function createBaselineClient(): BenchClient {
  const context = createBaselineContext();
  return {
    token: async () => (await context.getToken()).accessToken,
    limits: () => context.limits(),
    upsert: (records) => context.upsert(records),
  };
}
