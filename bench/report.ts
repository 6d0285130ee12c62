// Renders everything measured as one markdown document (bench/RESULTS.md and stdout).
import { cpus, release, totalmem, type as osType } from 'node:os';
import type { FunctionBundle } from './bundle-size.js';
import type { CallerResults } from './caller.js';
import type { ColdStartRow } from './cold-start.js';
import type { FaultRow } from './faults.js';
import { int, kb, mb, met, ms, routes, table, us, type Target } from './markdown.js';
import { REDACTION_TARGET_MS, type RedactionRow } from './redaction.js';
import type { ExpiryRow } from './session-expiry.js';
import type { TokenRow } from './token-latency.js';
import type { ParityResults } from './collections-parity.js';
import { paritySection, syncScaleSection, syncTargets } from './sync-report.js';
import type { SyncScaleResults } from './sync-scale.js';
import type { VolumeRow } from './upsert-volume.js';

export interface BenchResults {
  startedAt: Date;
  totalMs: number;
  bundles: FunctionBundle[];
  cold: ColdStartRow[];
  tokens: TokenRow[];
  expiry: ExpiryRow[];
  volumes: VolumeRow[];
  faults: FaultRow[];
  caller: CallerResults;
  syncScale: SyncScaleResults;
  parity: ParityResults;
  redaction: RedactionRow[];
}

function machine(results: BenchResults): string {
  const cpuList = cpus();
  const models = [...new Set(cpuList.map((c) => c.model.trim()))].join(', ');
  return table(
    ['', ''],
    [
      ['CPU', `${String(cpuList.length)} × ${models}`],
      ['memory', `${(totalmem() / 1024 ** 3).toFixed(1)} GiB`],
      ['OS', `${osType()} ${release()}`],
      ['Node', process.version],
      ['date', results.startedAt.toISOString()],
      ['total run time', `${(results.totalMs / 1000).toFixed(1)} s`],
    ],
  );
}

