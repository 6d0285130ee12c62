// The real AWS SDK clients run in tests; they need a region and (dummy) credentials to sign
// requests, and must never reach a real AWS endpoint. Each test points the SDK at a local
// emulator through AWS_ENDPOINT_URL_* before it imports the code under test.
process.env.AWS_REGION = 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID = 'AKIDLOCALSTACKTEST';
process.env.AWS_SECRET_ACCESS_KEY = 'local-emulator-secret-not-real';
delete process.env.AWS_PROFILE;
delete process.env.AWS_SESSION_TOKEN;
process.env.POWERTOOLS_DEV = 'false';
