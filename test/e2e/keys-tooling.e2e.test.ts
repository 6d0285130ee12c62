// The going-live tooling, run as a user runs it (`npm run keys`, `npm run secret:put`), against
// the local Secrets Manager and Salesforce emulators.
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalStack, type LocalStack } from '../../emulators/local-stack/stack.js';
import { parseCredentials } from '../../lib/secret/credentials.js';
import { coldStart, lambdaContext } from '../helpers/lambda.js';
import { recordOutput } from '../setup/output-sink.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
let stack: LocalStack;
let dir: string;

async function script(name: 'keys' | 'secret-put', args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run('npx', ['--no-install', 'tsx', `scripts/${name}.ts`, ...args], {
      cwd: ROOT,
      timeout: 60_000,
      env: { ...process.env, ...env },
    });
    recordOutput(stdout + stderr);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    recordOutput(e.stdout + e.stderr);
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  stack = await startLocalStack();
  dir = await mkdtemp(join(tmpdir(), 'sf-keys-'));
});

afterAll(async () => {
  await stack.close();
  await rm(dir, { recursive: true, force: true });
});

describe('npm run keys', () => {
  it('writes a certificate, and a 0600 private key and secret, without printing the key', async () => {
    const out = join(dir, 'keys');
    const result = await script('keys', [
      '--out',
      out,
      '--cn',
      'acme-integration',
      '--days',
      '30',
      '--login-url',
      stack.salesforce.url,
      '--client-id',
      '3MVG9.acme',
      '--username',
      'int@acme.com',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('certificate.crt');
    expect(result.stdout + result.stderr).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY|MII/);

    expect((await stat(out)).mode & 0o777).toBe(0o700);
    expect((await stat(join(out, 'private-key.pem'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(out, 'secret.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(out, 'certificate.crt'))).mode & 0o777).toBe(0o644);

    const certificate = new X509Certificate(await readFile(join(out, 'certificate.crt')));
    const privateKey = createPrivateKey(await readFile(join(out, 'private-key.pem')));
    expect(certificate.subject).toBe('CN=acme-integration');
    expect(certificate.checkPrivateKey(privateKey)).toBe(true);
    expect(certificate.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const days = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    expect(createPublicKey(privateKey).export({ type: 'spki', format: 'pem' })).toBe(
      certificate.publicKey.export({ type: 'spki', format: 'pem' }),
    );

    const secret = await readFile(join(out, 'secret.json'), 'utf8');
    expect(
      parseCredentials(secret, 'file', {
        loginUrl: undefined,
        clientId: undefined,
        username: undefined,
        audience: undefined,
      }),
    ).toMatchObject({
      flow: 'jwt-bearer',
      clientId: '3MVG9.acme',
      username: 'int@acme.com',
    });
  });

  it('never overwrites an existing key', async () => {
    const out = join(dir, 'existing');
    expect((await script('keys', ['--out', out])).code).toBe(0);
    const before = await readFile(join(out, 'private-key.pem'), 'utf8');
    const again = await script('keys', ['--out', out]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already holds key files: refusing to overwrite a key/);
    expect(await readFile(join(out, 'private-key.pem'), 'utf8')).toBe(before);
  });
});

describe('npm run secret:put', () => {
  const env = () => ({ AWS_ENDPOINT_URL_SECRETS_MANAGER: stack.secretsManager.url });

  it('creates, then rotates, the secret without printing it; the vendor then logs in with it', async () => {
    const out = join(dir, 'live');
    await script('keys', [
      '--out',
      out,
      '--login-url',
      stack.salesforce.url,
      '--client-id',
      'live-app',
      '--username',
      'live@acme.com',
    ]);
    const file = join(out, 'secret.json');
    const created = await script(
      'secret-put',
      ['--name', 'sf-lambda-bridge/prod/salesforce', '--file', file],
      env(),
    );
    expect(created).toMatchObject({ code: 0 });
    expect(created.stdout).toMatch(
      /^Secret created: arn:aws:secretsmanager:eu-west-1:000000000000:secret:sf-lambda-bridge\/prod\/salesforce-\w{6}/,
    );
    const rotated = await script(
      'secret-put',
      ['--name', 'sf-lambda-bridge/prod/salesforce', '--file', file],
      env(),
    );
    expect(rotated.stdout).toMatch(/^Secret rotated: /);
    for (const output of [created, rotated])
      expect(output.stdout + output.stderr).not.toMatch(/PRIVATE KEY|MII/);
    expect(stack.secretsManager.calls.CreateSecret).toBe(1);
    expect(stack.secretsManager.calls.PutSecretValue).toBe(2);

    // Going live, locally: the admin uploads the certificate and pre-authorizes the user.
    stack.salesforce.registerUser({ username: 'live@acme.com' });
    stack.salesforce.registerApp({
      clientId: 'live-app',
      certificatePem: await readFile(join(out, 'certificate.crt'), 'utf8'),
      permittedUsers: 'admin-approved-pre-authorized',
      preAuthorizedUsers: ['live@acme.com'],
    });
    const { handler } = await coldStart<{
      handler: (e: unknown, c: unknown) => Promise<{ accessToken: string }>;
    }>('../../functions/token-vendor.js', {
      ...stack.env,
      SALESFORCE_SECRET_ID: 'sf-lambda-bridge/prod/salesforce',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    });
    const token = await handler({}, lambdaContext('token-vendor'));
    expect(stack.salesforce.isActiveSession(token.accessToken)).toBe(true);
  });

  it('refuses placeholders and broken keys before calling AWS', async () => {
    const out = join(dir, 'placeholder');
    await script('keys', ['--out', out]);
    const calls = () =>
      (stack.secretsManager.calls.CreateSecret ?? 0) + (stack.secretsManager.calls.PutSecretValue ?? 0);
    const before = calls();
    const placeholder = await script(
      'secret-put',
      ['--name', 'x', '--file', join(out, 'secret.json')],
      env(),
    );
    expect(placeholder.code).toBe(1);
    expect(placeholder.stderr).toMatch(/REPLACE_ME values: fill in clientId and username/);
    const broken = join(dir, 'broken.json');
    await writeFile(
      broken,
      JSON.stringify({
        loginUrl: 'https://login.salesforce.com',
        clientId: 'k',
        username: 'u',
        privateKey: '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN\n-----END PRIVATE KEY-----',
      }),
    );
    const bad = await script('secret-put', ['--name', 'x', '--file', broken], env());
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /PrivateKeyError: privateKey has a PRIVATE KEY header but its content does not parse/,
    );
    expect(bad.stderr).not.toContain('MIIEvQIBADAN');
    expect(calls()).toBe(before);
  });
});
