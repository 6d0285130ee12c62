import { DeadlineExceededError } from '../errors.js';

/**
 * One token load shared by every caller that joins it while it runs, each waiting until its own
 * cutoff (its deadline less `DEADLINE_SAFETY_MS`) or the load's, whichever comes first. A load
 * started with a cutoff is abandoned then: its signal aborts (and the loader's request with it),
 * and every caller still waiting is let go. `onDone` runs when the load settles or is abandoned,
 * before any waiter hears of it, so nobody joins a load that is over.
 */
export class SharedLoad<T> {
  readonly #cutoff: number;
  readonly #onDone: () => void;
  readonly #result: Promise<T>;

  /** `cutoff`: epoch ms, `Infinity` for a load that is never abandoned (and gets no signal). */
  constructor(cutoff: number, start: (signal: AbortSignal | undefined) => Promise<T>, onDone: () => void) {
    this.#cutoff = cutoff;
    this.#onDone = onDone;
    // Clamped: the clock may have passed the cutoff since the caller checked it.
    const signal = cutoff < Infinity ? AbortSignal.timeout(Math.max(0, cutoff - Date.now())) : undefined;
    this.#result = start(signal)
      .catch((error: unknown) => {
        // Whatever an aborted loader rejects with, its waiters learn it was out of time.
        throw signal?.aborted ? tooLate() : error;
      })
      .finally(onDone);
    // Every caller may have stopped waiting before the load fails: its error then has nobody to
    // go to, and must not surface as an unhandled rejection. Each waiter still gets it.
    this.#result.catch(() => undefined);
  }

  /** The load's result, or `DeadlineExceededError` at `cutoff` (epoch ms) or the load's own. */
  wait(cutoff: number): Promise<T> {
    const until = Math.min(cutoff, this.#cutoff);
    if (until === Infinity) return this.#result;
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.#result,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          // The load's own cutoff: it is abandoned, whichever of its waiters notices first.
          if (until === this.#cutoff) this.#onDone();
          reject(tooLate());
        }, until - Date.now());
      }),
    ]).finally(() => {
      clearTimeout(timer);
    });
  }
}

/** A caller's wait for a token (its own load, or the one it joined) reached its deadline. */
export function tooLate(): DeadlineExceededError {
  return new DeadlineExceededError('No Salesforce token before the deadline');
}
