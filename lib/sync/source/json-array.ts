// A JSON array read as a stream with @streamparser/json: its Tokenizer turns bytes into tokens,
// its TokenParser builds one element at a time (`$.*`, `keepStack: false`: an element is dropped
// from the array once emitted). Between the two, a guard gives each element its own fate: a
// `__proto__` key or nesting past the limit fails that element alone, and the parser is fed a
// `null` in place of the too-deep part so it never builds it.
import { Tokenizer, TokenParser, TokenType, type ParsedTokenInfo } from '@streamparser/json';
import { SourceReadError } from '../../errors.js';
import { recordTooLarge } from './record-limits.js';
import type { RecordLimits, SourceEntry } from './types.js';

const OPENING = new Set<TokenType>([TokenType.LEFT_BRACE, TokenType.LEFT_BRACKET]);
const CLOSING = new Set<TokenType>([TokenType.RIGHT_BRACE, TokenType.RIGHT_BRACKET]);

/**
 * The elements of a JSON array, `#i` counting from 0, in batches of the elements that end in one
 * chunk. An element with a `__proto__` key or nested deeper than the limit is an entry with its
 * error, and the next element is read. Text that is not a JSON array, broken JSON, an element
 * over the record limit and an array that ends early stop the read, after the batch of the
 * elements before. Holds one element at a time.
 */
export async function* jsonArrayBatches(
  bytes: AsyncIterable<Uint8Array>,
  limits: RecordLimits & { label: string },
): AsyncGenerator<SourceEntry[]> {
  const state = new ArrayGuard(limits);
  try {
    for await (const chunk of bytes) {
      state.write(chunk);
      const batch = state.take();
      if (batch.length > 0) yield batch;
    }
    state.end();
  } catch (error) {
    // The elements before the one that stopped the read are still read.
    const batch = state.take();
    if (batch.length > 0) yield batch;
    throw error;
  }
  const batch = state.take();
  if (batch.length > 0) yield batch;
}

class ArrayGuard {
  readonly #tokenizer = new Tokenizer();
  readonly #parser = new TokenParser({ paths: ['$.*'], keepStack: false });
  readonly #limits: RecordLimits & { label: string };
  #entries: SourceEntry[] = [];
  #failure: SourceReadError | undefined;
  /** Open containers, the array itself being depth 1. */
  #depth = 0;
  /** While skipping a too-deep part: the depth it started at. */
  #skipFrom = 0;
  /** Byte offset where the current element started, while one is being read. */
  #elementStart: number | undefined;
  /** Byte offset where the last element started, read or not: its size is known at the next `,` or `]`. */
  #lastElementStart: number | undefined;
  #bytesFed = 0;
  #index = 0;
  #elementError: string | undefined;
  #previous: ParsedTokenInfo | undefined;
  #ended = false;

  constructor(limits: RecordLimits & { label: string }) {
    this.#limits = limits;
    this.#tokenizer.onToken = (token) => {
      this.#onToken(token);
    };
    this.#tokenizer.onError = () => {
      this.#fail('is not valid JSON');
    };
    this.#parser.onError = () => {
      this.#fail('is not valid JSON');
    };
    this.#parser.onValue = ({ value, key }) => {
      const ref = `#${typeof key === 'number' ? key : this.#index}`;
      this.#entries.push(
        this.#elementError ? { ref, code: 'INVALID_JSON', error: this.#elementError } : { ref, value },
      );
      this.#index += 1;
      this.#elementError = undefined;
      this.#elementStart = undefined;
    };
    this.#parser.onEnd = () => {
      this.#ended = true;
    };
  }

  write(chunk: Uint8Array): void {
    this.#tokenizer.write(chunk);
    this.#bytesFed += chunk.byteLength;
    this.#check();
    // An element still open holds its bytes in the parser: bounded by the record limit.
    if (
      this.#elementStart !== undefined &&
      this.#bytesFed - this.#elementStart > this.#limits.maxRecordBytes
    ) {
      throw recordTooLarge(this.#limits.label, `#${this.#index}`, this.#limits.maxRecordBytes);
    }
  }

  end(): void {
    if (!this.#tokenizer.isEnded) this.#tokenizer.end();
    this.#check();
    if (!this.#ended) this.#fail('ends before its JSON array is closed');
    this.#check();
  }

  take(): SourceEntry[] {
    const entries = this.#entries;
    this.#entries = [];
    return entries;
  }

  #check(): void {
    if (this.#failure) throw this.#failure;
  }

  #fail(problem: string): void {
    // The parsers' messages quote the source: only the position is kept.
    const where = this.#depth > 0 || this.#ended ? ` (in or after element #${this.#index})` : '';
    this.#failure ??= new SourceReadError(
      `Sync source ${this.#limits.label} ${problem}${where}; reading stopped`,
    );
  }

  #onToken(info: ParsedTokenInfo): void {
    if (this.#failure) return;
    const { token } = info;
    if (this.#depth === 0 && token !== TokenType.LEFT_BRACKET && !this.#ended) {
      this.#fail('is not a JSON array');
      return;
    }
    if (this.#skipFrom > 0) {
      // Inside a part nested too deep: only its depth is followed, until it closes.
      if (OPENING.has(token)) this.#depth += 1;
      else if (CLOSING.has(token)) {
        this.#depth -= 1;
        if (this.#depth < this.#skipFrom) this.#skipFrom = 0;
      }
      return;
    }
    if (OPENING.has(token)) {
      if (this.#depth - 1 >= this.#limits.maxDepth) {
        this.#elementError = `nests deeper than ${this.#limits.maxDepth} levels`;
        this.#depth += 1;
        this.#skipFrom = this.#depth;
        this.#forward({ token: TokenType.NULL, value: null, offset: info.offset });
        return;
      }
      this.#depth += 1;
    } else if (CLOSING.has(token)) {
      this.#depth -= 1;
    } else if (
      token === TokenType.COLON &&
      this.#previous?.token === TokenType.STRING &&
      this.#previous.value === '__proto__'
    ) {
      this.#elementError = 'has a "__proto__" key, which is not allowed';
    }
    if (this.#depth === 1 && (token === TokenType.LEFT_BRACKET || token === TokenType.COMMA)) {
      this.#checkSize(info.offset);
      this.#elementStart = info.offset + 1;
      this.#lastElementStart = this.#elementStart;
    } else if (this.#depth === 0 && token === TokenType.RIGHT_BRACKET) {
      this.#checkSize(info.offset);
    }
    this.#forward(info);
  }

  /** The element that ended before `offset` (a `,` or the closing `]`) was within the record limit. */
  #checkSize(offset: number): void {
    if (
      this.#lastElementStart !== undefined &&
      offset - this.#lastElementStart > this.#limits.maxRecordBytes
    ) {
      this.#failure ??= recordTooLarge(
        this.#limits.label,
        `#${this.#index - 1}`,
        this.#limits.maxRecordBytes,
      );
    }
  }

  #forward(info: ParsedTokenInfo): void {
    this.#previous = info;
    this.#parser.write(info);
  }
}
