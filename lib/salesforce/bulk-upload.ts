import { BULK_UPLOAD_CHUNK_BYTES } from '../constants.js';
import { uploadJobData } from './bulk-job.js';
import type { SalesforceApi } from './salesforce-api.js';

/**
 * The one upload of an ingest job, sent while it is produced: rows are queued in chunks on a
 * byte-bounded stream that fetch sends as its body, and `write` waits while the queue is full,
 * so memory holds about one chunk whatever the job's size. A failed upload (HTTP error, broken
 * connection, deadline) fails the next `write` and `end`.
 */
export class JobUpload {
  readonly #stream: ReadableStream<Uint8Array>;
  readonly #sent: Promise<void>;
  readonly #encoder = new TextEncoder();
  #controller!: ReadableStreamDefaultController<Uint8Array>;
  #pending: string[] = [];
  #pendingBytes = 0;
  #bytes = 0;
  #wake: (() => void) | undefined;
  #error: unknown;
  #failed = false;

  constructor(client: SalesforceApi, jobId: string) {
    this.#stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          this.#controller = controller;
        },
        pull: () => {
          this.#resume();
        },
        cancel: (reason) => {
          this.#fail(reason);
        },
      },
      new ByteLengthQueuingStrategy({ highWaterMark: BULK_UPLOAD_CHUNK_BYTES }),
    );
    this.#sent = uploadJobData(client, jobId, this.#stream).catch((error: unknown) => {
      this.#fail(error);
      throw error;
    });
    // Observed through write/end; never an unhandled rejection when nothing more is written.
    this.#sent.catch(() => undefined);
  }

  /** Bytes queued so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Queues text (whole CSV lines); waits while the body's queue is full. `bytes` is its UTF-8
   * size, when the caller has counted it already.
   */
  write(text: string, bytes = Buffer.byteLength(text)): Promise<void> | undefined {
    if (this.#failed) return this.#rethrow();
    this.#pending.push(text);
    this.#pendingBytes += text.length;
    this.#bytes += bytes;
    // Nothing to wait for, no promise: a million records make a million of them otherwise.
    if (this.#pendingBytes < BULK_UPLOAD_CHUNK_BYTES) return undefined;
    this.#flush();
    if (!this.#hasFailed() && (this.#controller.desiredSize ?? 0) > 0) return undefined;
    return this.#drained();
  }

  async #drained(): Promise<void> {
    // `#failed` may be set while waiting (by the request or the stream's cancel).
    while (!this.#hasFailed() && (this.#controller.desiredSize ?? 0) <= 0) {
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    if (this.#hasFailed()) return this.#rethrow();
  }

  async end(): Promise<void> {
    if (!this.#failed) {
      this.#flush();
      this.#controller.close();
    }
    await this.#sent;
  }

  #hasFailed(): boolean {
    return this.#failed;
  }

  #flush(): void {
    if (this.#pending.length === 0) return;
    this.#controller.enqueue(this.#encoder.encode(this.#pending.join('')));
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  #resume(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = error;
    this.#pending = [];
    this.#resume();
  }

  async #rethrow(): Promise<never> {
    // The upload's own error (typed by the REST client) once it settles, else the stream's reason.
    await this.#sent;
    throw this.#error;
  }
}
