// The package as its users meet it: `npm pack` (which builds dist/ through prepack; once for the
// run, test/setup/pack.ts), the tarball installed into a fresh project with the peer dependencies,
// and every subpath imported from plain Node 22 ESM, outside this repository. Installs come from the npm cache when it has the
// packages (--prefer-offline), else from the registry.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import * as errors from '../../lib/errors.js';
import { recordOutput } from '../setup/output-sink.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');
/** The Node 22 binary npm scripts run on (the `node` devDependency), as Lambda's nodejs22.x. */
const NODE = existsSync(join(ROOT, 'node_modules/.bin/node'))
  ? join(ROOT, 'node_modules/.bin/node')
  : process.execPath;

interface PackageJson {
  name: string;
  version: string;
  exports: Record<string, unknown>;
  peerDependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

let packageJson: PackageJson;
let workDir: string;
let project: string;
let packedFiles: string[];

/** npm's own env for this run (`npm run test:e2e`) would point a nested npm at this repository. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^npm_(lifecycle|package)_/.test(name) && name !== 'npm_config_local_prefix' && name !== 'INIT_CWD',
    ),
  );
}

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout, stderr } = await run('npm', args, {
    cwd,
    env: childEnv(),
    timeout: 170_000,
    maxBuffer: 32 << 20,
  });
  recordOutput(stdout + stderr);
  return stdout;
}

/** The subpath a package.json `exports` key names, e.g. `./vendor` -> `sf-lambda-bridge/vendor`. */
const specifier = (key: string) => (key === '.' ? packageJson.name : `${packageJson.name}/${key.slice(2)}`);

beforeAll(async () => {
  packageJson = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as PackageJson;
  workDir = await mkdtemp(join(tmpdir(), 'sf-package-'));
  project = join(workDir, 'consumer');
  await mkdir(project, { recursive: true });
  // Packed once for the run by test/setup/pack.ts (`npm pack`, which runs prepack, the build).
  recordOutput(inject('packOutput'));
  packedFiles = inject('packedFiles');
  const tarball = inject('packedTarball');
  await writeFile(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }),
  );
  const peers = Object.entries(packageJson.peerDependencies).map(([name, range]) => `${name}@${range}`);
  // For the TypeScript consumer below: Node's types, as any Lambda project has them.
  peers.push(`@types/node@${packageJson.devDependencies['@types/node'] ?? '22'}`);
  await npm(
    ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball, ...peers],
    project,
  );
}, 180_000);

afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds dist/ (JavaScript and types, no sources, tests or handler files), README, LICENSE, CHANGELOG', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md']),
    );
    const outside = packedFiles.filter(
      (file) =>
        !file.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md'].includes(file),
    );
    expect(outside).toEqual([]);
    for (const key of Object.keys(packageJson.exports).filter((k) => k !== './package.json')) {
      const name = key === '.' ? 'index' : key.slice(2);
      if (!existsSync(join(ROOT, 'exports', `${name}.ts`))) continue; // another subpath's owner adds it
      expect(packedFiles).toEqual(
        expect.arrayContaining([`dist/exports/${name}.js`, `dist/exports/${name}.d.ts`]),
      );
    }
    // The local stack's key generation, imported from scripts/, ships with /testing.
    expect(packedFiles).toEqual(expect.arrayContaining(['dist/scripts/keys/key-material.js']));
    const stray = packedFiles.filter(
      (file) =>
        /^dist\/(test|bench)\//.test(file) ||
        /^dist\/functions\/[^/]+\.js$/.test(file) ||
        (file.endsWith('.ts') && !file.endsWith('.d.ts')),
    );
    expect(stray).toEqual([]);
  });
});

/** Runs an ES module in the consumer project on Node 22 and returns what it printed, parsed. */
async function inConsumer<T>(source: string): Promise<T> {
  const { stdout, stderr } = await run(NODE, ['--input-type=module', '-e', source], {
    cwd: project,
    env: childEnv(),
    timeout: 60_000,
  });
  recordOutput(stdout + stderr);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? 'null') as T;
}

const MAIN_NAMES: Record<string, string[]> = {
  '.': [
    'SfBridgeError',
    'SalesforceAuthError',
    'SalesforceApiError',
    'TokenVendorError',
    'ConfigurationError',
  ],
  './client': ['SalesforceClient', 'VendorTokenProvider'],
  './middy': ['salesforce'],
  './vendor': [
    'LocalTokenProvider',
    'fromCredentials',
    'fromSecretsManager',
    'createTokenVendorHandler',
    'createLocalTokenProvider',
  ],
  './sync': ['syncSqsBatch', 'runScheduledSync', 'upsertRecords', 'countOutcomes', 'createSyncRuntime'],
  './testing': [
    'SalesforceEmulator',
    'SecretsManagerEmulator',
    'LambdaEmulator',
    'startLocalStack',
    'generateKeyMaterial',
  ],
};