function targets(results: BenchResults): Target[] {
  const out: Target[] = [];
  const ourToken = results.tokens.find((row) => row.variant.client === 'ours');
  if (ourToken) {
    out.push(
      {
        what: 'warm `getToken()` p50',
        target: '< 50 µs',
        result: us(ourToken.warm.p50Us),
        met: ourToken.warm.p50Us < 50,
      },
      {
        what: 'warm `getToken()` p99',
        target: '< 50 µs',
        result: us(ourToken.warm.p99Us),
        met: ourToken.warm.p99Us < 50,
      },
      {
        what: '1,000 concurrent `getToken()` on a cold provider: logins',
        target: 'exactly 1',
        result: String(ourToken.concurrent.logins),
        met: ourToken.concurrent.logins === 1,
      },
      {
        what: '1,000 concurrent `getToken()` on a cold provider: secret fetches',
        target: 'exactly 1',
        result: String(ourToken.concurrent.secretFetches),
        met: ourToken.concurrent.secretFetches === 1,
      },
    );
  }
  const { bundle: callerBundle, request } = results.caller;
  out.push(
    {
      what: 'caller bundle (middy + salesforce() + one request), minified',
      target: `≤ ${kb(callerBundle.budgetBytes)}`,
      result: kb(callerBundle.bytes),
      met: callerBundle.bytes <= callerBundle.budgetBytes,
    },
    {
      what: 'warm `client.request(GET /limits)` p50 minus bare `fetch` p50',
      target: `< ${us(request.budgetUs)}`,
      result: us(request.overheadP50Us),
      met: request.overheadP50Us < request.budgetUs,
    },
    {
      what: `(extra) the same after ${int(request.steady.warmUp)} more calls of each (JIT steady state)`,
      target: `< ${us(request.budgetUs)}`,
      result: us(request.steady.overheadP50Us),
      met: request.steady.overheadP50Us < request.budgetUs,
    },
  );
  const ourExpiry = results.expiry.find((row) => row.client === 'ours');
  if (ourExpiry) {
    out.push({
      what: '50 concurrent requests after expireAllSessions(): logins, failed calls',
      target: '1 login, 0 failed',
      result: `${String(ourExpiry.logins)} login(s), ${String(ourExpiry.failed)} failed`,
      met: ourExpiry.logins === 1 && ourExpiry.failed === 0,
    });
  }
  for (const row of results.volumes.filter((r) => r.client === 'ours' && !r.extra)) {
    const n = int(row.count);
    if (row.run.api === 'collections') {
      const limit = Math.ceil(row.count / 200);
      out.push({
        what: `${n} records via Collections: API calls`,
        target: `≤ ${String(limit)}`,
        result: String(row.used.apiCalls),
        met: row.used.apiCalls <= limit,
      });
    } else {
      out.push({
        what: `${n} records via Bulk API 2.0: API calls`,
        target: '< 20',
        result: String(row.used.apiCalls),
        met: row.used.apiCalls < 20,
      });
    }
    if (row.count === 100_000) {
      out.push({
        what: `${n} records: peak RSS of the client process (V8 defaults)`,
        target: '< 256 MB',
        result: mb(row.run.maxRssKb),
        met: row.run.maxRssKb < 256 * 1024,
      });
    }
    out.push({
      what: `${n} records: written / lost / field mismatches`,
      target: `${n} / 0 / 0`,
      result: `${int(row.check.written)} / ${int(row.check.lost)} / ${int(row.check.fieldMismatches)}`,
      met: row.check.written === row.count && row.check.lost === 0 && row.check.fieldMismatches === 0,
    });
  }
  for (const row of results.volumes.filter((r) => r.client === 'ours' && r.extra)) {
    const n = int(row.count);
    if (row.execArgv.length) {
      out.push({
        what: `(extra) ${n} records: peak RSS with the heap capped (${row.execArgv.join(' ')})`,
        target: '< 256 MB, all written',
        result: `${mb(row.run.maxRssKb)}, ${int(row.check.written)} written`,
        met: row.run.maxRssKb < 256 * 1024 && row.check.written === row.count,
      });
    } else {
      out.push({
        what: `(extra) ${n} records in one Bulk job: every record gets an outcome (no exception)`,
        target: `${n} written, 0 reported failed`,
        result: row.run.threw
          ? `${int(row.check.written)} written, but threw ${row.run.threw}`
          : `${int(row.check.written)} written, ${int(row.check.reportedFailed)} reported failed`,
        met: !row.run.threw && row.check.written === row.count && row.check.reportedFailed === 0,
      });
    }
  }
  for (const row of results.faults.filter((r) => r.client === 'ours')) {
    out.push({
      what: `faults, ${row.scenario.id}`,
      target: row.scenario.target,
      result: `${int(row.check.written)} written, ${int(row.check.reportedFailed)} reported failed, ${int(row.check.lost)} lost, ${String(row.used.restRequests)} REST requests`,
      met: row.scenario.meets(row),
    });
  }
  out.push(...syncTargets(results.syncScale, results.parity));
  const largest = results.redaction.filter((row) => row.bytes >= 1024 * 1024);
  const slowest = largest.reduce<RedactionRow | undefined>(
    (worst, row) => (worst && worst.medianMs >= row.medianMs ? worst : row),
    undefined,
  );
  out.push({
    what: 'log a 1 MB adversarial value (slowest shape, median)',
    target: `< ${ms(REDACTION_TARGET_MS)}`,
    result: slowest ? `${ms(slowest.medianMs)} (${slowest.shape})` : '–',
    met: slowest ? slowest.medianMs < REDACTION_TARGET_MS : undefined,
  });
  return out;
}

function redactionSection(results: BenchResults): string {
  return table(
    ['value (as a field and as a key)', 'size', 'median time of the log line', 'line length'],
    results.redaction.map((row) => [
      row.shape,
      kb(row.bytes),
      row.medianMs < 1 ? `${(row.medianMs * 1000).toFixed(0)} µs` : ms(row.medianMs),
      `${int(row.lineChars)} chars`,
    ]),
  );
}

function bundleSection(results: BenchResults): string {
  return table(
    ['client', 'function', 'minified', 'bytes', 'gzip'],
    results.bundles.map((b) => [b.client, b.name, kb(b.bytes), int(b.bytes), kb(b.gzipBytes)]),
  );
}

