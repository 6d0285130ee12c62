// lib/errors.ts as callers meet it: bundled and minified by esbuild without keepNames, which renames
// classes. Every error must still say what it is by `name` (logs and `String(error)` show it) and
// by `code` (what callers switch on).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import * as exported from '../exports/index.js';

const root = fileURLToPath(new URL('../', import.meta.url));

/** The root entry's error classes, from a minified bundle of it (loaded from a data: URL). */
async function minifiedErrors(): Promise<Record<string, new (...args: unknown[]) => Error>> {
  const { outputFiles } = await build({
    absWorkingDir: root,
    entryPoints: ['exports/index.ts'],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    write: false,
    logLevel: 'silent',
  });
  const text = outputFiles[0]?.text ?? '';
  return (await import(`data:text/javascript,${encodeURIComponent(text)}`)) as Record<
    string,
    new (...args: unknown[]) => Error
  >;
}

/** Details that every constructor accepts (SalesforceApiError and SalesforceAuthError need theirs). */
const details = { status: 400, errors: [], error: 'invalid_grant', errorDescription: 'test' };

const errorNames = Object.keys(exported).filter((name) => name.endsWith('Error'));

describe('error classes, minified', () => {
  it('keep their names and codes', async () => {
    const minified = await minifiedErrors();
    expect(errorNames.length).toBeGreaterThan(10);
    for (const name of errorNames) {
      const Minified = minified[name];
      expect(Minified, name).toBeDefined();
      if (!Minified) continue;
      // The minifier did rename the class: the name comes from the source, not from the class.
      expect(Minified.name).not.toBe(name);
      const error = new Minified('message', details) as Error & { code: string };
      expect(error.name).toBe(name);
      expect(error.code).toBe((exported as unknown as Record<string, { code: string }>)[name]?.code);
      expect(String(error)).toBe(`${name}: message`);
    }
  });
});
