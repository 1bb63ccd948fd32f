/**
 * Device signing identities. A device authenticates each record with one key that never leaves it: an Ed25519
 * private key where the platform can sign (Pi, simulator), an HMAC-SHA256 key where it cannot (Espruino).
 * Implementations keep the secret out of `toString`, inspection, JSON and logs.
 */

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
 * key would look like a forged one to the ingest); `load` refuses a key that others could have read.
 * Failures throw with a message that names the key location but never its bytes.
 */
export interface DeviceKeyStore {
  /** The device's identity, or undefined when it has none yet. */
  load(deviceId: string): DeviceIdentity | undefined;
  /** A new identity, stored durably before it is returned. Throws if one exists. */
  create(deviceId: string, alg: DeviceKeyAlg): DeviceIdentity;
}
