// What an invocation logs, as Lambda's Node.js runtime records it, so `LogType: Tail` can return it.
// Handlers run in this process, so their output is told apart by async context (AsyncLocalStorage):
// while at least one emulator is running, the global console methods and process.stdout/stderr.write
// are wrapped, and a call made from within an invocation (in its own code or in anything it awaits) is
// appended to that invocation's log and, unless the emulator was started with `echoLogs: false`,
// passed through as usual. That covers console.* and
// loggers writing to process.stdout (Powertools Logger does). Output made from callbacks whose async
// resource was created outside the invocation (a socket opened earlier, say) is not attributed to it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;
type ConsoleMethod = (...args: unknown[]) => void;

/** console methods and the level the runtime tags them with (LogPatch.patchConsoleMethods). */
const CONSOLE_LEVELS = [
  ['log', 'INFO'],
  ['info', 'INFO'],
  ['warn', 'WARN'],
  ['error', 'ERROR'],
  ['debug', 'DEBUG'],
  ['trace', 'TRACE'],
] as const;

export class InvocationLog {
  readonly #chunks: string[] = [];
  #closed = false;

  /** `echo`: also pass what is logged on to the real stdout/stderr (false: the log only). */
  constructor(
    readonly requestId: string,
    readonly echo = true,
  ) {}

  /** Raw text, as a write to stdout produces it. Ignored once the invocation has ended. */
  append(text: string): void {
    if (!this.#closed) this.#chunks.push(text);
  }

  /** A line in the runtime's text format: `timestamp \t requestId \t LEVEL \t message` (formatTextMessage). */
  line(level: string, args: unknown[]): void {
    this.append(`${new Date().toISOString()}\t${this.requestId}\t${level}\t${format(...args)}\n`);
  }

  close(): string {
    this.#closed = true;
    return this.#chunks.join('');
  }
}

const storage = new AsyncLocalStorage<InvocationLog>();
let installs = 0;
let uninstall: (() => void) | undefined;
/** Set while a wrapped console method runs, so the stdout write it causes is not captured twice. */
let inConsole = false;

export function runWithLog<T>(log: InvocationLog, fn: () => T): T {
  return storage.run(log, fn);
}

/** Wraps console and stdout/stderr (once, however many emulators run); call the result to release. */
export function acquireLogCapture(): () => void {
  installs += 1;
  if (installs === 1) uninstall = install();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    installs -= 1;
    if (installs === 0) {
      uninstall?.();
      uninstall = undefined;
    }
  };
}

function install(): () => void {
  const restores: (() => void)[] = [];
  const target = console as unknown as Record<string, ConsoleMethod>;
  for (const [method, level] of CONSOLE_LEVELS) {
    const original = target[method];
    if (!original) continue;
    const wrapped: ConsoleMethod = (...args) => {
      const log = storage.getStore();
      if (!log) {
        original.apply(console, args);
        return;
      }
      log.line(level, args);
      if (!log.echo) return;
      inConsole = true;
      try {
        original.apply(console, args);
      } finally {
        inConsole = false;
      }
    };
    target[method] = wrapped;
    restores.push(() => {
      if (target[method] === wrapped) target[method] = original;
    });
  }
  for (const stream of [process.stdout, process.stderr]) {
    const holder = stream as unknown as { write: Write };
    const original = holder.write;
    const wrapped: Write = function (this: unknown, chunk, ...rest) {
      const log = storage.getStore();
      if (log && !inConsole) log.append(chunkText(chunk));
      if (log && !log.echo) {
        // Swallowed, but a caller waiting for the write's callback must still hear back.
        const callback = rest.at(-1);
        if (typeof callback === 'function') process.nextTick(callback);
        return true;
      }
      return original.call(this, chunk, ...rest);
    };
    holder.write = wrapped;
    restores.push(() => {
      if (holder.write === wrapped) holder.write = original;
    });
  }
  return () => {
    for (const restore of restores) restore();
  };
}

function chunkText(chunk: unknown): string {
  if (typeof chunk === 'string') return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk).toString('utf8');
  return String(chunk);
}
