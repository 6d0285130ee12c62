// The S3 emulator (s3rver on 127.0.0.1) with an S3 client pointed at it path-style, as the
// functions are when AWS_ENDPOINT_URL_S3 is set, and a reader for the objects a test expects.
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3Emulator } from '../../emulators/s3/s3-emulator.js';

export interface LocalS3 {
  emulator: S3Emulator;
  client: S3Client;
  createBucket(name: string): Promise<void>;
  getText(bucket: string, key: string): Promise<string>;
  stop(): Promise<void>;
}

export async function startLocalS3(): Promise<LocalS3> {
  const emulator = await S3Emulator.start();
  const client = new S3Client({
    endpoint: emulator.url,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return {
    emulator,
    client,
    createBucket: (name) => emulator.createBucket(name),
    async getText(bucket, key) {
      const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return (await output.Body?.transformToString('utf8')) ?? '';
    },
    async stop() {
      client.destroy();
      await emulator.close();
    },
  };
}
