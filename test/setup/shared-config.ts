// What the unit/integration run (vitest.config.ts) and the end-to-end run (vitest.e2e.config.ts)
// share: the same environment, output capture, leak scan and env hygiene.
import type { ViteUserConfig } from 'vitest/config';
import { ConsoleSink } from './console-sink.js';

export const sharedTestOptions = {
  setupFiles: ['test/setup/env.ts', 'test/setup/output-capture.ts', 'test/setup/fast-check.ts'],
  globalSetup: ['test/setup/leak-scan.ts'],
  // The default reporter prints nothing a passing test wrote to the console; a failing test's
  // console output is printed with its failure. ConsoleSink hands every console call, printed or
  // not, to the leak scan (test/setup/leak-scan.ts checks it is installed).
  silent: 'passed-only',
  reporters: ['default', new ConsoleSink()],
  // Every vi.stubEnv is undone before the next test (and at the end of each file: test/setup/env.ts).
  unstubEnvs: true,
  pool: 'forks',
} satisfies NonNullable<ViteUserConfig['test']>;
