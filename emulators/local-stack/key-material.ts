// Key generation on demand: the certificate is built with @peculiar/x509 (and its Reflect
// polyfill), optional peer dependencies of the package's `/testing` subpath. Loading them on
// first use keeps the emulators usable without them; only the local stack and key generation
// need them.
import { ConfigurationError } from '../../lib/errors.js';
import type { KeyMaterial, KeyMaterialOptions } from '../../scripts/keys/key-material.js';

export type { KeyMaterial, KeyMaterialOptions };

/**
 * An RSA key pair (PKCS#8 and PKCS#1 PEM) and a self-signed certificate, as a JWT Bearer
 * connected app needs: register `certificatePem` with the Salesforce emulator, put
 * `privateKeyPkcs8Pem` in the credentials. Needs `@peculiar/x509` and `reflect-metadata`
 * installed (optional peer dependencies). Defaults: CN `sf-lambda-bridge-test`, 365 days.
 *
 * @example
 * ```ts
 * const keys = await generateKeyMaterial({ commonName: 'my-app' });
 * salesforce.registerApp({ clientId, certificatePem: keys.certificatePem, permittedUsers: 'all-users-may-self-authorize' });
 * ```
 */
export async function generateKeyMaterial(options: KeyMaterialOptions = {}): Promise<KeyMaterial> {
  let keys: typeof import('../../scripts/keys/key-material.js');
  try {
    keys = await import('../../scripts/keys/key-material.js');
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_MODULE_NOT_FOUND') throw error;
    throw new ConfigurationError(
      'generateKeyMaterial and startLocalStack need @peculiar/x509 and reflect-metadata: npm install --save-dev @peculiar/x509 reflect-metadata',
      undefined,
      { cause: error },
    );
  }
  return keys.generateKeyMaterial(options);
}
