// examples/caller, the worked example of README's "Calling the token vendor from your own
// Lambdas", as a user would build it outside this repository: the package packed (`npm pack`, which
// builds dist/; once for the run, test/setup/pack.ts), the example copied to a temp dir next to the
// tarball its package.json names (`file:../../.pack/sf-lambda-bridge.tgz`), its dependencies
// installed (--prefer-offline), then its own steps: `tsc --noEmit`, the esbuild bundle (build.ts),
// the bundle run against sf-lambda-bridge/testing on Node 22 (handler.test.ts), and
// `serverless package` (its own osls devDependency, no plugin: build.ts bundles) offline.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordOutput } from '../setup/output-sink.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
/** The Node 22 binary npm scripts run on (the `node` devDependency), as Lambda's nodejs22.x. */
const NODE = existsSync(join(ROOT, 'node_modules/.bin/node'))
  ? join(ROOT, 'node_modules/.bin/node')
  : process.execPath;
let workDir: string;
let example: string;

/** npm's own env for this run (`npm run test:e2e`) would point a nested npm at this repository. */
function childEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^npm_(lifecycle|package)_/.test(name) &&
        name !== 'npm_config_local_prefix' &&
        name !== 'INIT_CWD' &&
        // The example's test sets the AWS endpoints itself; this run's own must not leak in.
        !name.startsWith('AWS_ENDPOINT_URL'),
    ),
  );
  return { ...env, ...extra };
}

async function exec(file: string, args: string[], cwd: string, timeout = 120_000): Promise<string> {
  const { stdout, stderr } = await run(file, args, {
    cwd,
    env: childEnv(),
    timeout,
    maxBuffer: 32 << 20,
  });
  recordOutput(stdout + stderr);
  return stdout;
}

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'sf-example-'));
  const packDir = join(workDir, '.pack');
  example = join(workDir, 'examples', 'caller');
  await mkdir(packDir, { recursive: true });
  // Packed once for the run by test/setup/pack.ts.
  await copyFile(inject('packedTarball'), join(packDir, 'sf-lambda-bridge.tgz'));
  await cp(join(ROOT, 'examples', 'caller'), example, {
    recursive: true,
    filter: (source) => !/[\\/](node_modules|dist|\.serverless)$/.test(source),
  });
  await exec(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'],
    example,
    170_000,
  );
}, 360_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('examples/caller', () => {
  it('installs sf-lambda-bridge from the packed tarball', async () => {
    const installed = JSON.parse(
      await readFile(join(example, 'node_modules', 'sf-lambda-bridge', 'package.json'), 'utf8'),
    ) as { version: string };
    const own = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(own.version);
  });

  it('type-checks with its own strict NodeNext tsconfig', async () => {
    const tsc = join(example, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(NODE, [tsc, '--noEmit', '-p', example], { cwd: example, timeout: 60_000 }).catch(
      (error: unknown) => error as { stdout: string },
    );
    expect(result.stdout).toBe('');
  });

  it('bundles handler.ts with esbuild (minified ESM, @aws-sdk/* left to the runtime)', async () => {
    await exec(NODE, ['build.ts'], example);
    const bundle = await readFile(join(example, 'dist', 'handler.mjs'), 'utf8');
    expect(bundle).toMatch(/from\s*"@aws-sdk\/client-lambda"/);
    expect(bundle).not.toMatch(/sf-lambda-bridge|@middy\/core/);
    // The caller's bundle carries the client, never the vendor's key handling or the emulators.
    expect(bundle).not.toMatch(/BEGIN (RSA )?PRIVATE KEY|client-secrets-manager|@peculiar/);
    console.info(`examples/caller bundle: ${Buffer.byteLength(bundle)} bytes minified`);
  });

  it('runs the bundle against sf-lambda-bridge/testing on Node 22: accounts upserted and read back', async () => {
    const stdout = await exec(NODE, ['handler.test.ts', join('dist', 'handler.mjs')], example, 60_000);
    const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as {
      ok: boolean;
      node: string;
      first: { upserted: number; failed: unknown[]; accounts: { ref: string; name: string }[] };
    };
    expect(result.ok).toBe(true);
    expect(result.node).toMatch(/^v22\./);
    expect(result.first.upserted).toBe(2);
    expect(result.first.failed).toEqual([{ ref: 'EX-3', statusCode: 'REQUIRED_FIELD_MISSING' }]);
    expect(result.first.accounts.map((a) => a.ref)).toEqual(['EX-1', 'EX-2']);
  });

  it('packages with `serverless package` offline: the bundle only, the policy and vendor ARN imported', async () => {
    const out = join(example, '.serverless');
    await exec(
      join(example, 'node_modules', '.bin', 'serverless'),
      ['package', '--stage', 'dev', '--package', out],
      example,
    );
    const template = JSON.parse(
      await readFile(join(out, 'cloudformation-template-update-stack.json'), 'utf8'),
    ) as { Resources: Record<string, { Properties: Record<string, unknown> }> };
    const fn = template.Resources.AccountsLambdaFunction?.Properties;
    expect(fn).toMatchObject({
      Runtime: 'nodejs22.x',
      Handler: 'dist/handler.handler',
      Environment: {
        Variables: {
          TOKEN_VENDOR_FUNCTION: { 'Fn::ImportValue': 'sf-lambda-bridge-dev-TokenVendorFunctionArn' },
        },
      },
    });
    expect(template.Resources.IamRoleLambdaExecution?.Properties.ManagedPolicyArns).toEqual([
      { 'Fn::ImportValue': 'sf-lambda-bridge-dev-TokenVendorInvokePolicyArn' },
    ]);
    const [zip] = (await readdir(out)).filter((name) => name.endsWith('.zip'));
    const listing = await exec('unzip', ['-Z1', join(out, zip ?? '')], example);
    expect(listing.trim().split('\n').sort()).toEqual(['dist/handler.mjs', 'dist/handler.mjs.map']);
  });
});
