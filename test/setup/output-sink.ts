// Everything the test suite prints (worker stdout/stderr, console calls, and output that
// tests capture and swallow) is also appended to a run folder, which test/setup/leak-scan.ts
// scans for secrets once all tests have run.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';

export const OUTPUT_DIR_ENV = 'SF_BRIDGE_OUTPUT_DIR';

/** Written once by the ConsoleSink reporter: console calls reach the sink. */
export const CONSOLE_SINK_MARKER = '# console sink installed';

/** Appends printed text to this process's file in the run folder (no-op outside a scanned run). */
export function recordOutput(text: string): void {
  const dir = process.env[OUTPUT_DIR_ENV];
  if (dir) appendFileSync(join(dir, `output-${process.pid}.log`), text);
}
