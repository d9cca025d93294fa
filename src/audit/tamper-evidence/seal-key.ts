import { createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
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
  if (!existsSync(source.file)) createKeyFile(source.file);
  return sealKeyFromPem(readFileSync(source.file, 'utf8'));
}

/**
 * Writes a new key to a file of its own, then links it in under the key file's name, which
 * fails if the name is taken: processes starting together on an empty data directory (an API
 * and its workers) all end up with the one key that got there first, and none reads a key file
 * half written.
 */
function createKeyFile(file: string): void {
  mkdirSync(dirname(file), { recursive: true });
  const own = `${file}.${randomUUID()}.new`;
  const { privateKey } = generateKeyPairSync('ed25519');
  writeFileSync(own, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  try {
    linkSync(own, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(own);
  }
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
