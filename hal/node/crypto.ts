// The Crypto capability on Node (Pi, simulator, ingest): node:crypto (OpenSSL) for SHA-256, Ed25519 and random
// bytes, @noble/curves for the NXP originality check (secp128r1 is not in OpenSSL's set).
import * as nodeCrypto from 'node:crypto';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { Crypto, Ed25519 } from '../crypto.js';
import { nxpOriginality } from './originality.js';

// DER prefixes of PKCS#8 (private) and SPKI (public) Ed25519 keys (RFC 8410); the raw 32 bytes follow.
const PKCS8_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);

function der(prefix: Uint8Array, raw: Uint8Array): Buffer {
  return Buffer.concat([prefix, raw]);
}

// Importing a raw key into OpenSSL costs more than the signature itself, and a signer or verifier uses the same
// few keys again and again, so recent KeyObjects are kept (by key bytes; cleared when full).
const CACHE_LIMIT = 256;
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject>();

function cached(cache: Map<string, KeyObject>, raw: Uint8Array, make: () => KeyObject): KeyObject {
  const id = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');
  let key = cache.get(id);
  if (!key) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    key = make();
    cache.set(id, key);
  }
  return key;
}

/** A KeyObject for a raw 32-byte Ed25519 private seed. Throws for a seed of the wrong length. */
export function ed25519PrivateKeyObject(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new TypeError('an Ed25519 private key is 32 bytes');
  return cached(privateKeys, seed, () => createPrivateKey({ key: der(PKCS8_PREFIX, seed), format: 'der', type: 'pkcs8' }));
}

/** A KeyObject for a raw 32-byte Ed25519 public key. Throws for a key of the wrong length or not on the curve. */
export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== 32) throw new TypeError('an Ed25519 public key is 32 bytes');
  return cached(publicKeys, publicKey, () => createPublicKey({ key: der(SPKI_PREFIX, publicKey), format: 'der', type: 'spki' }));
}

/** The raw 32-byte public key of an Ed25519 KeyObject (private or public). */
export function rawEd25519PublicKey(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return new Uint8Array(pub.export({ format: 'der', type: 'spki' }).subarray(SPKI_PREFIX.length));
}

function plain(b: Buffer): Uint8Array {
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** Ed25519 on OpenSSL with raw keys, as hal/crypto.ts specifies. */
export const nodeEd25519: Ed25519 = {
  generateKeyPair() {
    const { privateKey } = generateKeyPairSync('ed25519');
    const seed = new Uint8Array(privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_PREFIX.length));
    return { privateKey: seed, publicKey: rawEd25519PublicKey(privateKey) };
  },
  publicKeyOf(privateKey) {
    return rawEd25519PublicKey(ed25519PrivateKeyObject(privateKey));
  },
  sign(privateKey, message) {
    return plain(sign(null, message, ed25519PrivateKeyObject(privateKey)));
  },
  verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      return verify(null, message, ed25519PublicKeyObject(publicKey), signature);
    } catch {
      return false;
    }
  },
};

// crypto.hash (Node 20.12+, not yet in @types/node 20) hashes in one call without a Hash object: fewer allocations
// when verifying 100k records.
const oneShot = (nodeCrypto as unknown as { hash?: (alg: string, data: Uint8Array, encoding: 'buffer') => Buffer }).hash;

/** SHA-256 on OpenSSL. */
export function nodeSha256(data: Uint8Array): Uint8Array {
  return plain(oneShot ? oneShot('sha256', data, 'buffer') : createHash('sha256').update(data).digest());
}

/** Everything hal/crypto.ts offers, on Node. */
export function createNodeCrypto(): Crypto {
  return {
    sha256: nodeSha256,
    randomBytes: (n: number) => plain(randomBytes(n)),
    ed25519: nodeEd25519,
    originality: nxpOriginality,
  };
}
