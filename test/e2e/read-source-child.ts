// Reads a sync source to the end in its own process, as the scheduled sync does, and prints how
// many entries it read and the process's peak RSS: test/e2e/source-memory.e2e.test.ts runs it with
// a small heap, so a reader that held the source would fail.
import { S3Client } from '@aws-sdk/client-s3';
import { readSource } from '../../lib/sync/source-reader.js';

const [url, endpoint] = process.argv.slice(2);
if (!url || !endpoint) throw new Error('usage: read-source-child.ts <s3 url> <S3 endpoint>');
const s3 = new S3Client({
  endpoint,
  forcePathStyle: true,
  region: 'eu-west-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
let entries = 0;
let failed = 0;
for await (const entry of readSource(url, { s3 })) {
  entries += 1;
  if ('error' in entry) failed += 1;
}
s3.destroy();
// resourceUsage().maxRSS is in kilobytes.
console.log(
  JSON.stringify({ entries, failed, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) }),
);
