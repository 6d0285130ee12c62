// Queued, countable faults for the emulators: tests arm a fault, it hits the next matching
// request(s), then the emulator behaves normally again.

interface QueuedFault<F> {
  fault: F;
  remaining: number;
}

export class FaultQueue<F> {
  readonly #queue: QueuedFault<F>[] = [];

  /** Arms `fault` for the next `times` matching requests (Infinity: until cleared). */
  add(fault: F, times = 1): void {
    if (!(times > 0)) throw new RangeError(`fault times must be > 0, got ${times}`);
    this.#queue.push({ fault, remaining: times });
  }

  /** The first armed fault that matches, with one of its uses consumed; faults fire in the order armed. */
  take(matches: (fault: F) => boolean): F | undefined {
    const index = this.#queue.findIndex((entry) => matches(entry.fault));
    const entry = this.#queue[index];
    if (!entry) return undefined;
    entry.remaining -= 1;
    if (entry.remaining <= 0) this.#queue.splice(index, 1);
    return entry.fault;
  }

  clear(): void {
    this.#queue.length = 0;
  }
}
