// `npm run bench [-- --sync-1m]`: the side-by-side benchmark of this package, jsforce v3 and a
// hand-rolled fetch + jose client, on one local stack. Progress goes to stderr; the report to
// stdout and bench/RESULTS.md. `--sync-1m` adds the 1,000,000-record scheduled syncs (about four
// minutes more on 2 cores).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { format, resolveConfig } from 'prettier';
import { benchEnv, childEnv, startBenchStack } from './bench-stack.js';
import { buildChildRunner, buildFunctionBundles, ROOT } from './bundle-size.js';
import { measureCallerBundle, measureCallerRequest } from './caller.js';
import { measureColdStarts } from './cold-start.js';
import { measureCollectionsParity } from './collections-parity.js';
import { measureFaults } from './faults.js';
import { measureRedaction } from './redaction.js';
import { renderReport } from './report.js';
import { measureSessionExpiry } from './session-expiry.js';
import { MILLION, measureSyncScale, SCALE_COUNT } from './sync-scale.js';
import { measureTokens } from './token-latency.js';
import { measureVolumes } from './upsert-volume.js';

const NOTES = [
  'The emulators run in the orchestrating process and share the 2 cores with the measured child, so absolute times are local-loopback times, useful for comparing the clients with each other, not for predicting production latency.',
  "The emulator's login rate limit is raised (Salesforce's is 3,600 logins per user per hour) so that the naive clients' thousand logins in the concurrency test do not make later measurements fail; in a real org those logins count against it.",
  'jsforce and the baseline read the secret once per process (a module-scope promise), as a hand-rolled Lambda would. Their token caches are the usual hand-written ones: "check the variable, await the login, assign", which only helps once a login has finished; jsforce is also shown with the login promise cached, which is what it takes to get one login. In Lambda one container serves one invocation at a time, so the in-process race matters where calls are concurrent inside one process (a Node service, Promise.all over API calls, a token vendor outside Lambda).',
  "jsforce's session refresh uses the documented `refreshFn` connection option (JWT Bearer returns no refresh token). jsforce retries only GET/PUT/HEAD/OPTIONS/DELETE on 5xx; the Collections upsert is a PATCH and Bulk job creation a POST, so neither is retried.",
  "Bulk API 2.0 results in jsforce: failed and unprocessed rows are counted as reported failures. jsforce's `pollTimeout` default (30 s) and `pollInterval` (1 s) are left as documented.",
  "Peak RSS is the child's own high-water mark (`VmHWM` in /proc/self/status), not `process.resourceUsage().maxRSS`: on Linux a forked child's `ru_maxrss` starts from its parent's RSS at the fork, so a child that needed less than the orchestrator (which holds the emulators and their records) reported the orchestrator's size instead. Upsert-volume children also hold the generated records (the same for every client). With V8 defaults on a 24 GB machine the collector lets garbage pile up, so peak RSS says more about allocation churn than about the live set; the heap-capped rows show what the same run needs when the collector has to work.",
  "Ours' token vendor writes one INFO log line per invocation (Powertools Logger through the redacting replacer); the POWERTOOLS_LOG_LEVEL=ERROR row is the same bundle without it.",
  'On loopback a Collections call costs a few milliseconds, so the sequential baseline looks fast at 100,000 records (500 calls); against a real org each call is a network round trip plus server time, and the API-call column is the one that carries over.',
  'Times are noisy: other processes (test suites of parallel work) may share the 2 cores during a run, and the emulators serving a child share them too. Peak RSS is reliable, and the CPU column (user + system time of the invocation) is less disturbed than wall time. Compare rows of the same run, not runs.',
  "The scheduled-sync children have a 15-minute Lambda context, so no run stops at a deadline; ours keeps its default 10 s reserve. With V8's defaults on a machine with this much memory the old generation is allowed to grow to several times the live set before a full collection, so peak RSS grows with the run's length even though the live set does not; the heap-capped rows show what the same run needs when the collector has to work.",
];

const syncMillion = process.argv.includes('--sync-1m');

const startedAt = new Date();
const started = performance.now();
const log = (line: string) => {
  process.stderr.write(`${line}\n`);
};

const stack = await startBenchStack();
// The in-process measurements build their clients from env, as the functions do.
Object.assign(process.env, benchEnv(stack));
let exitCode = 0;
try {
  log('bench: building bundles');
  const bundles = await buildFunctionBundles();
  const runner = await buildChildRunner();

  log('bench: cold starts');
  const ourVendor = bundles.find((b) => b.client === 'ours' && b.role === 'token');
  const cold = await measureColdStarts(
    [
      ...bundles.map((bundle) => ({ bundle })),
      // The same vendor without its per-invocation INFO line, to show what that line costs.
      ...(ourVendor
        ? [
            {
              bundle: ourVendor,
              variant: 'POWERTOOLS_LOG_LEVEL=ERROR',
              env: { POWERTOOLS_LOG_LEVEL: 'ERROR' },
            },
          ]
        : []),
    ],
    runner,
    childEnv(stack),
  );

  log('bench: tokens in process');
  const tokens = await measureTokens(stack);

  log('bench: log redaction on hostile input');
  const redaction = measureRedaction();

  log('bench: session expiry');
  const expiry = await measureSessionExpiry(stack);

  log('bench: caller');
  const caller = { bundle: await measureCallerBundle(), request: await measureCallerRequest(stack) };

  log('bench: upsert volume');
  const volumes = await measureVolumes(stack, runner, log);

  log('bench: faults');
  const faults = await measureFaults(stack, runner, log);

  log('bench: scheduled sync at scale, 100,000 records');
  const scale = await measureSyncScale(stack, bundles, runner, log, [SCALE_COUNT]);

  log('bench: Collections path against the baseline');
  const parity = await measureCollectionsParity(stack, bundles, runner, log);

  // Last: the org then holds a million records, and this process grows with them.
  if (syncMillion) log('bench: scheduled sync at scale, 1,000,000 records');
  const million = syncMillion
    ? await measureSyncScale(stack, bundles, runner, log, [MILLION])
    : { sources: [], rows: [] };
  const syncScale = {
    million: syncMillion,
    sources: [...scale.sources, ...million.sources],
    rows: [...scale.rows, ...million.rows],
  };

  const report = renderReport(
    {
      startedAt,
      totalMs: performance.now() - started,
      bundles,
      cold,
      tokens,
      expiry,
      volumes,
      faults,
      caller,
      syncScale,
      parity,
      redaction,
    },
    NOTES,
  );
  // Formatted as `npm run format:check` expects, so the file can be committed as written.
  const path = join(ROOT, 'bench', 'RESULTS.md');
  const formatted = await format(report, { ...(await resolveConfig(path)), filepath: path });
  await writeFile(path, formatted);
  process.stdout.write(formatted);
} catch (error) {
  log(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  exitCode = 1;
} finally {
  await stack.close();
}
// jsforce's HTTP agent keeps sockets; nothing else is left to wait for.
process.exit(exitCode);
