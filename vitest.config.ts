import { defineConfig } from 'vitest/config';
import { recordOutput } from './test/setup/output-sink.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup/env.ts', 'test/setup/output-capture.ts'],
    globalSetup: ['test/setup/leak-scan.ts'],
    // Console calls from tests arrive here, in the main process: they are scanned too.
    onConsoleLog: (log) => {
      recordOutput(log);
    },
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
  },
});
