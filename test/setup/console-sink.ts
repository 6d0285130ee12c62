// A reporter that prints nothing: it appends every console call the tests make (whether or not the
// default reporter shows it) to the scanned output sink, in the main process.
import type { UserConsoleLog } from 'vitest';
import type { Reporter } from 'vitest/node';
import { CONSOLE_SINK_MARKER, recordOutput } from './output-sink.js';

export class ConsoleSink implements Reporter {
  #marked = false;

  // Once per run, when the first test file starts: the sink's folder exists by then (it is made
  // by the global setup, after reporters are initialised).
  onTestModuleStart(): void {
    if (this.#marked) return;
    this.#marked = true;
    recordOutput(`${CONSOLE_SINK_MARKER}\n`);
  }

  onUserConsoleLog(log: UserConsoleLog): void {
    recordOutput(log.content);
  }
}
