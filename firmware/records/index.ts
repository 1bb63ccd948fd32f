// Signed, chained scan records (docs/record-format.md): deterministic CBOR, COSE envelopes, payload kinds, the
// device-side chain and the offline verifier.
export * from './cbor.js';
export { encodeUtf8, decodeUtf8 } from './utf8.js';
export { RecordError } from './errors.js';
export type { RecordErrorCode } from './errors.js';
export { bytesEqual, constantTimeEqual, compareBytes, concatBytes, toHex, fromHex, zeroHash } from './bytes.js';
export { hmacSha256, hmacKeyProblem, HMAC_KEY_MIN, HMAC_KEY_MAX } from './hmac.js';
export { buildCose, parseCose, checkCose, verifyCose, toBeSigned, COSE_SIGN1_TAG, COSE_MAC0_TAG, ALG_EDDSA, ALG_HMAC_256 } from './cose.js';
export type { CoseMessage, VerifyKey, CoseCrypto } from './cose.js';
export { ed25519Signer, hmacSigner } from './signers.js';
export * from './kinds.js';
export { encodePayload, decodePayload, isDeviceId } from './record.js';
export { RecordChain } from './chain.js';
export type { ChainState, ChainRecord, FaultReport } from './chain.js';
export { verifyRecords } from './verify.js';
export type * from './verify-report.js';
