// `npm run test:unit`: unit and integration tests, in-process against the local emulators.
// The end-to-end checks that spawn processes (serverless package / invoke local, the key
// scripts, npm start) are `npm run test:e2e` (vitest.e2e.config.ts).
import { configDefaults, defineConfig } from 'vitest/config';
import { sharedTestOptions } from './test/setup/shared-config.js';

export default defineConfig({
  test: {
    ...sharedTestOptions,
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, 'test/e2e/**'],
    // One worker process per core runs many files in turn instead of one process per file: the
    // AWS SDK, Powertools and the emulators are imported once per worker, not once per file (about
    // half the run's time). Files stay independent: env is restored after every test and file
    // (test/setup/env.ts), handlers are cold-started in a fresh module registry (coldStart), and
    // every test restores the spies, timers and servers it set up. `npx vitest run --isolate`
    // runs each file in its own process, to tell a leak between files from a real failure.
    isolate: false,
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
