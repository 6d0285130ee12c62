// Behaviour under faults: 5xx bursts and the org's API allocation running out
// (403 REQUEST_LIMIT_EXCEEDED), each client in a fresh child, upserting the same records.
import type { LocalStack } from '../emulators/local-stack/stack.js';
import {
  childEnv,
  countersSince,
  DAILY_API_LIMIT,
  readCounters,
  resetOrg,
  type Counters,
} from './bench-stack.js';
import { runChild } from './children.js';
import { CLIENTS, type ClientName } from './clients/types.js';
import type { UpsertResult } from './tasks.js';
import { checkWrites, type WriteCheck } from './verify.js';

export interface FaultScenario {
  id: string;
  title: string;
  count: number;
  arm: (stack: LocalStack) => void;
  /** The target for our client, and whether a row meets it. */
  target: string;
  meets: (row: FaultRow) => boolean;
}

export interface FaultRow {
  scenario: FaultScenario;
  client: ClientName;
  run: Omit<UpsertResult, 'failedIds'>;
  used: Counters;
  check: WriteCheck;
}

const noneLost = (row: FaultRow) => row.check.lost === 0;
const allWritten = (row: FaultRow) => row.check.written === row.check.sent && noneLost(row);

export const FAULT_SCENARIOS: readonly FaultScenario[] = [
  {
    id: '503x3',
    title: '503 burst: the next 3 REST requests answer 503 (1,000 records)',
    count: 1_000,
    arm: (stack) => {
      stack.salesforce.injectFault({ endpoint: 'rest', status: 503, times: 3 });
    },
    target: 'all 1,000 written (retried), 0 lost',
    meets: allWritten,
  },
  {
    id: '503x12',
    title: 'longer outage: the next 12 REST requests answer 503 (1,000 records)',
    count: 1_000,
    arm: (stack) => {
      stack.salesforce.injectFault({ endpoint: 'rest', status: 503, times: 12 });
    },
    target: '0 lost; failures reported per record; at most 4 attempts per chunk',
    meets: (row) => noneLost(row) && row.used.restRequests <= 5 * 4,
  },
  {
    id: '503x3-bulk',
    title: '503 burst at 10,000 records (Bulk API 2.0 for ours and jsforce)',
    count: 10_000,
    arm: (stack) => {
      stack.salesforce.injectFault({ endpoint: 'rest', status: 503, times: 3 });
    },
    target: 'all 10,000 written, 0 lost',
    meets: allWritten,
  },
  {
    id: '403-start',
    title:
      '403 REQUEST_LIMIT_EXCEEDED from the first call (daily allocation used up; 2,000 records, 10 Collections chunks)',
    count: 2_000,
    arm: (stack) => {
      stack.salesforce.setDailyApiUsage(DAILY_API_LIMIT);
    },
    target: 'all reported failed, 0 lost, no retry: at most the 3 calls already in flight',
    meets: (row) => noneLost(row) && row.used.restRequests <= 3,
  },
  {
    id: '403-mid',
    title: '403 REQUEST_LIMIT_EXCEEDED mid-run (2 calls left in the allocation; 2,000 records)',
    count: 2_000,
    arm: (stack) => {
      stack.salesforce.setDailyApiUsage(DAILY_API_LIMIT - 2);
    },
    target:
      '400 written, the other 1,600 reported failed, 0 lost, no call once a 403 is seen (at most 2 + the 3 in flight)',
    meets: (row) => noneLost(row) && row.check.written === 400 && row.used.restRequests <= 5,
  },
];

export async function measureFaults(
  stack: LocalStack,
  runner: string,
  log: (line: string) => void,
): Promise<FaultRow[]> {
  const rows: FaultRow[] = [];
  for (const scenario of FAULT_SCENARIOS) {
    for (const client of CLIENTS) {
      resetOrg(stack);
      scenario.arm(stack);
      const before = readCounters(stack);
      const { result } = await runChild(
        runner,
        { kind: 'upsert', client, count: scenario.count },
        childEnv(stack),
      );
      const used = countersSince(stack, before);
      const check = checkWrites(stack, scenario.count, result.failedIds);
      const { failedIds: _ignored, ...run } = result;
      rows.push({ scenario, client, run, used, check });
      log(
        `  ${scenario.id} ${client}: ${Math.round(run.wallMs)} ms, ${used.restRequests} REST requests, ` +
          `${check.written} written, ${check.reportedFailed} reported failed, ${check.lost} lost`,
      );
    }
  }
  resetOrg(stack);
  return rows;
}
