export { Iso14443aTag, cascadeLevels, REQA, WUPA, HLTA, SEL_CODES, CASCADE_TAG } from './picc.js';
export type { Iso14443aTagOptions, PiccState } from './picc.js';
export {
  ACK,
  NAK_INVALID_ARGUMENT,
  NAK_PARITY_CRC,
  NAK_AUTH_LIMIT,
  NAK_EEPROM,
  bcc,
  byteFrame,
  crcFrame,
  nibbleFrame,
  getBit,
  setBit,
  sliceBits,
  truncateFrame,
} from './frames.js';
export { Type2Tag, TYPE2_EEPROM_WRITE_US } from './type2.js';
export type { Type2Options, Type2Profile } from './type2-layout.js';
export { Ntag21x, Ntag213, Ntag215, Ntag216, NTAG213_PROFILE, NTAG215_PROFILE, NTAG216_PROFILE } from './ntag21x.js';
export type { NtagOptions } from './ntag21x.js';
export { Ntag213TT, NTAG213TT_PROFILE, TT_MESSAGE_PAGE } from './ntag213tt.js';
export type { Ntag213TTOptions, TamperStatus } from './ntag213tt.js';
export { UltralightEV1, MF0UL11_PROFILE, MF0UL21_PROFILE } from './ultralight-ev1.js';
export type { UltralightEV1Options, UltralightEV1Variant } from './ultralight-ev1.js';
export { MifareClassic1K, CLASSIC_EEPROM_WRITE_US } from './classic1k.js';
export { readValue, valueBlock } from './classic-value.js';
export type { MifareClassic1KOptions } from './classic1k.js';
export { decodeAccessBits, encodeAccessBits, TRANSPORT_ACCESS_BITS } from './classic-access.js';
export type { ClassicKey, DataOp, TrailerOp } from './classic-access.js';
export {
  signUid,
  verifyUidSignature,
  verifyUidSignaturePrehashed,
  originalityPublicKey,
  SIM_ORIGINALITY_PRIVATE_KEY,
  SIM_ORIGINALITY_PUBLIC_KEY,
  NXP_NTAG21X_PUBLIC_KEY,
  NXP_ULTRALIGHT_EV1_PUBLIC_KEY,
  NXP_NTAG21X_VECTORS,
  NXP_ULTRALIGHT_EV1_VECTORS,
} from './originality.js';
export type { OriginalityVector } from './originality.js';
