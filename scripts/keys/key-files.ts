import { chmod, mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyMaterial } from './key-material.js';

export interface SecretFields {
  loginUrl: string;
  clientId: string;
  username: string;
  audience?: string;
}

export const PLACEHOLDER = 'REPLACE_ME';

export interface WrittenKeyFiles {
  privateKey: string;
  certificate: string;
  secret: string;
}

/**
 * Writes what going live needs: the certificate to upload to the Salesforce External Client App
 * (world-readable, it is public), and the private key and the credentials-secret JSON (0600 in a
 * 0700 folder, created exclusively so an existing key is never overwritten).
 */
export async function writeKeyFiles(
  dir: string,
  keys: KeyMaterial,
  fields: SecretFields,
): Promise<WrittenKeyFiles> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  if (((await stat(dir)).mode & 0o077) !== 0) await chmod(dir, 0o700);
  const files = {
    privateKey: join(dir, 'private-key.pem'),
    certificate: join(dir, 'certificate.crt'),
    secret: join(dir, 'secret.json'),
  };
  const secret = {
    flow: 'jwt-bearer',
    loginUrl: fields.loginUrl,
    clientId: fields.clientId,
    username: fields.username,
    ...(fields.audience ? { audience: fields.audience } : {}),
    privateKey: keys.privateKeyPkcs8Pem,
  };
  await writeNew(files.privateKey, keys.privateKeyPkcs8Pem, 0o600);
  await writeNew(files.secret, `${JSON.stringify(secret, null, 2)}\n`, 0o600);
  await writeNew(files.certificate, keys.certificatePem, 0o644);
  return files;
}

async function writeNew(path: string, content: string, mode: number): Promise<void> {
  // 'wx': fail if it exists; the mode is applied at creation, so the key is never readable by others.
  const handle = await open(path, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.chmod(mode);
  } finally {
    await handle.close();
  }
}