function callerBundleSection(results: BenchResults): string {
  const { bundle } = results.caller;
  return table(
    ['bundle', 'minified', 'bytes', 'gzip', 'budget'],
    [
      [
        `ours: caller (${bundle.entry})`,
        kb(bundle.bytes),
        int(bundle.bytes),
        kb(bundle.gzipBytes),
        kb(bundle.budgetBytes),
      ],
      ...results.bundles
        .filter((b) => b.client !== 'ours')
        .map((b) => [`${b.client}: ${b.name} (function)`, kb(b.bytes), int(b.bytes), kb(b.gzipBytes), '–']),
    ],
  );
}

function callerRequestSection(results: BenchResults): string {
  const { request } = results.caller;
  return table(
    ['call', 'p50', 'p99'],
    [
      ["`client.request('GET', '/limits')`", us(request.client.p50Us), us(request.client.p99Us)],
      ['bare `fetch` (same URL and Authorization header)', us(request.fetch.p50Us), us(request.fetch.p99Us)],
      [`difference of p50s (budget < ${us(request.budgetUs)})`, us(request.overheadP50Us), '–'],
      [
        `after ${int(request.steady.warmUp)} more calls of each: client / fetch / difference of p50s`,
        `${us(request.steady.client.p50Us)} / ${us(request.steady.fetch.p50Us)} / ${us(request.steady.overheadP50Us)}`,
        '–',
      ],
    ],
  );
}

function coldSection(results: BenchResults): string {
  return table(
    [
      'client',
      'function',
      'runs',
      'node boot',
      'import',
      'first token (handler)',
      'import → first token',
      'process (fork → exit)',
      'warm handler p50 / p99',
      'peak RSS',
    ],
    results.cold.map((row) => [
      row.bundle.client,
      row.variant ? `${row.bundle.name} (${row.variant})` : row.bundle.name,
      String(row.runs),
      ms(row.bootMs),
      ms(row.importMs),
      ms(row.firstCallMs),
      ms(row.readyMs),
      ms(row.processMs),
      row.warmP50Us === undefined ? '–' : `${us(row.warmP50Us)} / ${us(row.warmP99Us)}`,
      mb(row.maxRssKb),
    ]),
  );
}

function tokenSection(results: BenchResults): string {
  return table(
    [
      'client (how the token is cached)',
      '1,000 concurrent: logins',
      'token requests',
      'secret fetches',
      'failed',
      'distinct tokens',
      'wall',
      'warm p50',
      'warm p99',
      'warm mean',
    ],
    results.tokens.map((row) => [
      row.variant.label,
      int(row.concurrent.logins),
      int(row.concurrent.tokenRequests),
      int(row.concurrent.secretFetches),
      int(row.concurrent.failed),
      int(row.concurrent.distinctTokens),
      ms(row.concurrent.wallMs),
      us(row.warm.p50Us),
      us(row.warm.p99Us),
      us(row.warm.meanUs),
    ]),
  );
}

function expirySection(results: BenchResults): string {
  return table(
    ['client', 'refresh mechanism', 'calls', 'logins', 'REST requests', 'failed', 'wall', 'first error'],
    results.expiry.map((row) => [
      row.client,
      row.how,
      String(row.calls),
      String(row.logins),
      String(row.restRequests),
      String(row.failed),
      ms(row.wallMs),
      row.firstError ?? '–',
    ]),
  );
}

function volumeSection(results: BenchResults): string {
  return table(
    [
      'records',
      'client',
      'API',
      'API calls',
      'calls by route',
      'logins',
      'wall',
      'peak RSS',
      'written',
      'reported failed',
      'lost',
      'field mismatches',
      'how it ended',
    ],
    results.volumes.map((row) => [
      `${int(row.count)}${row.execArgv.length ? ` (heap capped: ${row.execArgv.join(' ')})` : ''}${row.extra ? ' *' : ''}`,
      row.client,
      row.run.api,
      int(row.used.apiCalls),
      routes(row.used),
      String(row.used.logins),
      ms(row.run.wallMs),
      mb(row.run.maxRssKb),
      int(row.check.written),
      int(row.check.reportedFailed),
      int(row.check.lost),
      row.check.fieldMismatches === 0
        ? '0'
        : `${int(row.check.fieldMismatches)} (e.g. ${row.check.firstMismatch ?? '?'})`,
      row.run.threw ? `threw: ${row.run.threw.slice(0, 120)}` : 'returned',
    ]),
  );
}

