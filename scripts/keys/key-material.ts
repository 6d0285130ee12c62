// Key material for the JWT Bearer flow: an RSA key pair and the self-signed certificate that a
// Salesforce admin would upload to the connected app ("Use digital signatures"). Salesforce only
// accepts RS256 signatures checked against that certificate (reference §1.2).
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);

export interface KeyMaterial {
  /** `-----BEGIN PRIVATE KEY-----`: what `openssl genpkey` and most tools write today. */
  privateKeyPkcs8Pem: string;
  /** `-----BEGIN RSA PRIVATE KEY-----`: what older `openssl genrsa` guides (and many secrets) hold. */
  privateKeyPkcs1Pem: string;
  /** SPKI `-----BEGIN PUBLIC KEY-----`. */
  publicKeyPem: string;
  /** Self-signed X.509 certificate (SHA-256 with RSA), as uploaded to the connected app. */
  certificatePem: string;
}

export interface KeyMaterialOptions {
  /** Subject and issuer CN. Default `sf-lambda-bridge-test`. */
  commonName?: string;
  /** Validity in days from now. Default 365. */
  days?: number;
}

const RSA_ALGORITHM: webcrypto.RsaHashedKeyGenParams = {
  name: 'RSASSA-PKCS1-v1_5',
  modulusLength: 2048,
  publicExponent: new Uint8Array([1, 0, 1]),
  hash: 'SHA-256',
};

const DAY_MS = 24 * 60 * 60 * 1000;

export async function generateKeyMaterial(opts: KeyMaterialOptions = {}): Promise<KeyMaterial> {
  const commonName = opts.commonName ?? 'sf-lambda-bridge-test';
  const days = opts.days ?? 365;
  const keys = await webcrypto.subtle.generateKey(RSA_ALGORITHM, true, ['sign', 'verify']);

  const notBefore = new Date();
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerialNumber(),
    name: `CN=${commonName}`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + days * DAY_MS),
    signingAlgorithm: RSA_ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });

  const pkcs8Der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const privateKey = createPrivateKey({ key: pkcs8Der, format: 'der', type: 'pkcs8' });
  return {
    privateKeyPkcs8Pem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    privateKeyPkcs1Pem: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
    certificatePem: certificate.toString('pem'),
  };
}

/** 16 random bytes with the top bit cleared: X.509 serials must be positive (RFC 5280 §4.1.2.2). */
function randomSerialNumber(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0] ?? 0) & 0x7f;
  return Buffer.from(bytes).toString('hex');
}
