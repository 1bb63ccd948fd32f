// RecordSigners over raw keys held by the application, for platforms whose key store hands out key bytes
// (Espruino keeps its HMAC key in Storage). Node uses hal/node/key-store.ts, which never exposes the key. What a
// signer keeps of its key stays in its closure: neither JSON nor inspection of the signer shows it.
import type { Ed25519, Sha256 } from '../../hal/crypto.js';
import type { RecordSigner } from '../../hal/keys.js';
import { hmacPads, hmacWithPads } from './hmac.js';
import { hmacKeyProblem } from '../../hal/keys.js';
import { RecordError } from './errors.js';

/** Signs with Ed25519 (COSE alg -8) under the 32-byte private seed `privateKey`. */
export function ed25519Signer(ed25519: Ed25519, privateKey: Uint8Array): RecordSigner {
  return { coseAlg: -8, sign: (m: Uint8Array) => ed25519.sign(privateKey, m) };
}

/** Authenticates with HMAC-SHA256 (COSE alg 5) under `key`. Throws RecordError `WEAK_KEY` for a key hmacKeyProblem refuses. */
export function hmacSigner(hash: Sha256, key: Uint8Array): RecordSigner {
  const weak = hmacKeyProblem(key);
  if (weak !== undefined) throw new RecordError('WEAK_KEY', 'hmacKey ' + weak);
  // The padded key blocks are made once: the signer keeps them (as secret as the key), not the key itself.
  const pads = hmacPads(hash, key);
  return { coseAlg: 5, sign: (m: Uint8Array) => hmacWithPads(hash, pads, m) };
}
