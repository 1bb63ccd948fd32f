// The Crypto capability on Node (Pi, simulator, ingest): node:crypto (OpenSSL) for SHA-256, Ed25519 and random
// bytes, @noble/curves for the NXP originality check (secp128r1 is not in OpenSSL's set) and for the public-key
// rule of ed25519-keys.ts (OpenSSL verifies under small-order keys).
import * as nodeCrypto from 'node:crypto';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import type { Crypto, Ed25519 } from '../crypto.js';
import { nxpOriginality } from './originality.js';
import { Ed25519KeyError, ed25519PublicKeyProblem } from './ed25519-keys.js';

// DER prefixes of PKCS#8 (private) and SPKI (public) Ed25519 keys (RFC 8410); the raw 32 bytes follow.
const PKCS8_PREFIX = Uint8Array.of(0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20);
const SPKI_PREFIX = Uint8Array.of(0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00);

function der(prefix: Uint8Array, raw: Uint8Array): Buffer {
  return Buffer.concat([prefix, raw]);
}

// Importing a raw key into OpenSSL costs more than the signature itself, and a signer or verifier uses the same
// few keys again and again, so recent KeyObjects are kept (by key bytes; cleared when full). A public key's entry
// is its KeyObject or, for a key ed25519PublicKeyProblem refuses, the reason: the verdict is reached once per key,
// and a refused key costs a map lookup per signature, like an accepted one.
const CACHE_LIMIT = 256;
const privateKeys = new Map<string, KeyObject>();
const publicKeys = new Map<string, KeyObject | string>();
// The curve check (~2 ms in JavaScript) costs ten times an OpenSSL import, so verdicts on accepted keys outlive
// their KeyObjects: with more active devices than CACHE_LIMIT, keys are imported again but not checked again.
// Bounded like the caches (an id is a 44-character string).
const ACCEPTED_LIMIT = 16384;
const accepted = new Set<string>();

const idOf = (raw: Uint8Array): string => Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64');

function cached<T>(cache: Map<string, T>, id: string, make: () => T): T {
  let key = cache.get(id);
  if (key === undefined) {
    if (cache.size >= CACHE_LIMIT) cache.clear();
    key = make();
    cache.set(id, key);
  }
  return key;
}

/** A KeyObject for a raw 32-byte Ed25519 private seed. Throws for a seed of the wrong length. */
export function ed25519PrivateKeyObject(seed: Uint8Array): KeyObject {
  if (seed.length !== 32) throw new TypeError('an Ed25519 private key is 32 bytes');
  return cached(privateKeys, idOf(seed), () => createPrivateKey({ key: der(PKCS8_PREFIX, seed), format: 'der', type: 'pkcs8' }));
}

/** The cached KeyObject of a 32-byte public key, or why ed25519PublicKeyProblem refuses it. */
function publicKeyEntry(publicKey: Uint8Array): KeyObject | string {
  const id = idOf(publicKey);
  return cached(publicKeys, id, () => {
    if (!accepted.has(id)) {
      const why = ed25519PublicKeyProblem(publicKey);
      if (why !== undefined) return why;
      if (accepted.size >= ACCEPTED_LIMIT) accepted.clear();
      accepted.add(id);
    }
    return createPublicKey({ key: der(SPKI_PREFIX, publicKey), format: 'der', type: 'spki' });
  });
}

/**
 * A KeyObject for a raw 32-byte Ed25519 public key. Throws Ed25519KeyError naming the problem for a key that
 * ed25519PublicKeyProblem refuses (wrong length, not on the curve, small order, non-canonical, mixed order).
 */
export function ed25519PublicKeyObject(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== 32) throw new Ed25519KeyError(ed25519PublicKeyProblem(publicKey)!);
  const entry = publicKeyEntry(publicKey);
  if (typeof entry === 'string') throw new Ed25519KeyError(entry);
  return entry;
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
  /** Also false for a public key ed25519PublicKeyProblem refuses (OpenSSL alone would verify forgeries under it). */
  verify(publicKey, message, signature) {
    if (publicKey.length !== 32 || signature.length !== 64) return false;
    try {
      const key = publicKeyEntry(publicKey);
      return typeof key !== 'string' && verify(null, message, key, signature);
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
