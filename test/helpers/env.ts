import { beforeEach, vi } from 'vitest';

/**
 * Sets (or, with `undefined`, deletes) env vars through vi.stubEnv: vitest puts them back before
 * the next test starts (`unstubEnvs: true`) and at the end of the file (test/setup/env.ts).
 */
export function stubEnv(vars: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
}

/**
 * Env for every test of the enclosing suite (or file): stubbed again before each test, since the
 * previous test's stubs are undone. `vars` is read then, so it may name servers started in beforeAll.
 */
export function useEnv(vars: () => Record<string, string | undefined>): void {
  beforeEach(() => {
    stubEnv(vars());
  });
}
