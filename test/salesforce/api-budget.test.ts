// ApiBudget and withApiBudget against the Salesforce emulator: when usage is read, which requests
// it may refuse, and that one stale reading costs one GET /limits however many writes wait.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../emulators/local-stack/stack.js';
import { ApiBudgetExhaustedError } from '../../lib/errors.js';
import { errorCode } from '../../lib/record-outcome.js';
import { ApiBudget, withApiBudget } from '../../lib/salesforce/api-budget.js';
import { SalesforceRestClient } from '../../lib/salesforce/rest-client.js';
import { upsertRecords } from '../../lib/sync/record-sync.js';
import type { LocalTokenProvider } from '../../lib/token/token-provider.js';
import { startRestStack, type RestStack } from '../helpers/rest-stack.js';

const LIMIT = 15_000;
const MINUTE = 60_000;

let stack: LocalStack;
let tokens: LocalTokenProvider;
let local: RestStack;

beforeAll(async () => {
  local = await startRestStack();
  ({ stack, tokens } = local);
});
afterAll(() => local.close());
beforeEach(() => {
  stack.salesforce.clearFaults();
  stack.salesforce.clearRecords();
  stack.salesforce.resetStats();
  stack.salesforce.setDailyApiUsage(0);
});

const route = (name: string) => stack.salesforce.stats.requestsByRoute[name] ?? 0;
const rest = () => new SalesforceRestClient({ tokens, minDelayMs: 5, maxDelayMs: 20 });
const account = (ext: string) => ({ ref: ext, record: { Ext_Id__c: ext, Name: ext } });

/** A budget on a clock the test moves. */
function budgetAt(start = 1_000_000) {
  const clock = { now: start };
  return { clock, budget: new ApiBudget({ now: () => clock.now }) };
}

describe('ApiBudget', () => {
  it('reads GET /limits before the first write, then lives on Sforce-Limit-Info until the reading is 5 minutes old', async () => {
    const { clock, budget } = budgetAt();
    const api = withApiBudget(rest(), budget);
    const write = (ext: string) =>
      upsertRecords(api, [account(ext)], { sobject: 'Account', externalIdField: 'Ext_Id__c' });
    await write('a');
    expect(route('limits')).toBe(1);
    clock.now += 4 * MINUTE;
    await write('b');
    expect(route('limits')).toBe(1);
    // The reading is refreshed by every response: 4 more minutes after 'b' is still fresh.
    clock.now += 4 * MINUTE;
    await write('c');
    expect(route('limits')).toBe(1);
    clock.now += 5 * MINUTE + 1;
    await write('d');
    expect(route('limits')).toBe(2);
    expect(budget.usage).toEqual({ used: stack.salesforce.stats.apiCalls, limit: LIMIT });
  });

  it('writes waiting on a stale reading share one GET /limits', async () => {
    const { budget } = budgetAt();
    const api = withApiBudget(rest(), budget);
    await Promise.all(
      ['p', 'q', 'r', 's'].map((ext) =>
        upsertRecords(api, [account(ext)], { sobject: 'Account', externalIdField: 'Ext_Id__c' }),
      ),
    );
    expect(route('limits')).toBe(1);
    expect(route('collections.upsert')).toBe(4);
  });

  it('refuses writes at the budget without sending them, and still lets reads and Bulk aborts through', async () => {
    const { budget } = budgetAt();
    const api = withApiBudget(rest(), budget);
    const { body: job } = await api.request<{ id: string }>('POST', '/jobs/ingest', {
      json: { object: 'Account', operation: 'upsert', externalIdFieldName: 'Ext_Id__c', lineEnding: 'LF' },
    });
    stack.salesforce.setDailyApiUsage(0.9 * LIMIT);
    await api.request('GET', '/limits');
    const refused = await api
      .request('POST', '/jobs/ingest', { json: { object: 'Account', operation: 'upsert' } })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ApiBudgetExhaustedError);
    expect(refused).toMatchObject({ code: 'ERR_API_BUDGET_EXHAUSTED', limit: LIMIT, percent: 90 });
    // The records of a refused call are reported as API_BUDGET_EXHAUSTED.
    expect(errorCode(refused)).toBe('API_BUDGET_EXHAUSTED');
    expect(route('bulk.createJob')).toBe(1);
    await api.request('PATCH', `/jobs/ingest/${job.id}`, { json: { state: 'Aborted' } });
    const { body: info } = await api.request<{ state: string }>('GET', `/jobs/ingest/${job.id}`);
    expect(info.state).toBe('Aborted');
    expect(budget.refusals).toBe(1);
  });

  it('a failing GET /limits does not stop writes: the write reports the usage itself', async () => {
    const { budget } = budgetAt();
    const api = withApiBudget(new SalesforceRestClient({ tokens, maxAttempts: 1 }), budget);
    stack.salesforce.injectFault({ endpoint: 'rest', path: /\/limits$/, status: 503, rawBody: 'down' });
    const { outcomes } = await upsertRecords(api, [account('x')], {
      sobject: 'Account',
      externalIdField: 'Ext_Id__c',
    });
    expect(outcomes[0]).toMatchObject({ ok: true });
    expect(budget.usage?.limit).toBe(LIMIT);
  });

  it('a budget of 100% lets writes through until the allocation itself is spent', async () => {
    const budget = new ApiBudget({ percent: 100 });
    const api = withApiBudget(rest(), budget);
    stack.salesforce.setDailyApiUsage(LIMIT - 3);
    const write = (ext: string) =>
      upsertRecords(api, [account(ext)], { sobject: 'Account', externalIdField: 'Ext_Id__c' });
    // GET /limits (14,998), then one write (14,999) and another (15,000); the next is refused.
    expect((await write('m')).outcomes[0]).toMatchObject({ ok: true });
    expect((await write('n')).outcomes[0]).toMatchObject({ ok: true });
    expect((await write('o')).outcomes[0]).toMatchObject({ ok: false, statusCode: 'API_BUDGET_EXHAUSTED' });
  });
});
