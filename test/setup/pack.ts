// globalSetup of the end-to-end run: `npm pack` once (prepack builds dist/), for every test file
// that installs the package as its users do (package.e2e, example-caller.e2e). Packing once is not
// only faster: two packs at the same time in parallel files would both empty and rebuild dist/.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The packed tarball, `<dir>/sf-lambda-bridge.tgz`. */
    packedTarball: string;
    /** The paths `npm pack --json` reported, e.g. `dist/exports/index.js`. */
    packedFiles: string[];
    /** What `npm pack` printed (the build's output included), for the leak scan. */
    packOutput: string;
  }
}

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

/** npm's own env for this run (`npm run test:e2e`) would point a nested npm at this repository. */
function childEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([name]) =>
        !/^npm_(lifecycle|package)_/.test(name) && name !== 'npm_config_local_prefix' && name !== 'INIT_CWD',
    ),
  );
}

let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  dir = await mkdtemp(join(tmpdir(), 'sf-pack-'));
  const { stdout, stderr } = await run('npm', ['pack', '--json', '--pack-destination', dir], {
    cwd: ROOT,
    env: childEnv(),
    timeout: 170_000,
    maxBuffer: 32 << 20,
  });
  // prepack's output may come ahead of the JSON report.
  const report = JSON.parse(stdout.slice(stdout.indexOf('[\n'))) as { files: { path: string }[] }[];
  const [tarball] = (await readdir(dir)).filter((name) => name.endsWith('.tgz'));
  const packedTarball = join(dir, 'sf-lambda-bridge.tgz');
  await rename(join(dir, tarball ?? ''), packedTarball);
  project.provide('packedTarball', packedTarball);
  project.provide('packedFiles', report[0]?.files.map((file) => file.path) ?? []);
  project.provide('packOutput', stdout + stderr);
}

export async function teardown(): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}
