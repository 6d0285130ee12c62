import type { BenchRecord, UpsertReport } from '../shared/upsert-report.js';

export type ClientName = 'ours' | 'jsforce' | 'baseline';
export const CLIENTS: readonly ClientName[] = ['ours', 'jsforce', 'baseline'];

/** The three clients behind one face, each used the way its users would use it. */
export interface BenchClient {
  /** An access token, as a caller of the client gets one (cached where the client caches). */
  token(): Promise<string>;
  /** One authenticated REST call: GET /limits. */
  limits(): Promise<void>;
  /** Upserts Account records by Ext_Id__c. */
  upsert(records: readonly BenchRecord[]): Promise<UpsertReport>;
}

/** Loads one client's module only (each child process loads just the client it measures). */
export async function loadClient(name: ClientName): Promise<() => BenchClient> {
  switch (name) {
    case 'ours':
      return (await import('./ours.js')).createOursClient;
    case 'jsforce':
      return (await import('./jsforce.js')).createJsforceClient;
    case 'baseline':
      return (await import('./baseline.js')).createBaselineClient;
  }
}
