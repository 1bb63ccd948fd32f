// Deterministic CBOR (RFC 8949 §4.2.1) for records: one import for the value types, the encoder and the decoder.
export { CborMap, CborTag, MAX_DEPTH, MAX_SAFE } from './cbor-value.js';
export type { CborKey, CborValue } from './cbor-value.js';
export { encodeCbor } from './cbor-encode.js';
export { decodeCbor } from './cbor-decode.js';
export type { DecodeOptions, ItemBudget } from './cbor-decode.js';
export { CborError } from './errors.js';
export type { CborErrorCode } from './errors.js';
