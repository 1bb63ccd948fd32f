/**
 * Device signing identities. A device authenticates each record with one key that never leaves it: an Ed25519
 * private key where the platform can sign (Pi, simulator), an HMAC-SHA256 key where it cannot (Espruino).
 * Implementations keep the secret out of `toString`, inspection, JSON and logs. Besides the interfaces, the one
 * platform-free rules that key stores, devices, verifiers and the ingest all apply: device ids (isDeviceId) and HMAC
 * keys (hmacKeyProblem).
 */
import { ALNUM, allIn } from './text.js';

/**
 * True for a valid device id: 1..64 characters of A-Z a-z 0-9 . _ : - (ASCII, so it survives Espruino strings; it
 * names key files and is the records' COSE kid; never `~`, which the ingest's export cursors use as a separator).
 */
export function isDeviceId(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 64 && allIn(s, ID_CHARS);
}

/** The characters of a device or badge id: A-Z a-z 0-9 . _ : - */
export const ID_CHARS = ALNUM + '._:-';

/** COSE algorithm ids used for records (RFC 9053): -8 EdDSA (Ed25519), 5 HMAC 256/256. */
export type CoseAlg = -8 | 5;

/** Key algorithms by name, as in key files and the keys file of `sealscan verify`. */
export type DeviceKeyAlg = 'ed25519' | 'hmac-sha256';

/** Authenticates record bytes without handing out the key. */
export interface RecordSigner {
  readonly coseAlg: CoseAlg;
  /** 64-byte Ed25519 signature or 32-byte HMAC-SHA256 tag over `message`. Deterministic for both algorithms. */
  sign(message: Uint8Array): Uint8Array;
}

/**
 * What a verifier needs for one device. For Ed25519 this is public. For HMAC it is the shared secret itself, so it
 * travels to the ingest only over a protected channel and is never printed.
 */
export type DeviceRegistration =
  | { device: string; alg: 'ed25519'; publicKey: Uint8Array }
  | { device: string; alg: 'hmac-sha256'; hmacKey: Uint8Array };

/** A device's signing identity. */
export interface DeviceIdentity extends RecordSigner {
  readonly deviceId: string;
  readonly alg: DeviceKeyAlg;
  /** The registration the ingest needs (see {@link DeviceRegistration} for what is secret). */
  registration(): DeviceRegistration;
}

/**
 * Where a device keeps its identity. `create` never overwrites an existing key (a device that silently got a new
 * key would look like a forged one to the ingest); `load` refuses a key that others could have read, and an HMAC
 * key that {@link hmacKeyProblem} refuses.
 * Failures throw with a message that names the key location but never its bytes.
 */
export interface DeviceKeyStore {
  /** The device's identity, or undefined when it has none yet. */
  load(deviceId: string): DeviceIdentity | undefined;
  /** A new identity, stored durably before it is returned. Throws if one exists. */
  create(deviceId: string, alg: DeviceKeyAlg): DeviceIdentity;
}

/** Shortest and longest device HMAC key: the tag's 256 bits (RFC 2104 §3: not below L) up to one block. */
export const HMAC_KEY_MIN = 32;
export const HMAC_KEY_MAX = 64;

/**
 * Why `key` is not acceptable as a device's HMAC-SHA256 key, or undefined when it is. The answer is a phrase that
 * follows a field name ("hmacKey: is all zero bytes ..."). Refused: shorter than 32 bytes (weaker than the tag);
 * longer than 64 (RFC 2104 hashes it down to 32 bytes first, so the length buys nothing and usually means the
 * wrong thing was pasted); all zero bytes (a placeholder or a wiped key, never a random one). This catches mistakes
 * and placeholders; it cannot tell a random key from a guessable one. Platform-free, so a device can check the key
 * it is given, and cheap enough to run per record.
 */
export function hmacKeyProblem(key: Uint8Array): string | undefined {
  if (key.length < HMAC_KEY_MIN) return 'must be at least ' + HMAC_KEY_MIN + ' bytes, not ' + key.length;
  if (key.length > HMAC_KEY_MAX) return 'must be at most ' + HMAC_KEY_MAX + ' bytes, not ' + key.length;
  let any = 0;
  for (let i = 0; i < key.length; i++) any |= key[i];
  if (any === 0) return 'is all zero bytes (a placeholder, not a random key)';
  return undefined;
}
