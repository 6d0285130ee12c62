// The real AWS SDK clients run in tests; they need a region and (dummy) credentials to sign
// requests, and must never reach a real AWS endpoint. Each test points the SDK at a local
// emulator through AWS_ENDPOINT_URL_* (test/helpers/env.ts) before it imports the code under test.
import { afterAll, vi } from 'vitest';

process.env.AWS_REGION = 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCALSTACKTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'local-emulator-secret-not-real';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
process.env.POWERTOOLS_DEV = 'false';

// `unstubEnvs: true` undoes a test's vi.stubEnv before the next test starts; this undoes what the
// last test (or a beforeAll) stubbed, so nothing reaches the next file when workers are reused.
afterAll(() => {
  vi.unstubAllEnvs();
});
