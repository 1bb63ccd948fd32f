/**
 * Findings: what is wrong with bytes read from a tag (or with bytes we were asked to write), as values.
 *
 * A finding is the tag-memory counterpart of a radio error: the exchange worked, but the memory does not hold what
 * the NFC Forum mappings allow. Parsers in firmware/tags never throw on tag content; they return a
 * {@link FindingError} whose `code` is stable (a verdict engine maps codes to words for inspectors; see
 * docs/type2-ndef.md) and whose `offset` says where the problem starts.
 */
import type { RadioResult } from '../../hal/radio.js';

export type FindingCode =
  // Memory image and capability container (NFC Forum T2T, reference §5.5)
  | 'IMAGE_SHORT' // the image ends before the capability container (page 3) or before the data area it declares
  | 'CC_BLANK' // CC is 00 00 00 00: the tag was never formatted for NDEF
  | 'CC_MAGIC' // CC byte 0 is not E1h
  | 'CC_VERSION' // mapping major version is not 1
  | 'CC_SIZE' // data area size 0, or larger than the tag's user memory
  | 'CC_NO_READ' // CC read-access nibble is not 0h
  | 'READ_ONLY' // CC write-access nibble is not 0h: the NDEF data must not be changed
  // TLV area
  | 'TLV_TRUNCATED' // a TLV's tag or length field is cut by the end of the data area
  | 'TLV_LENGTH' // a TLV's value runs past the end of the data area, or uses the reserved length FFFFh
  | 'TLV_CONTROL' // a Lock or Memory Control TLV whose length is not 3
  | 'TLV_RESERVED_OVERLAP' // a Lock/Memory Control TLV reserves bytes of the TLV area already read (itself included)
  | 'NDEF_TLV_MISSING' // no NDEF Message TLV before the Terminator or the end of the data area
  | 'NDEF_TOO_LARGE' // (writing) the message does not fit the data area left after control TLVs and reserved bytes
  // NDEF message and records (NFC Forum NDEF 1.0)
  | 'NDEF_EMPTY' // (writing) a message with no records
  | 'NDEF_TRUNCATED' // a record header is cut by the end of the message, or the message ends before a record with ME
  | 'NDEF_LENGTH' // a record's type, ID or payload runs past the end of the message (the TLV length is too short)
  | 'NDEF_TRAILING' // bytes follow the record with ME set (the TLV length is too long)
  | 'NDEF_FLAGS' // MB missing on the first record or set on a later one
  | 'NDEF_CHUNKED' // a chunked record (CF): refused, no sealing profile uses chunks
  | 'NDEF_TNF' // reserved TNF 7, TNF 6 (unchanged) outside a chunk, or lengths a TNF forbids
  | 'NDEF_FIELD_SIZE' // (writing) a type or ID longer than 255 bytes
  // Well-known record contents (NFC Forum URI RTD, Text RTD)
  | 'RECORD_TYPE' // not the record type the caller asked to decode
  | 'RECORD_PAYLOAD' // payload too short for its own header (URI prefix byte, Text status byte and language)
  | 'URI_PREFIX' // URI identifier code above 23h (RFU)
  | 'UTF8' // text that is not valid UTF-8 (or UTF-16 of odd length)
  // MIFARE Classic (reference §7)
  | 'CLASSIC_ACCESS_BITS' // access bits whose inverted nibbles do not match: writing them would brick the sector
  | 'CLASSIC_VALUE_FORMAT'; // a block that is not in value-block format (value, ~value, value, addr, ~addr, ...)

/** Every {@link FindingCode}, for exhaustive checks in tests and the verdict engine. */
export const FINDING_CODES: readonly FindingCode[] = [
  'IMAGE_SHORT', 'CC_BLANK', 'CC_MAGIC', 'CC_VERSION', 'CC_SIZE', 'CC_NO_READ', 'READ_ONLY',
  'TLV_TRUNCATED', 'TLV_LENGTH', 'TLV_CONTROL', 'TLV_RESERVED_OVERLAP', 'NDEF_TLV_MISSING', 'NDEF_TOO_LARGE',
  'NDEF_EMPTY', 'NDEF_TRUNCATED', 'NDEF_LENGTH', 'NDEF_TRAILING', 'NDEF_FLAGS', 'NDEF_CHUNKED', 'NDEF_TNF',
  'NDEF_FIELD_SIZE', 'RECORD_TYPE', 'RECORD_PAYLOAD', 'URI_PREFIX', 'UTF8', 'CLASSIC_ACCESS_BITS',
  'CLASSIC_VALUE_FORMAT',
];

export interface Finding {
  code: FindingCode;
  /** One line for people: what is wrong, with the numbers that show it. */
  message: string;
  /**
   * Where the problem starts: a byte address in the tag memory image for memory parsers, a byte offset in the
   * message for NDEF codecs called on their own, -1 when no position applies.
   */
  offset: number;
}

export interface FindingError {
  ok: false;
  finding: Finding;
}

/** The outcome of a parser or encoder: a value, or a finding. */
export type Parsed<T> = { ok: true; value: T } | FindingError;

/** The outcome of an operation on a tag that both talks to it and interprets what it holds. */
export type TagResult<T> = RadioResult<T> | FindingError;

export function finding(code: FindingCode, message: string, offset: number): FindingError {
  return { ok: false, finding: { code: code, message: message, offset: offset } };
}

export function parsed<T>(value: T): { ok: true; value: T } {
  return { ok: true, value: value };
}

/** True for a failed {@link TagResult} that is a finding rather than a radio error. */
export function isFinding(r: { ok: boolean }): r is FindingError {
  return !r.ok && (r as FindingError).finding !== undefined;
}
