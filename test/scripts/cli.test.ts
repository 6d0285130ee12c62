// The command lines' arguments, parsed in-process: what each prints and the exit code it would use.
// (test/e2e/cli-usage.e2e.test.ts runs them as a user does.)
import { describe, expect, it } from 'vitest';
import { startCli } from '../../emulators/local-stack/start.js';
import { failureLine, parseCli, UsageError } from '../../scripts/cli.js';
import { keysCli } from '../../scripts/keys.js';
import { secretPutCli } from '../../scripts/secret-put.js';

/** A usage error: one line naming the problem, a blank line, then the usage. */
function usageError(cli: { usage: string }, output: unknown): string {
  const text = String(output);
  expect(text.endsWith(`\n\n${cli.usage}`)).toBe(true);
  const problem = text.slice(0, -cli.usage.length - 2);
  expect(problem).not.toContain('\n');
  return problem;
}

describe.each([
  {
    command: 'npm start',
    usage: startCli.usage,
    parse: (argv: string[]) => parseCli(startCli, argv),
    stringOption: 'records',
  },
  {
    command: 'npm run keys',
    usage: keysCli.usage,
    parse: (argv: string[]) => parseCli(keysCli, argv),
    stringOption: 'out',
  },
  {
    command: 'npm run secret:put',
    usage: secretPutCli.usage,
    parse: (argv: string[]) => parseCli(secretPutCli, argv),
    stringOption: 'name',
  },
])('$command', ({ command, usage, parse, stringOption }) => {
  it('answers --help and -h with the usage, exit 0, whatever else is on the line', () => {
    expect(usage).toMatch(new RegExp(`^Usage: ${command} `));
    for (const argv of [['--help'], ['-h'], ['--bogus', '--help']])
      expect(parse(argv)).toEqual({ exitCode: 0, output: usage });
  });

  it('names an unknown option, an option without its value and a stray argument', () => {
    const problem = (argv: string[]) => {
      const parsed = parse(argv);
      expect(parsed).toMatchObject({ exitCode: 2 });
      return usageError({ usage }, 'output' in parsed && parsed.output);
    };
    expect(problem(['--bogus'])).toBe("Unknown option '--bogus'");
    expect(problem(['stray'])).toBe("Unexpected argument 'stray'");
    expect(problem([`--${stringOption}`])).toBe(`Option '--${stringOption} <value>' argument missing`);
  });
});

describe('checks beyond the option types', () => {
  it('npm start: --records is a whole number from 10 to 1000000', () => {
    expect(parseCli(startCli, [])).toEqual({ values: { keepRunning: false, records: 10_000 } });
    expect(parseCli(startCli, ['--keep-running', '--records', '500'])).toEqual({
      values: { keepRunning: true, records: 500 },
    });
    for (const bad of ['abc', '9', '1000001', '1e3', '50.5', '']) {
      const parsed = parseCli(startCli, ['--records', bad]);
      expect(usageError(startCli, 'output' in parsed && parsed.output)).toBe(
        `--records must be a whole number from 10 to 1000000, not "${bad}"`,
      );
    }
  });

  it('keys: --days is a whole number from 1 to 3650', () => {
    expect(parseCli(keysCli, ['--days', '30'])).toMatchObject({ values: { days: 30, out: 'keys' } });
    for (const bad of ['0', '3651', '-5', 'ten']) {
      const parsed = parseCli(keysCli, [`--days=${bad}`]);
      expect(usageError(keysCli, 'output' in parsed && parsed.output)).toBe(
        `--days must be a whole number from 1 to 3650, not "${bad}"`,
      );
    }
  });

  it('secret:put: --name is required; --file has its default', () => {
    expect(parseCli(secretPutCli, ['--name', 'sf/prod'])).toEqual({
      values: { name: 'sf/prod', file: 'keys/secret.json' },
    });
    const parsed = parseCli(secretPutCli, ['--file', 'x.json']);
    expect(usageError(secretPutCli, 'output' in parsed && parsed.output)).toBe(
      '--name is required: the secret name the token vendor reads',
    );
  });
});

describe('failureLine', () => {
  it("is one line with the error's name (unless plain Error) and message, nothing else", () => {
    class PrivateKeyError extends Error {
      override name = 'PrivateKeyError';
      readonly pem = '-----BEGIN PRIVATE KEY-----';
    }
    expect(failureLine('secret:put', new PrivateKeyError('privateKey does not parse'))).toBe(
      'secret:put failed: PrivateKeyError: privateKey does not parse',
    );
    expect(failureLine('keys', new Error('keys already holds key files'))).toBe(
      'keys failed: keys already holds key files',
    );
    expect(failureLine('npm start', 'boom')).toBe('npm start failed: boom');
  });

  it('UsageError is an Error named UsageError', () => {
    expect(new UsageError('x')).toMatchObject({ name: 'UsageError', message: 'x' });
  });
});
