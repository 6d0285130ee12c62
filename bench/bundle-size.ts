// Builds every function with esbuild as serverless.yml packages ours (bundle, minify, keepNames,
// ESM, platform node, target node22, `@aws-sdk/*` left to the Lambda runtime, the createRequire
// banner), and reports the minified bytes. The same options for all three clients.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';
import type { ClientName } from './clients/types.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Inside node_modules so that the external `@aws-sdk/*` resolve as they would in Lambda. */
export const OUT_DIR = join(ROOT, 'node_modules', '.cache', 'sf-lambda-bridge-bench');

export interface FunctionBundle {
  client: ClientName;
  /** `token` or `sync`: what the function does. */
  role: 'token' | 'sync';
  name: string;
  entry: string;
  path: string;
  bytes: number;
  gzipBytes: number;
}

const FUNCTIONS: readonly Omit<FunctionBundle, 'path' | 'bytes' | 'gzipBytes'>[] = [
  { client: 'ours', role: 'token', name: 'token-vendor', entry: 'functions/token-vendor.ts' },
  { client: 'ours', role: 'sync', name: 'sqs-sync', entry: 'functions/sqs-sync.ts' },
  { client: 'ours', role: 'sync', name: 'scheduled-sync', entry: 'functions/scheduled-sync.ts' },
  {
    client: 'jsforce',
    role: 'token',
    name: 'token-vendor',
    entry: 'bench/jsforce-functions/token-vendor.ts',
  },
  { client: 'jsforce', role: 'sync', name: 'sync', entry: 'bench/jsforce-functions/sync.ts' },
  {
    client: 'baseline',
    role: 'token',
    name: 'token-vendor',
    entry: 'bench/baseline-functions/token-vendor.ts',
  },
  { client: 'baseline', role: 'sync', name: 'sync', entry: 'bench/baseline-functions/sync.ts' },
];

const LAMBDA_OPTIONS: BuildOptions = {
  absWorkingDir: ROOT,
  bundle: true,
  minify: true,
  keepNames: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  external: ['@aws-sdk/*'],
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  logLevel: 'error',
};

export async function buildFunctionBundles(): Promise<FunctionBundle[]> {
  const dir = join(OUT_DIR, 'functions');
  await mkdir(dir, { recursive: true });
  const bundles: FunctionBundle[] = [];
  for (const fn of FUNCTIONS) {
    const path = join(dir, `${fn.client}-${fn.name}.mjs`);
    const result = await build({ ...LAMBDA_OPTIONS, entryPoints: [fn.entry], outfile: path, write: false });
    const output = result.outputFiles.find((file) => file.path === path);
    if (!output) throw new Error(`esbuild wrote no ${path}`);
    await writeFile(path, output.contents);
    bundles.push({
      ...fn,
      path,
      bytes: output.contents.byteLength,
      gzipBytes: gzipSync(output.contents).byteLength,
    });
  }
  return bundles;
}

/** The child runner, code-split so that a child loads only the client it measures. */
export async function buildChildRunner(): Promise<string> {
  const outdir = join(OUT_DIR, 'child');
  await build({
    ...LAMBDA_OPTIONS,
    minify: false,
    entryPoints: { child: 'bench/child.ts' },
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    write: true,
  });
  return join(outdir, 'child.mjs');
}
