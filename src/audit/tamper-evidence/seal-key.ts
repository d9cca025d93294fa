import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** The Ed25519 key the sealer signs with, and its raw 32-byte public key (what a seal names). */
export interface SealKey {
  privateKey: KeyObject;
  publicKey: Buffer;
}

/** Where the sealing key comes from: PEM text (SEAL_KEY), else a file, made on first start if absent. */
export interface SealKeySource {
  pem?: string;
  file: string;
}

export function sealKeyFromPem(pem: string): SealKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(`The sealing key must be an Ed25519 private key, not ${privateKey.asymmetricKeyType}`);
  }
  return { privateKey, publicKey: rawPublicKey(createPublicKey(privateKey)) };
}

export function generateSealKey(): SealKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { privateKey, publicKey: rawPublicKey(publicKey) };
}

/**
 * The configured key. A new installation gets a key of its own in its data directory, readable by
 * its owner only: keep that file (or SEAL_KEY) away from the database's administrators, since
 * whoever holds it can sign seals.
 */
export function loadSealKey(source: SealKeySource): SealKey {
  if (source.pem) return sealKeyFromPem(source.pem);
  if (!existsSync(source.file)) {
    mkdirSync(dirname(source.file), { recursive: true });
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(source.file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  }
  return sealKeyFromPem(readFileSync(source.file, 'utf8'));
}

export function signStatement(key: SealKey, statement: string): Buffer {
  return sign(null, Buffer.from(statement), key.privateKey);
}

export function signatureHolds(publicKey: Buffer, statement: string, signature: Buffer): boolean {
  try {
    return verify(null, Buffer.from(statement), publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}

/** A raw Ed25519 public key (32 bytes, as seals carry it) as a key object. */
function publicKeyObject(raw: Buffer): KeyObject {
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
}

function rawPublicKey(publicKey: KeyObject): Buffer {
  return Buffer.from(publicKey.export({ format: 'jwk' }).x!, 'base64url');
}
