// How many runs each fast-check property gets, and how a failure is replayed.
//
// - Every property names its own run count in its file (cheap pure properties a few hundred, ones
//   that go through the emulators over HTTP a few dozen). Those counts are what CI runs: under
//   CI=true they are fixed, whatever FC_NUM_RUNS says.
// - Locally, FC_NUM_RUNS=N runs every property N times instead: small for a quick loop
//   (FC_NUM_RUNS=5), large to fuzz one file harder (FC_NUM_RUNS=5000 npx vitest run test/fuzz/redaction.test.ts).
// - A failing property's error names its seed and path (fast-check's own report, kept as is:
//   no helper here catches or rewrites fc.assert's error). Replay it with
//   FC_SEED=<seed> FC_PATH=<path> npx vitest run <file> -t '<test name>'
//   (test/setup/fast-check.ts passes them to fc.configureGlobal; a path only fits its own property).

/** The checked-in run count, or FC_NUM_RUNS outside CI. */
export function numRuns(checkedIn: number): number {
  const override = process.env.CI === 'true' ? undefined : readPositiveInt('FC_NUM_RUNS');
  return override ?? checkedIn;
}

export function readPositiveInt(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number >= 1, got "${raw}"`);
  return value;
}
