// The command lines run as a user runs them, through npm: --help, and a usage error, for each.
// Slow-ish (a process per case); the parsing itself is tested in-process in test/scripts/cli.test.ts.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

async function npmRun(script: string, args: string[]) {
  try {
    const { stdout, stderr } = await run('npm', ['run', '--silent', script, '--', ...args], {
      cwd: ROOT,
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe.each([
  { script: 'start', usage: 'Usage: npm start', bad: ['--records', 'abc'], problem: /^--records must be/ },
  { script: 'keys', usage: 'Usage: npm run keys', bad: ['--days', '0'], problem: /^--days must be/ },
  { script: 'secret:put', usage: 'Usage: npm run secret:put', bad: [], problem: /^--name is required/ },
])('npm run $script', { timeout: 60_000 }, ({ script, usage, bad, problem }) => {
  it('prints the usage for --help and exits 0', async () => {
    const help = await npmRun(script, ['--help']);
    expect(help).toMatchObject({ code: 0, stderr: '' });
    expect(help.stdout.startsWith(usage)).toBe(true);
  });

  it('prints one line naming a bad option, then the usage, and exits 2, with no stack trace', async () => {
    for (const args of [bad, ['--bogus']]) {
      const failure = await npmRun(script, args);
      expect(failure).toMatchObject({ code: 2, stdout: '' });
      const [first, blank, third] = failure.stderr.split('\n');
      expect(first).toMatch(args === bad ? problem : /^Unknown option '--bogus'$/);
      expect([blank, third]).toEqual(['', expect.stringMatching(new RegExp(`^${usage}`)) as unknown]);
      expect(failure.stderr).not.toMatch(/^\s+at |ERR_PARSE_ARGS/m);
    }
  });
});
