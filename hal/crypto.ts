/**
 * Cryptography the platform provides. Platform-free code (firmware/) asks for it through these interfaces and
 * never imports node:crypto or Espruino's `crypto` module.
 *
 * What each platform has (see ../shared/reference/espruino.md): Node (Pi, simulator, ingest) has all of it;
 * Espruino has SHA-256 natively and nothing asymmetric, so its records are COSE_Mac0 with HMAC-SHA256 and the
 * optional members below are absent there.
 */

export interface Sha256 {
  /** SHA-256 of `data`, 32 bytes. */
  sha256(data: Uint8Array): Uint8Array;
}

/** Ed25519 (RFC 8032). Keys are raw: 32-byte private seed, 32-byte public key; signatures 64 bytes. */
export interface Ed25519 {
  generateKeyPair(): { privateKey: Uint8Array; publicKey: Uint8Array };
  publicKeyOf(privateKey: Uint8Array): Uint8Array;
  sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array;
  /** False for a wrong signature, a malformed key or signature; never throws. */
  verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
}

/**
 * ECDSA over secp128r1 as NXP uses it for originality signatures: the message (the raw UID) is used as the hash
 * value, not hashed; signatures are r || s (32 bytes); s is not normalised (low-S not enforced). Public keys are
 * uncompressed 33 bytes (04 || X || Y, 16 bytes each).
 */
export interface OriginalityVerifier {
  verify(publicKey: Uint8Array, uid: Uint8Array, signature: Uint8Array): boolean;
}

export interface Random {
  /** `n` bytes from a cryptographically strong source (the simulator may seed it). */
  randomBytes(n: number): Uint8Array;
}

/** Everything cryptographic a platform offers. Optional members are absent where the platform cannot do them. */
export interface Crypto extends Sha256, Random {
  ed25519?: Ed25519;
  originality?: OriginalityVerifier;
}
