// The NDJSON reader fed chosen chunks: lines split anywhere (inside a multi-byte character too),
// a bad UTF-8 line failing alone among good ones decoded together, BOMs, line numbers, the limit.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ndjsonBatches } from '../../../lib/sync/source/ndjson.js';
import type { SourceEntry } from '../../../lib/sync/source/types.js';

const limits = { maxRecordBytes: 200, maxDepth: 32, label: 'test.ndjson' };

async function entries(chunks: (string | Uint8Array)[]): Promise<SourceEntry[]> {
  const body = Readable.from(chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)));
  const out: SourceEntry[] = [];
  for await (const batch of ndjsonBatches(body, limits)) out.push(...batch);
  return out;
}

describe('ndjsonBatches', () => {
  it('gives the same entries however the bytes are cut, counting every line', async () => {
    const text = '\ufeff{"Name":"Ünïcødé ✓ 😀"}\r\n\n{"Name":"b"}\n   \n{"Name":"c"}';
    const whole = await entries([text]);
    expect(whole).toEqual([
      { ref: 'line 1', value: { Name: 'Ünïcødé ✓ 😀' } },
      { ref: 'line 3', value: { Name: 'b' } },
      { ref: 'line 5', value: { Name: 'c' } },
    ]);
    const bytes = Buffer.from(text);
    for (let cut = 1; cut < bytes.length; cut += 1) {
      expect(await entries([bytes.subarray(0, cut), bytes.subarray(cut)])).toEqual(whole);
    }
    const byByte = Array.from(bytes, (byte) => Uint8Array.of(byte));
    expect(await entries(byByte)).toEqual(whole);
  });

  it('a line that is not UTF-8 fails alone; the lines decoded with it are read', async () => {
    const bad = Buffer.concat([Buffer.from('{"Name":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const chunk = Buffer.concat([Buffer.from('{"Name":"a"}\n'), bad, Buffer.from('\n{"Name":"é"}\n')]);
    expect(await entries([chunk])).toEqual([
      { ref: 'line 1', value: { Name: 'a' } },
      { ref: 'line 2', code: 'INVALID_JSON', error: 'is not valid UTF-8' },
      { ref: 'line 3', value: { Name: 'é' } },
    ]);
  });

  it('finds a __proto__ key spelled out or escaped', async () => {
    expect(await entries(['{"__proto__":{"x":1}}\n{"a":{"\\u005f_proto__":1}}\n{"a":"\\u00e9"}\n'])).toEqual([
      { ref: 'line 1', code: 'INVALID_JSON', error: 'has a "__proto__" key, which is not allowed' },
      { ref: 'line 2', code: 'INVALID_JSON', error: 'has a "__proto__" key, which is not allowed' },
      { ref: 'line 3', value: { a: 'é' } },
    ]);
  });

  it('stops at a line over the record limit, counted in bytes, whether it ends in the chunk or not', async () => {
    // 70 three-byte characters: 70 characters, 210 bytes.
    const long = `{"a":"${'✓'.repeat(70)}"}`;
    await expect(entries([`{"a":1}\n${long}\n`])).rejects.toMatchObject({
      code: 'ERR_SOURCE_READ',
      limit: 'record-bytes',
      message: expect.stringContaining('line 2') as unknown,
    });
    await expect(entries([`{"a":1}\n${long}`, '\n'])).rejects.toMatchObject({ limit: 'record-bytes' });
    expect(await entries([`{"a":"${'✓'.repeat(60)}"}\n`])).toHaveLength(1);
  });
});
