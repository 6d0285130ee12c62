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
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
