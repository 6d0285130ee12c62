// setupFile: every write to this worker's stdout and stderr also goes to the scanned sink. While
// a test runs, its raw writes are held back and printed only if it fails, like the console output
// vitest holds back (`silent: 'passed-only'`): a passing run prints no stray lines.
import { beforeEach } from 'vitest';
import { recordOutput } from './output-sink.js';

type Write = (chunk: unknown, ...rest: unknown[]) => boolean;

const state = globalThis as typeof globalThis & {
  __sfBridgeOutput?: { held: string[] | undefined; originals: Map<NodeJS.WriteStream, Write> };
};

// Once per worker: with `isolate: false` this file runs again for every test file.
if (!state.__sfBridgeOutput) {
  const capture = {
    held: undefined as string[] | undefined,
    originals: new Map<NodeJS.WriteStream, Write>(),
  };
  state.__sfBridgeOutput = capture;
  // A marker per worker: the scan checks that workers reported at all.
  recordOutput(`# output of worker ${process.pid}\n`);
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream) as Write;
    capture.originals.set(stream, original);
    const write: Write = (chunk, ...rest) => {
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      recordOutput(text);
      if (!capture.held) return original(chunk, ...rest);
      capture.held.push(stream === process.stderr ? `[stderr] ${text}` : text);
      // Node calls a write's callback (the last argument, if a function) once it is flushed.
      const callback = rest.at(-1);
      if (typeof callback === 'function') {
        queueMicrotask(() => {
          (callback as () => void)();
        });
      }
      return true;
    };
    stream.write = write;
  }
}

beforeEach((context) => {
  const capture = state.__sfBridgeOutput;
  if (!capture) return;
  const held: string[] = [];
  capture.held = held;
  context.onTestFinished(() => {
    capture.held = undefined;
    if (context.task.result?.state !== 'fail' || held.length === 0) return;
    const write = capture.originals.get(process.stderr);
    write?.(`\n--- output of the failed test "${context.task.name}" ---\n${held.join('')}--- end ---\n`);
  });
});
