// `npm start -- --keep-running` stops on SIGINT and SIGTERM: every emulator's port is closed
// afterwards and npm exits 0, whether the signal goes to the PID it prints, to npm alone (as a
// process manager sends it) or to the whole process group (as Ctrl-C does).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: Error & { code?: string }) => {
      resolve(error.code === 'ECONNREFUSED');
    });
  });
}

describe('npm start -- --keep-running', { timeout: 90_000 }, () => {
  it.each([
    { signal: 'SIGTERM', target: 'printed PID' },
    { signal: 'SIGTERM', target: 'npm' },
    { signal: 'SIGINT', target: 'process group' },
  ] as const)('closes every emulator on $signal to the $target, then exits 0', async ({ signal, target }) => {
    // detached: npm leads a new process group, so signalling the group reaches nothing else.
    const npm = spawn('npm', ['start', '--silent', '--', '--keep-running', '--records', '100'], {
      cwd: ROOT,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(npm, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    try {
      let output = '';
      npm.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      const ready = new Promise<void>((resolve) => {
        npm.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          if (/in process \d+/.test(output)) resolve();
        });
      });
      await Promise.race([ready, exited]);
      const pid = Number(/keep running in process (\d+)/.exec(output)?.[1]);
      const ports = [...new Set([...output.matchAll(/127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))];
      expect(ports.length).toBeGreaterThanOrEqual(4);
      expect(await refused(ports[0] ?? 0)).toBe(false);

      const npmPid = npm.pid;
      if (!npmPid) throw new Error('npm did not start');
      process.kill({ 'printed PID': pid, npm: npmPid, 'process group': -npmPid }[target], signal);
      expect(await exited).toEqual([0, null]);
      expect(output).toContain(`${signal}: stopping the emulators`);
      for (const port of ports) expect(await refused(port), `port ${port}`).toBe(true);
    } finally {
      // Never leave a stack behind when an assertion above fails.
      if (npm.pid && npm.exitCode === null && npm.signalCode === null) process.kill(-npm.pid, 'SIGKILL');
    }
  });
});
