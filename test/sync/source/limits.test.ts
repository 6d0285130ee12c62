// The hard limits of a source read, against real HTTP servers on 127.0.0.1: bytes as sent and
// after decompression (a gzip bomb made here), an endless stream, the record size, the deadline
// and silence. Each stops the read with a SourceReadError naming its limit; none kills the process.
import type { ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SourceReadError } from '../../../lib/errors.js';
import { answer, startRouteServer, type RouteServer } from '../../helpers/route-server.js';
import { collect, readError } from './collect.js';

/** 8 MiB of newlines in about 8 KB: a small gzip bomb (the was 199 KB -> 200 MB). */
const bomb = gzipSync(Buffer.alloc(8 * 1024 ** 2, '\n'), { level: 9 });
const record = (i: number) => `{"Ext_Id__c":"E-${i}","Name":"endless ${i}"}\n`;

let server: RouteServer;
/** Responses of the endless route still open: each closes when the reader hangs up. */
const endless = new Set<ServerResponse>();
let endlessBytes = 0;

/** Writes records for as long as the client reads them, and stops (bounded) after 64 MiB. */
function writeForever(res: ServerResponse): void {
  endless.add(res);
  res.on('close', () => endless.delete(res));
  const chunk = Buffer.from(Array.from({ length: 200 }, (_, i) => record(i)).join(''));
  const pump = () => {
    while (!res.destroyed && endlessBytes < 64 * 1024 ** 2) {
      endlessBytes += chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

beforeAll(async () => {
  server = await startRouteServer({
    '/bomb.ndjson.gz': answer(bomb),
    '/bomb.ndjson': answer(bomb, { 'content-encoding': 'gzip' }),
    '/endless.ndjson': (_req, res) => {
      res.writeHead(200);
      writeForever(res);
    },
    '/big.ndjson': answer(Array.from({ length: 1_000 }, (_, i) => record(i)).join('')),
    '/long-line.ndjson': answer(`${record(1)}{"Name":"${'x'.repeat(5_000)}"}\n${record(3)}`),
    '/long-line-end.ndjson': answer(`${record(1)}{"Name":"${'x'.repeat(5_000)}"}`),
    '/long-element.json': answer(`[{"a":1},{"Name":"${'x'.repeat(5_000)}"},{"b":2}]`),
    '/long-number.json': answer(`[1,${'9'.repeat(5_000)}]`),
    '/long-row.csv': answer(`Name,Other\nx,1\n"${'x'.repeat(5_000)}",2\n`),
    '/stalls.ndjson': (_req, res) => {
      // Headers and one record, then nothing: the connection stays open.
      res.writeHead(200);
      res.write(record(1));
    },
    '/never-answers.ndjson': () => undefined,
  });
});

afterAll(async () => {
  await server.close();
});

describe('SYNC_MAX_SOURCE_BYTES', () => {
  it('a gzip bomb (.gz) stops at the limit on bytes after decompression, without reading it all', async () => {
    const error = await readError(`${server.url}/bomb.ndjson.gz`, { maxSourceBytes: 1024 ** 2 });
    expect(error).toBeInstanceOf(SourceReadError);
    expect(error).toMatchObject({ code: 'ERR_SOURCE_READ', limit: 'decompressed-bytes' });
    expect(error.message).toBe(
      `Sync source ${server.url}/bomb.ndjson.gz exceeds SYNC_MAX_SOURCE_BYTES (1048576 bytes after decompression); reading stopped`,
    );
  });

  it('the same bomb sent with Content-Encoding: gzip stops the same way', async () => {
    const error = await readError(`${server.url}/bomb.ndjson`, { maxSourceBytes: 1024 ** 2 });
    expect(error).toMatchObject({ limit: 'decompressed-bytes' });
  });

  it('a source larger than the limit as sent stops at the limit', async () => {
    const error = await readError(`${server.url}/big.ndjson`, { maxSourceBytes: 10_000 });
    expect(error).toMatchObject({ limit: 'source-bytes' });
    expect(error.message).toMatch(/exceeds SYNC_MAX_SOURCE_BYTES \(10000 bytes as sent\); reading stopped$/);
    // Under the limit, the same source reads whole.
    expect(await collect(`${server.url}/big.ndjson`, { maxSourceBytes: 100_000 })).toHaveLength(1_000);
  });

  it('an endless stream is stopped by the limit, and the connection is closed', async () => {
    const error = await readError(`${server.url}/endless.ndjson`, { maxSourceBytes: 512 * 1024 });
    expect(error).toMatchObject({ limit: 'source-bytes' });
    await expect.poll(() => endless.size).toBe(0);
    // The server stopped writing long before its own 64 MiB bound: the reader hung up.
    expect(endlessBytes).toBeLessThan(64 * 1024 ** 2);
  });
});

describe('SYNC_MAX_RECORD_BYTES', () => {
  it.each([
    ['/long-line.ndjson', 'line 2'],
    ['/long-line-end.ndjson', 'line 2'],
    ['/long-element.json', '#1'],
    ['/long-number.json', '#1'],
    ['/long-row.csv', 'the row at line 3'],
  ])('%s: a record over the limit stops the read, naming it (%s)', async (path, ref) => {
    const error = await readError(`${server.url}${path}`, { maxRecordBytes: 1_024 });
    expect(error).toMatchObject({ code: 'ERR_SOURCE_READ', limit: 'record-bytes' });
    expect(error.message).toBe(
      `Sync source ${server.url}${path}: ${ref} exceeds SYNC_MAX_RECORD_BYTES (1024 bytes); reading stopped`,
    );
  });

  it('records under the limit are read', async () => {
    expect(await collect(`${server.url}/long-line.ndjson`, { maxRecordBytes: 8_192 })).toHaveLength(3);
  });
});

describe('time', () => {
  it('a source still sending at the deadline stops with a typed error, not a Lambda timeout', async () => {
    const error = await readError(`${server.url}/stalls.ndjson`, {
      deadline: Date.now() + 200,
      idleTimeoutMs: 60_000,
    });
    expect(error).toMatchObject({ code: 'ERR_SOURCE_READ', limit: 'deadline' });
    expect(error.message).toBe(
      `Sync source ${server.url}/stalls.ndjson was not read before the deadline; reading stopped`,
    );
  });

  it('a deadline already past stops the read before any request', async () => {
    const before = server.requested.length;
    const error = await readError(`${server.url}/big.ndjson`, { deadline: Date.now() - 1 });
    expect(error).toMatchObject({ limit: 'deadline' });
    expect(server.requested.length).toBe(before);
  });

  it('a source that sends nothing (no headers, or no more bytes) stops after the idle time', async () => {
    for (const path of ['/never-answers.ndjson', '/stalls.ndjson']) {
      const error = await readError(`${server.url}${path}`, { idleTimeoutMs: 100 });
      expect(error).toMatchObject({ code: 'ERR_SOURCE_READ', limit: 'idle' });
      expect(error.message).toBe(`Sync source ${server.url}${path} sent nothing for 100 ms; reading stopped`);
    }
  });
});
