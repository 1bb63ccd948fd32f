/**
 * Tag protocols, platform-free: NFC Forum Type 2 tags (NTAG21x, Ultralight), NDEF on Type 2, MIFARE Classic 1K.
 * Layering as in nfcpy: a reader (hal/reader.ts) activates a tag; these classes speak its command set over the
 * same {@link Pcd}. See docs/type2-ndef.md for the NDEF handling and the finding codes.
 */
export { FINDING_CODES, finding, isFinding, parsed } from './findings.js';
export type { Finding, FindingCode, FindingError, Parsed, TagResult } from './findings.js';

export { TYPE2_CATALOG, lookupVersion, specFor, storageSizeBytes } from './type2-catalog.js';
export type { Type2Capabilities, Type2Model, Type2Spec } from './type2-catalog.js';
export { FAST_READ_MAX_PAGES, Type2Tag } from './type2.js';
export type { TamperReading, TamperStatus, Type2Identity } from './type2.js';
export { T2, READ_TIMEOUT_US, WRITE_TIMEOUT_US } from './type2-frames.js';
export { ACK, type2NakMeaning } from './frames.js';
export {
  ACCESS_AUTHLIM, ACCESS_CFGLCK, ACCESS_NFC_CNT_EN, ACCESS_NFC_CNT_PWD_PROT, ACCESS_PROT, AUTH0_OFF, decodeConfig,
  enableNfcCounter, protect, readConfig, setPassword, setProtection,
} from './type2-config.js';
export type { ProtectionOptions, Type2Config } from './type2-config.js';

export {
  decodeNdefMessage, encodeNdefMessage, ndefRecord, NDEF_CF, NDEF_IL, NDEF_MB, NDEF_ME, NDEF_SR, TNF_ABSOLUTE_URI,
  TNF_EMPTY, TNF_EXTERNAL, TNF_MEDIA, TNF_RESERVED, TNF_UNCHANGED, TNF_UNKNOWN, TNF_WELL_KNOWN,
} from './ndef.js';
export type { NdefRecord } from './ndef.js';
export { decodeTextRecord, decodeUriRecord, textRecord, uriRecord, URI_PREFIXES } from './ndef-records.js';
export type { TextContent } from './ndef-records.js';

export {
  CC_MAGIC, CC_OFFSET, controlArea, DATA_AREA_START, DataCursor, MAX_DATA_AREA, parseCapabilityContainer, parseCcBytes,
  TLV_LOCK_CONTROL, TLV_MEMORY_CONTROL, TLV_NDEF, TLV_NULL, TLV_PROPRIETARY, TLV_TERMINATOR,
} from './tlv.js';
export type { CapabilityContainer, NdefTlv, ReservedArea, TlvEntry, TlvLayout } from './tlv.js';
export { layoutCursor, scanTlvs } from './tlv-scan.js';
export type { ScanOptions } from './tlv-scan.js';
export { parseNdefArea, parseType2Ndef, planNdefWrite } from './type2-ndef.js';
export type { ImageOptions, NdefWritePlan, PageWrite, PlanOptions, Type2Ndef } from './type2-ndef.js';
export { readNdef, writeNdef } from './type2-ndef-io.js';
export type { WriteNdefOptions, WriteNdefReport } from './type2-ndef-io.js';

export { CLASSIC, CLASSIC_1K_BLOCKS, classicNakMeaning, MifareClassic1K } from './classic.js';
export {
  decodeAccessBits, decodeValueBlock, defaultKey, encodeAccessBits, encodeValueBlock, isTrailer, sectorTrailer,
  TRANSPORT_ACCESS,
} from './classic-blocks.js';
export type { AccessConditions, ValueBlock } from './classic-blocks.js';