function faultSection(results: BenchResults): string {
  const blocks: string[] = [];
  const scenarios = [...new Set(results.faults.map((row) => row.scenario))];
  for (const scenario of scenarios) {
    const rows = results.faults.filter((row) => row.scenario === scenario);
    blocks.push(
      `**${scenario.title}.** Target for ours: ${scenario.target}.\n\n` +
        table(
          [
            'client',
            'REST requests (incl. faulted)',
            'API calls',
            'time to finish / give up',
            'written',
            'reported failed',
            'lost',
            'written but reported failed',
            'how it ended',
          ],
          rows.map((row) => [
            row.client,
            String(row.used.restRequests),
            String(row.used.apiCalls),
            ms(row.run.wallMs),
            int(row.check.written),
            int(row.check.reportedFailed),
            int(row.check.lost),
            int(row.check.writtenButReportedFailed),
            row.run.threw ? `threw: ${row.run.threw.slice(0, 140)}` : 'returned per-record results',
          ]),
        ),
    );
  }
  return blocks.join('\n\n');
}

export function renderReport(results: BenchResults, notes: readonly string[]): string {
  const goals = targets(results);
  const missed = goals.filter((goal) => goal.met === false);
  const unmeasured = goals.filter((goal) => goal.met === undefined);
  return [
    '# Side-by-side benchmark: sf-lambda-bridge vs jsforce v3 vs hand-rolled fetch + jose',
    '',
    'Generated by `npm run bench` (bench/run.ts). All three clients talk to the same local Salesforce',
    'and Secrets Manager emulators (emulators/local-stack/stack.ts) over real HTTP on 127.0.0.1.',
    '',
    '## Machine',
    '',
    machine(results),
    '',
    '## Targets (ours)',
    '',
    [
      missed.length === 0
        ? 'Every target measured is met.'
        : `${String(missed.length)} of ${String(goals.length)} targets **not met**: ${missed.map((m) => m.what).join('; ')}.`,
      unmeasured.length === 0
        ? ''
        : ` ${String(unmeasured.length)} not measured in this run: ${unmeasured.map((m) => m.what).join('; ')}.`,
    ].join(''),
    '',
    table(
      ['measurement', 'target', 'result', ''],
      goals.map((g) => [g.what, g.target, g.result, met(g.met)]),
    ),
    '',
    '## Bundle size',
    '',
    'esbuild JS API with the options serverless.yml uses for ours (bundle, minify, keepNames, ESM,',
    'platform node, target node22, `@aws-sdk/*` external, createRequire banner), the same for all.',
    '',
    bundleSection(results),
    '',
    '## Caller',
    '',
    'The caller bundle of issue 10 (point 3), built as test/client/caller-bundle.test.ts builds it',
    '(test/client/fixtures/caller-build.ts: bundle, minify, ESM, platform node, target node20,',
    '`@aws-sdk/*` external). jsforce and the baseline have no caller package; their function bundles',
    'from the table above are shown for scale (each one includes its Salesforce client).',
    '',
    callerBundleSection(results),
    '',
    `Warm \`request\` overhead: a \`SalesforceClient\` with a fixed token from one real login, against`,
    `the Salesforce emulator; ${int(results.caller.request.iterations)} sequential calls of each kind, interleaved`,
    'and alternating which goes first, after 200 warm-up calls of each; both read the JSON body.',
    '',
    callerRequestSection(results),
    '',
    '## Cold init',
    '',
    'Median of fresh `node` processes per bundle, interleaved, after one unmeasured round.',
    '"import" is `await import(bundle)`; "first token" is the first handler call (secret fetch,',
    'assertion, login); sync functions are only imported. Warm handler latency: 300 sequential',
    'invocations after the first (ours logs one INFO line per invocation, to /dev/null here).',
    '',
    coldSection(results),
    '',
    '## Tokens in process',
    '',
    '1,000 concurrent token requests on a cold client, then 100,000 sequential warm calls (after',
    '5,000 warm-up calls), each timed on its own with `performance.now()`.',
    '',
    tokenSection(results),
    '',
    '## Log redaction on hostile input',
    '',
    "One `logger.warn` line (the functions' Powertools Logger with the redacting replacer, output",
    'discarded) carrying the value as a field and as an object key, median of 7 after one warm-up.',
    'Each value is built to make a backtracking pattern rescan it from every position; every',
    'logged string is cut to 4 KB before any pattern runs (lib/logging/redact.ts).',
    '',
    redactionSection(results),
    '',
    '## Session expiry',
    '',
    'One call to log in, then `expireAllSessions()`, then 50 concurrent GET /limits.',
    '',
    expirySection(results),
    '',
    '## Upsert volume',
    '',
    'Account records (Ext_Id__c, Name with a comma and quotes, Description with newlines every 7th,',
    'AnnualRevenue, Active__c), each (client, size) in a fresh child process; the org is emptied',
    'between runs. Wall time runs from creating the client (so it includes the secret fetch and the',
    'login) to its answer. Ours uses the default bulk threshold (2,000); jsforce is given the same',
    'cut-over to `bulk2.loadAndWaitForResults`; the baseline always uses Collections, sequentially.',
    'Written records are compared field by field with what was sent. Rows marked * go beyond the',
    'brief: 100,000 again with the V8 heap capped as a 256 MB function would need it, and 150,000',
    '(one Bulk job of about 9 MB of CSV, far below the 100 MB per-job limit).',
    '',
    volumeSection(results),
    '',
    '## Scheduled sync at scale',
    '',
    'Issue 11, point 2. The real functions/scheduled-sync.ts bundle (default settings: Bulk API 2.0',
    'above 2,000 records, jobs of up to 100,000 records) invoked once in a fresh child with',
    '`SYNC_SOURCE_URL=s3://…` (a gzipped NDJSON object), `SYNC_REPORT_URL=s3://…/` and a 15-minute',
    'Lambda context; the emulators (Salesforce, Secrets Manager, S3) stay in the orchestrating process.',
    "Wall and CPU time are the handler invocation's (cold: secret fetch and login included); peak RSS",
    "is the child's own `VmHWM`; peak heap used is sampled every 50 ms. The baseline cannot read `s3://`:",
    'it is given the same object over plain HTTP from the S3 emulator (an unsigned path-style GET,',
    '`Content-Encoding: gzip` decoded by `fetch`), which is how it reads its source today. Written and',
    "lost are counted in the org; ours' reported failures are every line of its failure report",
    "(`failures.csv` under `SYNC_REPORT_URL`), the baseline's its returned `failed` count.",
    '',
    syncScaleSection(results.syncScale),
    '',
    '## Collections path against the baseline',
    '',
    `Issue 11, point 5: ${int(results.parity.count)} records, ours forced onto sObject Collections`,
    `(${Object.entries(results.parity.env)
      .map(([k, v]) => `\`${k}=${v}\``)
      .join(', ')}: the baseline sends its 200-record calls one after another),`,
    'against the baseline, in rounds of one run each (each variant first in two of the six rounds) in the same bench run, each in a fresh child; medians.',
    'The target is read on ours as deployed (source in S3, `SYNC_REPORT_URL` set); the second row',
    "gives ours the baseline's footing (the same HTTP URL, no report), so that neither the S3 client",
    '(loaded on the first S3 read or report write) nor the report objects are part of its cost.',
    '',
    paritySection(results.parity),
    '',
    '## Faults',
    '',
    '"lost" = neither written nor reported failed. When a client throws, every record counts as',
    'reported failed (the caller learns only that the batch failed), so "written but reported',
    'failed" shows how much of that was in fact written.',
    '',
    faultSection(results),
    '',
    '## Notes',
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}
