// `npm run test:e2e`: the slow end-to-end checks, each spawning real processes: `serverless
// package` and its CloudFormation, `serverless invoke local`, the key scripts, `npm start`.
// .ci/run runs them after `npm test`.
import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from './test/setup/shared-config.js';

export default defineConfig({
  test: {
    ...sharedTestOptions,
    // test/setup/pack.ts: `npm pack` once, for the files that install the tarball.
    globalSetup: [...sharedTestOptions.globalSetup, 'test/setup/pack.ts'],
    include: ['test/e2e/**/*.e2e.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
