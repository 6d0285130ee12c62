// The limits of one source read, outside the parsers: bytes as sent and after decompression,
// the deadline, and silence. Each breach is a SourceReadError naming its limit; network reads
// are cancelled through one AbortSignal, so a stalled socket cannot outlive the read.
import { SourceReadError, type SourceLimit } from '../../errors.js';

/** Bytes read so far from every object of one source, against `SYNC_MAX_SOURCE_BYTES`. */
export class ByteBudget {
  readonly #max: number;
  #sent = 0;
  #decoded = 0;

  constructor(max: number) {
    this.#max = max;
  }

  /** Counts bytes as they arrive (`sent`) or after decompression (`decoded`). */
  count(kind: 'sent' | 'decoded', bytes: number, label: string): void {
    const total = kind === 'sent' ? (this.#sent += bytes) : (this.#decoded += bytes);
    if (total <= this.#max) return;
    const limit: SourceLimit = kind === 'sent' ? 'source-bytes' : 'decompressed-bytes';
    const what = kind === 'sent' ? 'as sent' : 'after decompression';
    throw new SourceReadError(
      `Sync source ${label} exceeds SYNC_MAX_SOURCE_BYTES (${this.#max} bytes ${what}); reading stopped`,
      { limit },
    );
  }
}

/**
 * The clock side of a read: an AbortSignal that fires at the deadline, or when the source sent
 * nothing for `idleMs` while the reader was waiting for it ({@link wait}; time the consumer
 * spends between records does not count), with the SourceReadError that explains it as its
 * reason. {@link close} clears the timers and cancels whatever is still open.
 */
export class ReadClock {
  readonly #controller = new AbortController();
  readonly #label: string;
  readonly #idleMs: number;
  #deadlineTimer: NodeJS.Timeout | undefined;
  #idleTimer: NodeJS.Timeout | undefined;
  readonly #owned = new Set<{ destroy(): unknown }>();

  constructor(options: { label: string; deadline: number | undefined; idleMs: number; now: () => number }) {
    this.#label = options.label;
    this.#idleMs = options.idleMs;
    if (options.deadline === undefined) return;
    const expire = () => {
      this.#stop(
        new SourceReadError(`Sync source ${this.#label} was not read before the deadline; reading stopped`, {
          limit: 'deadline',
        }),
      );
    };
    const left = options.deadline - options.now();
    if (left <= 0) expire();
    else this.#deadlineTimer = setTimeout(expire, left).unref();
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** Awaits the source (a response, a chunk, a listing page) within the idle time and the deadline. */
  async wait<T>(pending: Promise<T>): Promise<T> {
    // Handled here even when a stop wins the race: its own rejection (an AbortError) is fallout.
    pending.catch(() => undefined);
    this.throwIfStopped();
    this.#idleTimer = setTimeout(() => {
      this.#stop(
        new SourceReadError(
          `Sync source ${this.#label} sent nothing for ${this.#idleMs} ms; reading stopped`,
          {
            limit: 'idle',
          },
        ),
      );
    }, this.#idleMs).unref();
    let stopped: (() => void) | undefined;
    try {
      // A stop wins the race even if `pending` ignores the signal.
      return await Promise.race([
        pending,
        new Promise<never>((_resolve, reject) => {
          stopped = () => {
            reject(this.#controller.signal.reason as Error);
          };
          if (this.#controller.signal.aborted) stopped();
          else this.#controller.signal.addEventListener('abort', stopped, { once: true });
        }),
      ]);
    } finally {
      clearTimeout(this.#idleTimer);
      if (stopped) this.#controller.signal.removeEventListener('abort', stopped);
    }
  }

  throwIfStopped(): void {
    if (this.#controller.signal.aborted) throw this.#controller.signal.reason as Error;
  }

  /** The error to report for `error`, which may be the fallout of a stop (an AbortError). */
  explain(error: unknown): unknown {
    return this.#controller.signal.aborted ? this.#controller.signal.reason : error;
  }

  /**
   * Destroys `body` (a response or S3 object stream) when the read ends, however it ends: a body
   * whose read was cut short by a stop would otherwise keep its socket open.
   */
  own(body: unknown): void {
    const destroyable = body as Partial<{ destroy(): unknown }> | null;
    if (typeof destroyable?.destroy === 'function') this.#owned.add(destroyable as { destroy(): unknown });
  }

  close(): void {
    clearTimeout(this.#deadlineTimer);
    clearTimeout(this.#idleTimer);
    if (!this.#controller.signal.aborted) this.#controller.abort(new Error('source read closed'));
    for (const body of this.#owned) body.destroy();
    this.#owned.clear();
  }

  #stop(reason: SourceReadError): void {
    if (!this.#controller.signal.aborted) this.#controller.abort(reason);
  }
}

/**
 * The chunks of `body`, counted against the budget, split to at most `maxChunk` bytes (so a
 * parser never holds more than a record and one chunk), each awaited within the clock's limits.
 */
export async function* metered(
  body: AsyncIterable<Uint8Array>,
  options: {
    budget: ByteBudget;
    kind: 'sent' | 'decoded';
    label: string;
    clock: ReadClock;
    maxChunk: number;
  },
): AsyncGenerator<Uint8Array> {
  const chunks = body[Symbol.asyncIterator]();
  try {
    for (;;) {
      const next = await options.clock.wait(chunks.next());
      if (next.done) return;
      const chunk = next.value;
      options.budget.count(options.kind, chunk.byteLength, options.label);
      for (let start = 0; start < chunk.byteLength; start += options.maxChunk) {
        yield chunk.subarray(start, start + options.maxChunk);
      }
    }
  } finally {
    // Stopped early (a limit, an error, a consumer that stopped reading): release the stream.
    // Not awaited: after a stop, the body's own pending read ends only once the abort reaches it.
    chunks.return?.().catch(() => undefined);
  }
}

/**
 * The cause to keep from a foreign error (Node, the AWS SDK, a parser): its name and code only.
 * Their messages may quote a URL with its credentials, or the source's content.
 */
export function foreignCause(error: unknown): { name: string; code?: string } {
  if (typeof error !== 'object' || error === null) return { name: typeof error };
  const { name, code } = error as { name?: unknown; code?: unknown };
  return {
    name: typeof name === 'string' ? name : 'Error',
    ...(typeof code === 'string' ? { code } : {}),
  };
}
