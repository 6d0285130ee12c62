import { createPrivateKey, type KeyObject } from 'node:crypto';
import { MIN_RSA_BITS } from '../constants.js';
import { PrivateKeyError } from '../errors.js';

const PEM_LABEL = /-----BEGIN ([A-Z0-9 ]+)-----/;

/**
 * Undoes the ways a PEM is commonly mangled when stored in a secret or env var: newlines
 * written as the two characters `\n` (or `\r\n`), CRLF line ends, surrounding quotes and blanks.
 */
export function normalisePem(raw: string): string {
  return raw
    .trim()
    .replace(/^["']|["']$/g, '')
    .replace(/\\r\\n|\\n|\\r/g, '\n')
    .replace(/\r\n?/g, '\n')
    .trim();
}

/** True when the text looks like a PEM block (possibly with escaped newlines). */
export function looksLikePem(raw: string): boolean {
  return PEM_LABEL.test(raw);
}

/**
 * Parses an RSA private key, PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`),
 * into a KeyObject that jose signs with. Errors say what is wrong and never include key material,
 * so OpenSSL's own error is not kept as `cause`.
 */
export function importRsaPrivateKey(raw: string): KeyObject {
  const pem = normalisePem(raw);
  // Bounded: the label is the only part of the input a message ever names.
  const label = PEM_LABEL.exec(pem)?.[1]?.slice(0, 40);
  if (!label)
    throw new PrivateKeyError('privateKey is not a PEM block (expected -----BEGIN PRIVATE KEY-----)');
  if (label === 'ENCRYPTED PRIVATE KEY') {
    throw new PrivateKeyError(
      'privateKey is encrypted; store the unencrypted PKCS#8 or PKCS#1 key in the secret',
    );
  }
  if (label === 'CERTIFICATE' || label.endsWith('PUBLIC KEY')) {
    throw new PrivateKeyError(
      `privateKey holds a ${label.toLowerCase()}, not a private key; the certificate goes to Salesforce, the key to the secret`,
    );
  }
  if (label !== 'PRIVATE KEY' && label !== 'RSA PRIVATE KEY') {
    throw new PrivateKeyError(
      `privateKey is a "${label}" PEM; expected PRIVATE KEY (PKCS#8) or RSA PRIVATE KEY (PKCS#1)`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: 'pem' });
  } catch {
    throw new PrivateKeyError(
      `privateKey has a ${label} header but its content does not parse (truncated or corrupted?)`,
    );
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new PrivateKeyError(
      `privateKey is a ${String(key.asymmetricKeyType)} key; Salesforce's JWT Bearer flow needs RSA (RS256)`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new PrivateKeyError(`privateKey is RSA ${bits}-bit; RS256 needs at least ${MIN_RSA_BITS} bits`);
  }
  return key;
}
