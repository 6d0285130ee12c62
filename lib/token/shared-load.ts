import { DeadlineExceededError } from '../errors.js';

/**
 * One token load shared by every caller that joins it while it runs, each waiting until its own
 * cutoff at most (its deadline less `DEADLINE_SAFETY_MS`). `onDone` runs when the load settles,
 * before any waiter hears of it. A load started with a cutoff is abandoned then: its signal
 * aborts, `onDone` runs (so that nobody joins it any more) and every caller still waiting is let
 * go at once, before the loader even sees the abort, and whether or not it honours it.
 */
export class SharedLoad<T> {
  readonly #cutoff: number;
  /** Rejects when the load is abandoned; never settles for a load without a cutoff. */
  readonly #abandoned: Promise<never>;
  readonly #result: Promise<T>;

  /** `cutoff`: epoch ms, `Infinity` for a load that is never abandoned (and gets no signal). */
  constructor(cutoff: number, start: (signal: AbortSignal | undefined) => Promise<T>, onDone: () => void) {
    this.#cutoff = cutoff;
    const signal = cutoff < Infinity ? AbortSignal.timeout(cutoff - Date.now()) : undefined;
    // Listening before the loader does, so this runs first when the signal aborts.
    this.#abandoned = new Promise<never>((_resolve, reject) => {
      signal?.addEventListener('abort', () => {
        onDone();
        reject(tooLate());
      });
    });
    this.#result = start(signal).finally(onDone);
    // Every caller may have stopped waiting before the load fails (or is abandoned): the error
    // then has nobody to go to, and must not surface as an unhandled rejection.
    this.#abandoned.catch(() => undefined);
    this.#result.catch(() => undefined);
  }

  /** The load's result, or `DeadlineExceededError` at `cutoff` (epoch ms) or when it is abandoned. */
  wait(cutoff: number): Promise<T> {
    if (cutoff >= this.#cutoff) return Promise.race([this.#result, this.#abandoned]);
    // An earlier cutoff than the load's: a timer of this caller's own.
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      this.#result,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => {
          reject(tooLate());
        }, cutoff - Date.now());
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
