// Parent side of bench/child.ts: forks a plain `node` (no tsx loader, no inherited flags) on the
// bundled runner, sends it one task, and waits for its answer.
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import type {
  ChildMessage,
  ChildTask,
  ColdResult,
  ColdTask,
  SyncResult,
  SyncTask,
  UpsertResult,
  UpsertTask,
} from './tasks.js';

const CHILD_TIMEOUT_MS = 180_000;
/** A sync task may take its whole Lambda timeout; the child is killed a minute after that. */
const timeoutOf = (task: ChildTask) => (task.kind === 'sync' ? task.timeoutMs + 60_000 : CHILD_TIMEOUT_MS);

export interface ChildRun<T> {
  result: T;
  /** Fork to exit, as seen from here. */
  processMs: number;
}

export function runChild(
  runner: string,
  task: ColdTask,
  env: NodeJS.ProcessEnv,
  execArgv?: readonly string[],
): Promise<ChildRun<ColdResult>>;
export function runChild(
  runner: string,
  task: UpsertTask,
  env: NodeJS.ProcessEnv,
  execArgv?: readonly string[],
): Promise<ChildRun<UpsertResult>>;
export function runChild(
  runner: string,
  task: SyncTask,
  env: NodeJS.ProcessEnv,
  execArgv?: readonly string[],
): Promise<ChildRun<SyncResult>>;
export function runChild(
  runner: string,
  task: ChildTask,
  env: NodeJS.ProcessEnv,
  execArgv: readonly string[] = [],
): Promise<ChildRun<ColdResult | UpsertResult | SyncResult>> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = fork(runner, [JSON.stringify(task)], {
      execArgv: [...execArgv],
      env,
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    let message: ChildMessage | undefined;
    child.on('message', (received) => {
      message = received as ChildMessage;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
    }, timeoutOf(task));
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const processMs = performance.now() - started;
      if (message?.ok) {
        resolve({ result: message.result, processMs });
        return;
      }
      const why = message ? message.error : `exited with ${signal ?? String(code)} without an answer`;
      reject(new Error(`child task ${JSON.stringify(task)} failed: ${why}\n${stderr}`));
    });
  });
}