describe('every subpath, imported from plain Node 22 ESM', () => {
  for (const [key, names] of Object.entries(MAIN_NAMES)) {
    // ./client and ./middy are written on another branch; until they are merged, they are skipped.
    const entry = join(ROOT, 'exports', `${key === '.' ? 'index' : key.slice(2)}.ts`);
    it.skipIf(!existsSync(entry))(`${key} exports ${names.join(', ')}`, async () => {
      const found = await inConsumer<{ node: string; types: Record<string, string> }>(`
        const m = await import(${JSON.stringify(specifier(key))});
        const types = Object.fromEntries(Object.entries(m).map(([k, v]) => [k, typeof v]));
        console.log(JSON.stringify({ node: process.version, types }));
      `);
      expect(found.node).toMatch(/^v22\./);
      expect(Object.fromEntries(names.map((n) => [n, found.types[n]]))).toEqual(
        Object.fromEntries(names.map((n) => [n, 'function'])),
      );
    });
  }

  it('the root exports every error class with its code', async () => {
    const expected = Object.fromEntries(
      Object.entries(errors)
        .filter(([, value]) => typeof value === 'function' && 'code' in value)
        .map(([name, value]) => [name, (value as { code: string }).code]),
    );
    const codes = await inConsumer<Record<string, string>>(`
      const m = await import('sf-lambda-bridge');
      console.log(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.code]))));
    `);
    expect(codes).toEqual(expected);
    expect(codes.SalesforceAuthError).toBe('ERR_SALESFORCE_AUTH');
  });

  it('mints a token with /vendor from in-memory credentials against /testing’s local stack', async () => {
    const result = await inConsumer<{ instanceUrl: boolean; active: boolean; version: string }>(`
      import { readFile } from 'node:fs/promises';
      const { LOCAL_CC_CLIENT_ID, startLocalStack } = await import('sf-lambda-bridge/testing');
      const { fromCredentials, LocalTokenProvider } = await import('sf-lambda-bridge/vendor');
      const { version } = JSON.parse(await readFile(new URL(import.meta.resolve('sf-lambda-bridge/package.json')), 'utf8'));
      const stack = await startLocalStack();
      try {
        const tokens = new LocalTokenProvider({
          credentials: fromCredentials({ loginUrl: stack.salesforce.url, clientId: LOCAL_CC_CLIENT_ID, clientSecret: stack.clientSecret }),
        });
        const token = await tokens.getToken();
        console.log(JSON.stringify({
          instanceUrl: token.instanceUrl === stack.salesforce.url,
          active: stack.salesforce.isActiveSession(token.accessToken),
          version,
        }));
      } finally {
        await stack.close();
      }
    `);
    expect(result).toEqual({ instanceUrl: true, active: true, version: packageJson.version });
  });
});

