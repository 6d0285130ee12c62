import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SourceReadError } from '../../../lib/errors.js';
import { ReadClock } from '../../../lib/sync/source/limits.js';
import { readSource } from '../../../lib/sync/source-reader.js';

const after = (ms: number, value: string) =>
  new Promise<string>((resolve) => {
    setTimeout(() => {
      resolve(value);
    }, ms);
  });

describe('ReadClock idle time with waits in flight together (a gzipped source)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  const clockOf = () =>
    new ReadClock({ label: 's3://exports/a.ndjson.gz', deadline: undefined, idleMs: 1_000, now: Date.now });

  it.each([
    ['the later wait ends first', 20, 10],
    ['the earlier wait ends first', 10, 20],
  ])('does not stop a read whose chunks all came in time, when %s', async (_case, outerMs, innerMs) => {
    vi.useFakeTimers();
    const clock = clockOf();
    const outer = clock.wait(after(outerMs, 'inflated'));
    const inner = clock.wait(after(innerMs, 'compressed'));
    await vi.advanceTimersByTimeAsync(20);
    await expect(Promise.all([outer, inner])).resolves.toEqual(['inflated', 'compressed']);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(clock.signal.aborted).toBe(false);
    clock.close();
  });

  it('still stops a wait that stalls while another one ended', async () => {
    vi.useFakeTimers();
    const clock = clockOf();
    const outer = clock.wait(after(10, 'inflated'));
    const inner = clock.wait(new Promise<string>(() => undefined));
    const stalled = expect(inner).rejects.toMatchObject({ name: 'SourceReadError', limit: 'idle' });
    await vi.advanceTimersByTimeAsync(10);
    await expect(outer).resolves.toBe('inflated');
    await vi.advanceTimersByTimeAsync(1_000);
    await stalled;
    expect(clock.signal.reason).toBeInstanceOf(SourceReadError);
  });
});

describe('a gzipped source read for longer than the idle time', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  it('is read to its end while every chunk comes in time', async () => {
    const lines = Array.from({ length: 3_000 }, (_, i) =>
      JSON.stringify({ Ext_Id__c: `E-${i}`, Name: `n ${i}` }),
    );
    const body = gzipSync(`${lines.join('\n')}\n`);
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' });
      res.end(body);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    let read = 0;
    const started = Date.now();
    for await (const entry of readSource(`http://127.0.0.1:${port}/accounts`, { idleTimeoutMs: 150 })) {
      expect(entry).not.toHaveProperty('error');
      read += 1;
      // A consumer busy between records (as while a Bulk job is written): that time is not idle.
      if (read % 300 === 0) await sleep(40);
    }
    expect(read).toBe(3_000);
    expect(Date.now() - started).toBeGreaterThan(300);
  });
});
