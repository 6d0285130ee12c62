import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  UploadPartCommand,
  type CompletedPart,
  type S3Client,
} from '@aws-sdk/client-s3';
import { REPORT_PART_BYTES, S3_MIN_PART_BYTES } from '../../constants.js';
import { ReportWriteError } from '../../errors.js';

export interface S3ObjectWriterOptions {
  bucket: string;
  key: string;
  contentType: string;
  /** Bytes held before a part is uploaded (at least 5 MiB, S3's minimum). Default 8 MiB. */
  partBytes?: number | undefined;
}

/**
 * Writes one S3 object of any size while holding at most one part in memory: text is buffered
 * until a part is full, then sent with a multipart upload; an object smaller than one part is
 * sent with one PutObject. On a failure the multipart upload is aborted, so no orphan parts are
 * left to be billed. (Written here rather than with @aws-sdk/lib-storage, which the Lambda
 * runtime does not promise and which would bring browser polyfills into the bundle.)
 */
export class S3ObjectWriter {
  readonly #client: S3Client;
  readonly #options: S3ObjectWriterOptions;
  readonly #partBytes: number;
  #chunks: Buffer[] = [];
  #buffered = 0;
  #uploadId: string | undefined;
  readonly #parts: CompletedPart[] = [];
  #bytes = 0;
  #done = false;

  constructor(client: S3Client, options: S3ObjectWriterOptions) {
    this.#client = client;
    this.#options = options;
    this.#partBytes = Math.max(S3_MIN_PART_BYTES, options.partBytes ?? REPORT_PART_BYTES);
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends text; resolves once it is buffered (or its part uploaded). */
  async write(text: string): Promise<void> {
    if (this.#done) throw new ReportWriteError(`${this.#where()} is already finished`);
    const chunk = Buffer.from(text, 'utf8');
    this.#chunks.push(chunk);
    this.#buffered += chunk.byteLength;
    this.#bytes += chunk.byteLength;
    if (this.#buffered >= this.#partBytes) await this.#guard(() => this.#uploadPart());
  }

  /** Sends what is buffered and completes the object. */
  async end(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    await this.#guard(async () => {
      if (this.#uploadId === undefined) {
        await this.#client.send(
          new PutObjectCommand({
            Bucket: this.#options.bucket,
            Key: this.#options.key,
            Body: this.#take(),
            ContentType: this.#options.contentType,
          }),
        );
        return;
      }
      if (this.#buffered > 0 || this.#parts.length === 0) await this.#uploadPart();
      await this.#client.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.#options.bucket,
          Key: this.#options.key,
          UploadId: this.#uploadId,
          MultipartUpload: { Parts: this.#parts },
        }),
      );
    });
  }

  /** Gives up: an unfinished multipart upload is aborted, best effort. */
  async abort(): Promise<void> {
    this.#done = true;
    this.#chunks = [];
    this.#buffered = 0;
    const uploadId = this.#uploadId;
    this.#uploadId = undefined;
    if (uploadId === undefined) return;
    await this.#client
      .send(
        new AbortMultipartUploadCommand({
          Bucket: this.#options.bucket,
          Key: this.#options.key,
          UploadId: uploadId,
        }),
      )
      .catch(() => undefined);
  }

  async #uploadPart(): Promise<void> {
    this.#uploadId ??= (
      await this.#client.send(
        new CreateMultipartUploadCommand({
          Bucket: this.#options.bucket,
          Key: this.#options.key,
          ContentType: this.#options.contentType,
        }),
      )
    ).UploadId;
    const PartNumber = this.#parts.length + 1;
    const { ETag } = await this.#client.send(
      new UploadPartCommand({
        Bucket: this.#options.bucket,
        Key: this.#options.key,
        UploadId: this.#uploadId,
        PartNumber,
        Body: this.#take(),
      }),
    );
    this.#parts.push({ ETag, PartNumber });
  }

  #take(): Buffer {
    const body = Buffer.concat(this.#chunks, this.#buffered);
    this.#chunks = [];
    this.#buffered = 0;
    return body;
  }

  /** Runs an S3 step; on failure aborts the upload and throws a ReportWriteError naming the object. */
  async #guard(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      await this.abort();
      // The SDK's error names the operation and S3's code; its message holds no secret.
      const name = error instanceof Error ? error.name : 'Error';
      throw new ReportWriteError(`${this.#where()} could not be written: ${name}`, undefined, {
        cause: error,
      });
    }
  }

  #where(): string {
    return `Report object s3://${this.#options.bucket}/${this.#options.key}`;
  }
}
