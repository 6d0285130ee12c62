import { DEADLINE_SAFETY_MS } from '../constants.js';
import { DeadlineExceededError } from '../errors.js';

/**
 * One token load shared by every caller that joins it while it runs, each waiting until its own
 * cutoff at most (its deadline less `DEADLINE_SAFETY_MS`). A load started with a cutoff is
 * abandoned then: `onAbandoned` runs first (so that nobody joins it any more), its signal aborts
 * (the loader's request with it), and every caller still waiting is let go at once, whether or
 * not the loader honours the signal.
 */
export class SharedLoad<T> {
  readonly #result: Promise<T>;
  readonly #cutoff: number | undefined;
  readonly #signal: AbortSignal | undefined;

  constructor(
    cutoff: number | undefined,
    start: (signal: AbortSignal | undefined) => Promise<T>,
    onAbandoned: () => void,
  ) {
    this.#cutoff = cutoff;
    const controller = cutoff === undefined ? undefined : new AbortController();
    this.#signal = controller?.signal;
    this.#result = start(this.#signal);
    // Every caller may have stopped waiting before the load fails: its error then has nobody to
    // go to, and must not surface as an unhandled rejection. Each waiter still gets it.
    this.#result.catch(() => undefined);
    if (controller && cutoff !== undefined) {
      // One timer, ours: the order of "forget, abort, let the waiters go" is then certain.
      const timer = setTimeout(() => {
        onAbandoned();
        controller.abort(loadAbandoned());
      }, cutoff - Date.now());
      const clear = () => {
        clearTimeout(timer);
      };
      this.#result.then(clear, clear);
    }
  }

  /** True once the load was abandoned at its cutoff: what it may still produce is not used. */
  get abandoned(): boolean {
    return this.#signal?.aborted ?? false;
  }

  /** The load's result, or `DeadlineExceededError` at `cutoff` (epoch ms) or when it is abandoned. */
  wait(cutoff: number | undefined): Promise<T> {
    const signal = this.#signal;
    const loadCutoff = this.#cutoff;
    // A caller with no earlier cutoff than the load's is let go by the load's abandonment.
    const ownTimer = cutoff !== undefined && (loadCutoff === undefined || cutoff < loadCutoff);
    if (!ownTimer && !signal) return this.#result;
    let timer: NodeJS.Timeout | undefined;
    let onAbandoned: (() => void) | undefined;
    const cut = new Promise<never>((_resolve, reject) => {
      // The caller whose deadline it was is out of time; one that had more time lost the load.
      onAbandoned = () => {
        reject(
          cutoff !== undefined && loadCutoff !== undefined && cutoff <= loadCutoff
            ? noTokenInTime()
            : loadAbandoned(),
        );
      };
      signal?.addEventListener('abort', onAbandoned, { once: true });
      if (ownTimer) {
        timer = setTimeout(() => {
          reject(noTokenInTime());
        }, cutoff - Date.now());
      }
    });
    return Promise.race([this.#result, cut]).finally(() => {
      clearTimeout(timer);
      if (onAbandoned) signal?.removeEventListener('abort', onAbandoned);
    });
  }
}

/** The time by which a caller with this deadline stops waiting; undefined without a deadline. */
export function cutoffOf(deadline: number | undefined): number | undefined {
  return deadline !== undefined && Number.isFinite(deadline) ? deadline - DEADLINE_SAFETY_MS : undefined;
}

export function noTokenInTime(): DeadlineExceededError {
  return new DeadlineExceededError(
    `No Salesforce token before the deadline (the last ${DEADLINE_SAFETY_MS} ms are kept back)`,
  );
}

function loadAbandoned(): DeadlineExceededError {
  return new DeadlineExceededError(
    'No Salesforce token: the request for one was abandoned at the deadline of the call that started it',
  );
}
