import { DEFAULT_BULK_THRESHOLD } from '../constants.js';
import type { SyncItem } from '../record-outcome.js';
import type { OutcomeSink } from '../salesforce/bulk-results.js';
import { BulkStreamWriter, type UnfinishedJob } from '../salesforce/bulk-stream-writer.js';
import type { WaitOptions } from '../salesforce/bulk-job.js';
import { streamCollectionsUpsert } from '../salesforce/collections-upsert.js';
import type { SalesforceApi } from '../salesforce/salesforce-api.js';
import { mergeByExternalId } from './merge-duplicates.js';

export interface AutoWriterOptions extends WaitOptions {
  sobject: string;
  externalIdField: string;
  emit: OutcomeSink;
  /** More records than this go through Bulk API 2.0 (`SYNC_BULK_THRESHOLD`, default 2000). */
  bulkThreshold?: number | undefined;
  /** Collections calls in flight at once. Default 3. */
  concurrency?: number | undefined;
  maxJobBytes?: number | undefined;
  maxJobRecords?: number | undefined;
  onJob?: ((job: { id: string; state: string; records: number }) => void) | undefined;
}

export interface AutoWriterResult {
  api: 'collections' | 'bulk' | 'none';
  /** Bulk jobs still running at the deadline. */
  unfinished: UnfinishedJob[];
}

/**
 * Chooses the API by volume without holding the source: the first `bulkThreshold` records are
 * kept; if the source ends there they go through sObject Collections (duplicates merged, later
 * fields winning; values differing only in case in later rounds), and once one more arrives
 * every record streams to Bulk API 2.0 instead.
 */
export class AutoWriter {
  readonly #client: SalesforceApi;
  readonly #options: AutoWriterOptions;
  readonly #threshold: number;
  #held: SyncItem[] = [];
  #bulk: BulkStreamWriter | undefined;

  constructor(client: SalesforceApi, options: AutoWriterOptions) {
    this.#client = client;
    this.#options = options;
    this.#threshold = options.bulkThreshold ?? DEFAULT_BULK_THRESHOLD;
  }

  /**
   * Takes one record; returns a promise only when there is something to wait for (Bulk upload),
   * so that holding a record below the threshold costs no promise and no turn of the event loop.
   */
  write(item: SyncItem): Promise<void> | undefined {
    if (this.#bulk) return this.#bulk.write(item);
    this.#held.push(item);
    if (this.#held.length <= this.#threshold) return undefined;
    return this.#startBulk();
  }

  async #startBulk(): Promise<void> {
    const bulk = new BulkStreamWriter(this.#client, this.#options);
    this.#bulk = bulk;
    const held = this.#held;
    this.#held = [];
    for (const one of held) await bulk.write(one);
  }

  async end(): Promise<AutoWriterResult> {
    if (this.#bulk) return { api: 'bulk', unfinished: await this.#bulk.end() };
    if (this.#held.length === 0) return { api: 'none', unfinished: [] };
    const rounds = mergeByExternalId(this.#held, this.#options.externalIdField);
    this.#held = [];
    const target = {
      sobject: this.#options.sobject,
      externalIdField: this.#options.externalIdField,
      concurrency: this.#options.concurrency,
    };
    // Each round once the one before has finished (a change of spelling is written after the
    // first); outcomes go to the sink chunk by chunk, none collected, however many records.
    for (const round of rounds) {
      await streamCollectionsUpsert(this.#client, round, target, this.#options.emit);
    }
    return { api: 'collections', unfinished: [] };
  }
}
