// The instance URL of a token response (issue 12, point 5): every API call sends the access token
// there, so it must be https, or plain http to a loopback host (the local stack). The real vendor
// handler logs in to a strict emulator configured to name a given instance_url.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { LOCAL_JWT_SECRET_ID, startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import type { VendorResponse } from '../../lib/token/vendor-request.js';
import { captureOutput, coldStart, lambdaContext } from '../helpers/lambda.js';

type Handler = (event: unknown, context: ReturnType<typeof lambdaContext>) => Promise<VendorResponse>;

const stacks: LocalStack[] = [];
let output: ReturnType<typeof captureOutput> | undefined;

afterEach(() => {
  output?.restore();
  output = undefined;
});

afterAll(async () => {
  await Promise.all(stacks.map((s) => s.close()));
});

/** A vendor cold-started against a stack whose Salesforce answers with `instanceUrl`. */
async function vendorNaming(instanceUrl: string) {
  const stack = await startLocalStack({ salesforce: { instanceUrl } });
  stacks.push(stack);
  const { handler } = await coldStart<{ handler: Handler }>('../../functions/token-vendor.js', {
    ...stack.env,
    SALESFORCE_SECRET_ID: LOCAL_JWT_SECRET_ID,
  });
  output = captureOutput();
  return { stack, invoke: () => handler({}, lambdaContext('token-vendor')) };
}

describe('instance URL of a token response', () => {
  it('plain http to a host that is not loopback: the login fails with a typed error, once, naming no token', async () => {
    const { stack, invoke } = await vendorNaming('http://acme.my.salesforce.com');
    const error = (await invoke().catch((e: unknown) => e)) as Error & { code?: string };
    expect(error.name).toBe('UnexpectedResponseError');
    expect(error.code).toBe('ERR_UNEXPECTED_RESPONSE');
    expect(error.message).toMatch(
      /answered an instance_url that does not use https \(http:\/\/acme\.my\.salesforce\.com\): plain http is accepted only for loopback hosts/,
    );
    // Salesforce did issue a session: its token is in neither the error nor the log.
    expect(stack.salesforce.stats.logins).toBe(1);
    expect(error.message).not.toMatch(/00D\w{12}!/);
    expect(output?.text()).not.toMatch(/00D\w{12}!/);
    expect(output?.text()).toContain('ERR_UNEXPECTED_RESPONSE');
    // Not retried: the same answer would come back.
    expect(stack.salesforce.stats.tokenRequests).toBe(1);
  });

  it('https to any host, and plain http to loopback hosts, are accepted', async () => {
    for (const instanceUrl of [
      'https://acme.my.salesforce.com',
      'http://localhost:8443',
      'http://[::1]:8443',
    ]) {
      const { invoke } = await vendorNaming(instanceUrl);
      expect((await invoke()).instanceUrl).toBe(instanceUrl);
      output?.restore();
    }
  });
});
