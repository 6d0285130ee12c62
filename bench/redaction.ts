// Log redaction on hostile input: the time to write one log line (the warning a failed SQS message
// causes) whose external ID is a 1 KB or a 1 MB value built to make a backtracking pattern rescan it
// from every position. Measured in process through the functions' own logger (Powertools Logger
// with the redacting replacer), its output discarded.
import { performance } from 'node:perf_hooks';
import { createLogger } from '../functions/shared/logger.js';
import { median } from './stats.js';

const REPEATS = 7;
export const ADVERSARIAL_BYTES = [1024, 1024 * 1024] as const;
/** The 1 MB row's target: a log line must never cost more than a few Salesforce calls. */
export const REDACTION_TARGET_MS = 50;

/** The value's shapes: each one aimed at one of the redaction patterns. */
const SHAPES: readonly { shape: string; unit: string }[] = [
  { shape: 'repeated `eyJ` (compact JWS)', unit: 'eyJ' },
  { shape: 'a base64 run', unit: 'QUJD' },
  { shape: 'repeated `Bearer `', unit: 'Bearer ' },
  { shape: 'repeated `00D…!` (session id)', unit: `00D${'a'.repeat(12)}!` },
];

export interface RedactionRow {
  shape: string;
  bytes: number;
  /** Median wall time of one `logger.warn` line with the value as a field and as a key. */
  medianMs: number;
  /** Length of the line written. */
  lineChars: number;
}

/** Runs `fn` with stdout and stderr writes swallowed, counting the characters written. */
function silenced(fn: () => void): number {
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  let chars = 0;
  const sink = (chunk: string | Uint8Array) => {
    chars += chunk.length;
    return true;
  };
  process.stdout.write = sink;
  process.stderr.write = sink;
  try {
    fn();
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  return chars;
}

export function measureRedaction(): RedactionRow[] {
  const logger = createLogger('sf-sqs-sync');
  const rows: RedactionRow[] = [];
  for (const { shape, unit } of SHAPES) {
    for (const bytes of ADVERSARIAL_BYTES) {
      const value = unit.repeat(Math.ceil(bytes / unit.length)).slice(0, bytes);
      const samples: number[] = [];
      let lineChars = 0;
      // One unmeasured round first, so the JIT has compiled the redactor.
      for (let i = 0; i <= REPEATS; i++) {
        let elapsed = 0;
        lineChars = silenced(() => {
          const started = performance.now();
          logger.warn('message not written to Salesforce', {
            messageId: 'm-1',
            externalId: value,
            record: { [value]: 1 },
          });
          elapsed = performance.now() - started;
        });
        if (i > 0) samples.push(elapsed);
      }
      rows.push({ shape, bytes, medianMs: median(samples), lineChars });
    }
  }
  return rows;
}