describe('the shipped types', () => {
  // A strict TypeScript caller of the subpaths on this branch, checked against dist/'s .d.ts files
  // as installed. skipLibCheck: @middy/core's own types name an optional package it does not install.
  const caller = `
    import { SalesforceAuthError, type RecordOutcome, type SalesforceApi as SharedApi, type SalesforceToken, type TokenProvider } from 'sf-lambda-bridge';
    import { createTokenVendorHandler, fromCredentials, fromSecretsManager, LocalTokenProvider, type CredentialsSource } from 'sf-lambda-bridge/vendor';
    import { createSyncRuntime, readSyncEnv, startInvocation, syncSqsBatch, upsertRecords, type SalesforceApi } from 'sf-lambda-bridge/sync';
    import { SalesforceClient } from 'sf-lambda-bridge/client';
    import { startLocalStack } from 'sf-lambda-bridge/testing';
    import type { Context, SQSEvent } from 'aws-lambda';

    const inMemory = fromCredentials({ loginUrl: 'https://login.salesforce.com', clientId: 'id', clientSecret: 'secret' });
    const source: CredentialsSource = (options) => inMemory(options);
    const tokens: TokenProvider = new LocalTokenProvider({ credentials: source });
    export const vendor = createTokenVendorHandler({ credentials: fromSecretsManager('sf/creds', { maxAgeSeconds: 60 }) });
    export const token: Promise<SalesforceToken> = tokens.getToken();
    const runtime = createSyncRuntime('orders-sync', readSyncEnv);
    export async function handler(event: SQSEvent, context: Context) {
      const { client } = startInvocation(runtime, context);
      const { response, counts } = await syncSqsBatch(event.Records, { client, defaults: { sobject: 'Order__c', externalIdField: 'Ext_Id__c' } });
      const outcome: RecordOutcome | undefined = undefined;
      return { response, failed: counts.failed, outcome, code: SalesforceAuthError.code };
    }
    export const stack = startLocalStack().then((s) => s.env);

    // The public client drives the sync building blocks (SalesforceApi, from /sync and the root).
    const salesforce = new SalesforceClient({ tokenVendor: 'sf-token-vendor' });
    const api: SalesforceApi = salesforce;
    const shared: SharedApi = api;
    export const remaining: number = shared.remainingMs();
    export async function ownSync(event: SQSEvent) {
      const { response } = await syncSqsBatch(event.Records, { client: salesforce, defaults: { sobject: 'Order__c', externalIdField: 'Ext_Id__c' } });
      await upsertRecords(salesforce, [], { sobject: 'Order__c', externalIdField: 'Ext_Id__c' });
      return response;
    }
    // A TokenProvider written before getToken took options still is one; so is one that uses them.
    export const legacy: TokenProvider = { getToken: () => tokens.getToken(), refreshToken: (stale?: string) => tokens.refreshToken(stale) };
    export const bounded: TokenProvider = {
      getToken: (options) => tokens.getToken({ deadline: options?.deadline }),
      refreshToken: (stale, options) => tokens.refreshToken(stale, options),
    };
    export const bySalesforceClient = new SalesforceClient({ tokens: legacy });
  `;

  it.each([
    ['NodeNext', 'nodenext'],
    ['Bundler', 'esnext'],
  ])('type-check a strict caller with moduleResolution %s', async (resolution, module) => {
    await writeFile(join(project, 'caller.ts'), caller);
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = [
      '--noEmit',
      '--strict',
      '--exactOptionalPropertyTypes',
      '--skipLibCheck',
      '--target',
      'es2023',
    ];
    const result = await run(
      NODE,
      [tsc, ...args, '--module', module, '--moduleResolution', resolution, '--types', 'node', 'caller.ts'],
      {
        cwd: project,
        timeout: 60_000,
      },
    ).catch((error: unknown) => error as { stdout: string });
    expect(result.stdout).toBe('');
  });
});

/** Bundles `source` (an entry in the consumer project) and lists the files that put bytes into it. */
async function bundledInputs(name: string, source: string): Promise<{ inputs: string[]; bytes: number }> {
  const entry = join(project, name);
  await writeFile(entry, source);
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: project,
    bundle: true,
    minify: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    write: false,
    metafile: true,
    outfile: join(project, 'bundle.js'),
    logLevel: 'silent',
  });
  const [output] = Object.values(result.metafile.outputs);
  const inputs = Object.entries(output?.inputs ?? {})
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
  return { inputs, bytes: output?.bytes ?? 0 };
}

const SECRETS_MANAGER = /@aws-sdk\/client-secrets-manager\/|@aws-lambda-powertools\/parameters\//;

describe('a bundle of /vendor', () => {
  it('with fromCredentials carries LocalTokenProvider and no Secrets Manager client, Parameters, middy or logger', async () => {
    const { inputs, bytes } = await bundledInputs(
      'vendor-in-memory.js',
      `import { fromCredentials, LocalTokenProvider } from 'sf-lambda-bridge/vendor';\n` +
        `export const tokens = (input) => new LocalTokenProvider({ credentials: fromCredentials(input) });\n`,
    );
    expect(inputs).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/sf-lambda-bridge\/dist\/lib\/token\/token-provider\.js$/),
        expect.stringMatching(/sf-lambda-bridge\/dist\/lib\/secret\/credentials-source\.js$/),
      ]),
    );
    const unwanted = inputs.filter(
      (path) =>
        SECRETS_MANAGER.test(path) ||
        /@aws-sdk\/|@aws-lambda-powertools\/|@middy\/|secret-source\.js/.test(path),
    );
    expect(unwanted).toEqual([]);
    console.info(`/vendor with fromCredentials: ${bytes} bytes minified`);
  });

  it('with fromSecretsManager does carry the Secrets Manager client (the check above can fail)', async () => {
    const { inputs } = await bundledInputs(
      'vendor-secret.js',
      `import { fromSecretsManager, LocalTokenProvider } from 'sf-lambda-bridge/vendor';\n` +
        `export const tokens = (id) => new LocalTokenProvider({ credentials: fromSecretsManager(id) });\n`,
    );
    expect(inputs.some((path) => SECRETS_MANAGER.test(path))).toBe(true);
  });
});
