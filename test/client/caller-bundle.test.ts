// Issue 10's size budget, measured the way a caller builds: esbuild bundles a caller Lambda (middy,
// salesforce() and one request), minified, with the AWS SDK external as the Lambda runtime
// provides it. Sizes are deterministic, so they are asserted; times are not.
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { CALLER_BUDGET_BYTES, CALLER_ENTRY, callerBuildOptions } from './fixtures/caller-build.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Key and secret code that a caller must never load. */
const FORBIDDEN = [
  /node_modules\/jose\//,
  /node_modules\/@aws-sdk\/client-secrets-manager\//,
  /node_modules\/@aws-lambda-powertools\/parameters\//,
  /^lib\/secret\//,
  /^lib\/auth\//,
  /^lib\/token\/token-provider\.ts$/,
  /^lib\/token\/salesforce-login\.ts$/,
];

const CALLER = CALLER_ENTRY;

/** Bytes of every output file, and the metafile. */
async function bundle(entry: string, options: BuildOptions = {}) {
  const result = await build({
    ...callerBuildOptions(root),
    entryPoints: [entry],
    ...options,
  });
  const { outputFiles, metafile } = result;
  if (!outputFiles || !metafile) throw new Error('esbuild returned no output or metafile');
  const sizes = Object.fromEntries(
    outputFiles.map((file) => [file.path.slice(root.length), file.contents.byteLength]),
  );
  return { sizes, metafile };
}

/** Every module the bundle took in, and every import it left external. */
function modules(metafile: Metafile): string[] {
  const external = Object.values(metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
  return [...Object.keys(metafile.inputs), ...external];
}

const forbidden = (metafile: Metafile) =>
  modules(metafile).filter((path) => FORBIDDEN.some((f) => f.test(path)));

describe('the caller bundle', () => {
  it('middy + salesforce() + one request takes in no key, secret or signing code', async () => {
    const { metafile } = await bundle(CALLER, { outfile: 'caller.js' });
    expect(modules(metafile)).toContain('functions/shared/salesforce-middleware.ts');
    expect(forbidden(metafile)).toEqual([]);
  });

  it('the /client entry reaches no secret, key or signing module, and imports neither jose nor Secrets Manager', async () => {
    const { metafile } = await bundle('exports/client.ts', { outfile: 'client.js', packages: 'external' });
    const inputs = modules(metafile);
    expect(forbidden(metafile)).toEqual([]);
    expect(inputs).not.toContain('jose');
    expect(inputs).not.toContain('@aws-sdk/client-secrets-manager');
    expect(inputs).toContain('@aws-sdk/client-lambda');
  });

  // The budget is why the caller's path carries no library of its own: client options, the vendor's
  // answer, its env vars and upsert's records are checked by hand (zod stays on the sync path), CSV
  // is lib/csv.ts, retries lib/retry.ts.
  it('carries no schema, CSV, retry or concurrency library', async () => {
    const { metafile } = await bundle(CALLER, { outfile: 'caller.js' });
    // lib/env.ts imports zod for the sync functions' settings; none of it may reach the output.
    const carried = Object.values(metafile.outputs).flatMap((output) =>
      Object.entries(output.inputs)
        .filter(([, input]) => input.bytesInOutput > 0)
        .map(([path]) => path),
    );
    expect(carried).toContain('lib/env.ts');
    expect(
      carried.filter((path) => /node_modules\/(zod|csv-parse|csv-stringify|p-retry|p-map)\//.test(path)),
    ).toEqual([]);
  });

  // Met again after the token waits took the deadline and Bulk writes became streams: `upsert`
  // (a method, so in every caller's bundle) writes its in-memory records without the streaming
  // writer (lib/salesforce/bulk-ingest.ts), and CsvReader splits a row in one pass.
  it(`middy + salesforce() + one request is at most ${CALLER_BUDGET_BYTES} bytes`, async () => {
    const { sizes } = await bundle(CALLER, { outfile: 'caller.js' });
    expect(sizes['caller.js']).toBeLessThanOrEqual(CALLER_BUDGET_BYTES);
  });
});
