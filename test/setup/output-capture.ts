// setupFile: every write to this worker's stdout and stderr also goes to the scanned sink.
import { recordOutput } from './output-sink.js';

// A marker per worker: the scan checks that workers reported at all.
recordOutput(`# output of worker ${process.pid}\n`);

for (const stream of [process.stdout, process.stderr]) {
  const original = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = (chunk: unknown, ...rest: unknown[]) => {
    recordOutput(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
    return original(chunk, ...rest);
  };
}
