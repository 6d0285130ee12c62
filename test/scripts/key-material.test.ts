import 'reflect-metadata';
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { describe, expect, it } from 'vitest';
import { generateKeyMaterial } from '../../scripts/keys/key-material.js';
import { toId18 } from '../../emulators/salesforce/salesforce-ids.js';

describe('generateKeyMaterial', () => {
  it('makes an RSA-2048 key pair in PKCS#8, PKCS#1 and SPKI PEM', async () => {
    const keys = await generateKeyMaterial();
    expect(keys.privateKeyPkcs8Pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(keys.privateKeyPkcs1Pem).toMatch(/^-----BEGIN RSA PRIVATE KEY-----\n/);
    expect(keys.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    const pkcs8 = createPrivateKey(keys.privateKeyPkcs8Pem);
    expect(pkcs8.asymmetricKeyType).toBe('rsa');
    expect(pkcs8.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(pkcs8.equals(createPrivateKey(keys.privateKeyPkcs1Pem))).toBe(true);
    expect(createPublicKey(pkcs8).equals(createPublicKey(keys.publicKeyPem))).toBe(true);
  });

  it('makes a self-signed SHA-256-with-RSA certificate for that key, valid for the given days', async () => {
    const keys = await generateKeyMaterial({ commonName: 'my-connected-app', days: 30 });
    const certificate = new X509Certificate(keys.certificatePem);
    expect(certificate.subject).toBe('CN=my-connected-app');
    expect(certificate.issuer).toBe('CN=my-connected-app');
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.publicKey.equals(createPublicKey(keys.publicKeyPem))).toBe(true);
    const lifetimeDays = (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
    expect(Math.round(lifetimeDays)).toBe(30);
    const parsed = new x509.X509Certificate(keys.certificatePem);
    expect(parsed.signatureAlgorithm).toMatchObject({ name: 'RSASSA-PKCS1-v1_5', hash: { name: 'SHA-256' } });
    // Salesforce refuses certificate files over 4 KB.
    expect(Buffer.byteLength(keys.certificatePem)).toBeLessThan(4096);
  });

  it('makes different keys each time', async () => {
    const [a, b] = await Promise.all([generateKeyMaterial(), generateKeyMaterial()]);
    expect(a.privateKeyPkcs8Pem).not.toBe(b.privateKeyPkcs8Pem);
    expect(a.certificatePem).not.toBe(b.certificatePem);
  });
});

describe('toId18', () => {
  it('appends the case-insensitivity checksum', () => {
    expect(toId18('001A0000006Vm9r')).toBe('001A0000006Vm9rIAC');
    expect(toId18('00D000000000001')).toBe('00D000000000001EAA');
    expect(toId18('005000000000001')).toBe('005000000000001AAA');
  });
});
