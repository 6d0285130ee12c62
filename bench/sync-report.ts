// The report's scheduled-sync sections: at scale (100,000 and 1,000,000 records from S3) and the
// Collections path against the baseline, with their targets.
import type { ParityResults } from './collections-parity.js';
import { int, mb, ms, routes, table, type Target } from './markdown.js';
import type { SyncRow } from './sync-runs.js';
import { LAMBDA_1024_FLAGS, MILLION, type SyncScaleResults } from './sync-scale.js';

const LIMIT_KB = 256 * 1024;
const PARITY_RATIO = 1.1;

const asLambda = (row: SyncRow) => row.execArgv.join(' ') === LAMBDA_1024_FLAGS.join(' ');
const capped = (row: SyncRow) => row.execArgv.length > 0 && !asLambda(row);
const heap = (row: SyncRow) =>
  asLambda(row)
    ? `the Lambda runtime's own flags for 1,024 MB: ${row.execArgv.join(' ')}`
    : capped(row)
      ? `capped: ${row.execArgv.join(' ')}`
      : 'V8 defaults';
const ended = (row: SyncRow) => (row.run.threw ? `threw: ${row.run.threw.slice(0, 140)}` : 'returned');
const allWritten = (row: SyncRow) =>
  !row.run.threw &&
  row.check.written === row.count &&
  row.check.lost === 0 &&
  row.check.fieldMismatches === 0;
const ratio = (ours: number, baseline: number) => `${(ours / baseline).toFixed(2)}×`;

function scaleTargets(scale: SyncScaleResults): Target[] {
  const out: Target[] = [];
  const ours = scale.rows.filter((row) => row.client === 'ours');
  for (const count of [...new Set(scale.rows.map((row) => row.count)), ...(scale.million ? [] : [MILLION])]) {
    const n = int(count);
    const byDefault = ours.find((row) => row.count === count && !capped(row));
    const limited = ours.find((row) => row.count === count && capped(row));
    const lambda = ours.find((row) => row.count === count && asLambda(row));
    const notRun = 'not run (`npm run bench -- --sync-1m`)';
    out.push(
      {
        what: `scheduled sync, ${n} records from a gzipped S3 object: peak RSS of the function's process (V8 defaults)`,
        target: '≤ 256 MB',
        result: byDefault ? mb(byDefault.run.maxRssKb) : notRun,
        met: byDefault && byDefault.run.maxRssKb <= LIMIT_KB,
      },
      {
        what: `scheduled sync, ${n} records: peak RSS with the heap capped (${limited?.execArgv.join(' ') ?? 'as for 100,000 upserts'})`,
        target: '≤ 256 MB',
        result: limited ? mb(limited.run.maxRssKb) : notRun,
        met: limited && limited.run.maxRssKb <= LIMIT_KB,
      },
      {
        what: `scheduled sync, ${n} records: peak RSS with the heap flags the Lambda runtime sets for 1,024 MB (${LAMBDA_1024_FLAGS.join(' ')})`,
        target: '≤ 256 MB',
        result: lambda ? mb(lambda.run.maxRssKb) : notRun,
        met: lambda && lambda.run.maxRssKb <= LIMIT_KB,
      },
      {
        what: `scheduled sync, ${n} records: written / lost / field mismatches (both runs)`,
        target: `${n} / 0 / 0`,
        result:
          byDefault && limited
            ? [byDefault, limited]
                .map(
                  (r) => `${int(r.check.written)} / ${int(r.check.lost)} / ${int(r.check.fieldMismatches)}`,
                )
                .join('; ')
            : notRun,
        met: byDefault && limited && allWritten(byDefault) && allWritten(limited),
      },
    );
  }
  return out;
}

