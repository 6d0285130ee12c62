// setupFile: fast-check's global settings for every property in the suite (see test/fuzz/runs.ts).
// Properties without their own count run DEFAULT_NUM_RUNS times (or FC_NUM_RUNS outside CI);
// FC_SEED and FC_PATH replay a failure that fast-check reported.
import fc from 'fast-check';
import { numRuns } from '../fuzz/runs.js';

/** fast-check's own default, written down so CI does not depend on it. */
const DEFAULT_NUM_RUNS = 100;

const seed = process.env.FC_SEED;
const path = process.env.FC_PATH;
if (seed !== undefined && !/^-?\d+$/.test(seed)) throw new Error(`FC_SEED must be an integer, got "${seed}"`);

fc.configureGlobal({
  ...fc.readConfigureGlobal(),
  numRuns: numRuns(DEFAULT_NUM_RUNS),
  ...(seed === undefined ? {} : { seed: Number(seed) }),
  ...(path === undefined ? {} : { path }),
});
