// What our command lines (`npm start`, `npm run keys`, `npm run secret:put`) share: node:util
// parseArgs plus --help, and two kinds of failure kept apart. A usage error prints one line naming
// the problem, then the usage, and exits 2; a runtime failure prints one line and exits 1. Neither
// prints a stack trace, and the line holds only an error's name and message, never its data.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util';

/** A problem with the command line itself (exit 2), as opposed to a failure while running. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Cli<O extends ParseArgsOptionsConfig, V> {
  /** Names the command in failure lines, e.g. `secret:put failed: ...`. */
  name: string;
  usage: string;
  options: O;
  /** Turns the parsed strings into typed values; throws UsageError naming the bad option. */
  check: (values: ReturnType<typeof parseArgs<{ options: O; strict: true }>>['values']) => V;
}

export type Parsed<V> = { values: V } | { exitCode: 0 | 2; output: string };

/** Parses `argv` without exiting or printing, so that tests can call it in-process. */
export function parseCli<O extends ParseArgsOptionsConfig, V>(cli: Cli<O, V>, argv: string[]): Parsed<V> {
  if (argv.includes('--help') || argv.includes('-h')) return { exitCode: 0, output: cli.usage };
  try {
    return { values: cli.check(parseArgs({ args: argv, options: cli.options, strict: true }).values) };
  } catch (error) {
    // parseArgs throws TypeErrors coded ERR_PARSE_ARGS_*; their first sentence names the option.
    const code = (error as { code?: unknown }).code;
    if (!(error instanceof UsageError) && !(typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS_')))
      throw error;
    const problem = ((error as Error).message.split(/(?<=\.) /)[0] ?? '').replace(/\.$/, '');
    return { exitCode: 2, output: `${problem}\n\n${cli.usage}` };
  }
}

/** One line for a runtime failure: the error's name (unless plain Error) and message. */
export function failureLine(name: string, error: unknown): string {
  if (!(error instanceof Error)) return `${name} failed: ${String(error)}`;
  return `${name} failed: ${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;
}

/**
 * Runs `main` with the parsed arguments when `moduleUrl` is the program node was started with
 * (so that importing a CLI, as its tests do, runs nothing).
 */
export async function runCli<O extends ParseArgsOptionsConfig, V>(
  moduleUrl: string,
  cli: Cli<O, V>,
  main: (values: V) => Promise<void>,
): Promise<void> {
  const entry = process.argv[1];
  if (entry === undefined || realpathSync(entry) !== realpathSync(fileURLToPath(moduleUrl))) return;
  const parsed = parseCli(cli, process.argv.slice(2));
  if ('output' in parsed) {
    (parsed.exitCode === 0 ? console.log : console.error)(parsed.output);
    process.exit(parsed.exitCode);
  }
  try {
    await main(parsed.values);
  } catch (error) {
    console.error(failureLine(cli.name, error));
    process.exit(1);
  }
}