function parityTargets(parity: ParityResults): Target[] {
  const ours = parity.rows.find((row) => row.variant.client === 'ours' && row.variant.report);
  const baseline = parity.rows.find((row) => row.variant.client === 'baseline');
  if (!ours || !baseline) return [];
  const n = int(parity.count);
  return [
    {
      what: `Collections path, ${n} records, equal concurrency: time (median) against the baseline's`,
      target: `≤ ${PARITY_RATIO.toFixed(1)}×`,
      result: `${ratio(ours.wallMs, baseline.wallMs)} (${ms(ours.wallMs)} / ${ms(baseline.wallMs)})`,
      met: ours.wallMs <= PARITY_RATIO * baseline.wallMs,
    },
    {
      what: `Collections path, ${n} records, equal concurrency: peak RSS (median) against the baseline's`,
      target: `≤ ${PARITY_RATIO.toFixed(1)}×`,
      result: `${ratio(ours.maxRssKb, baseline.maxRssKb)} (${mb(ours.maxRssKb)} / ${mb(baseline.maxRssKb)})`,
      met: ours.maxRssKb <= PARITY_RATIO * baseline.maxRssKb,
    },
  ];
}

export function syncTargets(scale: SyncScaleResults, parity: ParityResults): Target[] {
  return [...scaleTargets(scale), ...parityTargets(parity)];
}

export function syncScaleSection(scale: SyncScaleResults): string {
  const sources = scale.sources
    .map((s) => `${int(s.count)} records: ${(s.gzipBytes / 1024 ** 2).toFixed(1)} MiB gzipped`)
    .join('; ');
  const rows = scale.rows.map((row) => [
    int(row.count),
    row.client,
    heap(row),
    row.sourceRead,
    row.api,
    ms(row.run.wallMs),
    ms(row.run.cpuMs),
    mb(row.run.maxRssKb),
    mb(row.run.peaks.heapUsedKb),
    int(row.used.apiCalls),
    routes(row.used),
    routes({ routes: row.s3 }),
    int(row.check.written),
    int(row.check.reportedFailed),
    int(row.check.lost),
    int(row.check.fieldMismatches),
    ended(row),
  ]);
  return [
    `Sources (generated as the upsert-volume records, streamed into the S3 emulator): ${sources}.`,
    scale.million
      ? ''
      : '**1,000,000 records: not run this time**; `npm run bench -- --sync-1m` adds them (about four more minutes).',
    '',
    table(
      [
        'records',
        'function',
        'V8 heap',
        'source read',
        'API',
        'wall',
        'CPU',
        'peak RSS',
        'peak heap used',
        'API calls',
        'calls by route',
        'S3 requests',
        'written',
        'reported failed',
        'lost',
        'field mismatches',
        'how it ended',
      ],
      rows,
    ),
  ].join('\n');
}

export function paritySection(parity: ParityResults): string {
  const baseline = parity.rows.find((row) => row.variant.client === 'baseline');
  const each = (values: number[], format: (n: number) => string) => values.map(format).join(', ');
  return table(
    [
      'function',
      'source read',
      'runs',
      'wall (median)',
      'wall (each)',
      'CPU (median)',
      'peak RSS (median)',
      'peak RSS (each)',
      'time / RSS against the baseline',
      'API calls',
      'written / lost',
    ],
    parity.rows.map((row) => [
      row.variant.label,
      row.runs[0]?.sourceRead ?? '–',
      String(row.runs.length),
      ms(row.wallMs),
      each(
        row.runs.map((r) => r.run.wallMs),
        ms,
      ),
      ms(row.cpuMs),
      mb(row.maxRssKb),
      each(
        row.runs.map((r) => r.run.maxRssKb),
        mb,
      ),
      baseline ? `${ratio(row.wallMs, baseline.wallMs)} / ${ratio(row.maxRssKb, baseline.maxRssKb)}` : '–',
      row.runs.map((r) => int(r.used.apiCalls)).join(', '),
      row.runs.map((r) => `${int(r.check.written)} / ${int(r.check.lost)}`).join(', '),
    ]),
  );
}
