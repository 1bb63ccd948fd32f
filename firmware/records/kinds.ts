// The record kinds and their payload keys: the types the application fills in and the one table that both the
// builder and the parser follow (docs/record-format.md is generated against it). Keys 1..6 are fixed by DESIGN.md;
// every key from 7 up has one meaning across all kinds.
import type { SeqPair } from './seq-ranges.js';

export type RecordKind = 'boot' | 'login' | 'logout' | 'scan' | 'checkpoint' | 'fault' | 'commission';
export const RECORD_KINDS: readonly RecordKind[] = ['boot', 'login', 'logout', 'scan', 'checkpoint', 'fault', 'commission'];

/** Fields every record carries (payload keys 1, 2, 3, 5, 6; key 4 is the body's `kind`). */
export interface RecordHeader {
  /** Device id, also the COSE kid: 1..64 characters of A-Z a-z 0-9 . _ : - */
  device: string;
  /** 0, 1, 2, ... per device, never reused for different content. */
  seq: number;
  /** SHA-256 of the previous record's complete COSE bytes; 32 zero bytes for seq 0. */
  prev: Uint8Array;
  /** Device wall time, ms since the Unix epoch. */
  time: number;
  /** Boot count of the device when it made the record. */
  boot: number;
}

export type ResetReason = 'power-on' | 'watchdog' | 'software' | 'brownout' | 'pin' | 'deep-sleep' | 'unknown';
export type Verdict = 'genuine' | 'tampered' | 'clone-suspect' | 'invalid-seal' | 'unknown' | 'unreadable';
/** NXP originality signature: valid, invalid (clone suspect), could not be read, tag type has none. */
export type Originality = 'valid' | 'invalid' | 'unreadable' | 'not-supported';
/**
 * The supply-chain step a scanner's site performs (docs/closed-loop.md): what a scan means for the package, beyond
 * its verdict. Sealing is not a scan step: it is the `commission` record of a packaging station.
 */
export type Step = 'receiving' | 'shipping' | 'dispensing' | 'inspecting' | 'exporting' | 'destroying';
export const STEPS: readonly Step[] = ['receiving', 'shipping', 'dispensing', 'inspecting', 'exporting', 'destroying'];
/** A scan record without payload key 19 (made before steps existed) was an inspection. */
export const DEFAULT_STEP: Step = 'inspecting';

/** Tamper loop of an NTAG213 TT: closed, open, could not be read, tag has no loop. */
export type TamperStatus = 'closed' | 'open' | 'unreadable' | 'no-loop';

/**
 * Everything a scan found, filled in by the scanner application. Codes (tagType, reasons) are lower-case
 * kebab-case of at most 32 characters, e.g. tagType 'ntag213', reasons ['seal-signature-bad', 'uid-mismatch'].
 */
export interface ScanEvidence {
  /** Tag UID as read during anticollision: 4, 7 or 10 bytes. */
  uid: Uint8Array;
  tagType: string;
  /** The seal record's bytes as read from the tag; absent when the tag holds no seal. */
  seal?: Uint8Array;
  /** The GS1 Digital Link URI read from the tag; absent when there is none. */
  digitalLink?: string;
  originality: Originality;
  /**
   * The tag's NXP originality signature as read (READ_SIG, 32 bytes r || s), present only when the scanner could
   * not check it itself (reason 'originality-unchecked'): what the ingest needs to check it instead.
   */
  originalitySig?: Uint8Array;
  tamper: TamperStatus;
  /** The worst finding (DESIGN.md verdict ladder). */
  verdict: Verdict;
  /** Why: one code per finding that lowered the verdict (empty for a clean genuine scan). */
  reasons: string[];
  /** Badge id of the logged-in inspector. */
  inspector: string;
  /** Id of the inspected site (a GLN where the site has one). */
  site: string;
  /** The site's step for this scan; absent in records made before key 19 (read as {@link DEFAULT_STEP}). */
  step?: Step;
}

/**
 * A packaging station sealed a tag: the binding of tag to package, signed into the station's own chain. `sealHash`
 * is SHA-256 of the seal record's bytes as written (the 73-byte payload of docs/seal-format.md), the same bytes a
 * scan carries in key 12, so the ingest can tie later scans of this seal to this record.
 */
export interface CommissionEvidence {
  /** Tag UID: 4, 7 or 10 bytes. */
  uid: Uint8Array;
  /** The package's GS1 Digital Link as written on the tag. */
  digitalLink: string;
  sealHash: Uint8Array;
  /** The issuer key id in the seal: first 4 bytes of SHA-256 of the issuer's public key. */
  issuerKeyId: Uint8Array;
  /** Id of the packaging site (a GLN where it has one). */
  site: string;
}

/** A byte span boot recovery discarded: storage segment name, byte offset in it, length. */
export interface DiscardedSpan {
  segment: string;
  offset: number;
  length: number;
}

export type BootBody = { kind: 'boot'; firmware: string; reset: ResetReason };
export type LoginBody = { kind: 'login'; inspector: string; site?: string };
export type LogoutBody = { kind: 'logout'; inspector: string };
export type ScanBody = { kind: 'scan' } & ScanEvidence;
/** Attests `count` records precede this one (count = own seq), the last with hash `head` (= own prev). */
export type CheckpointBody = { kind: 'checkpoint'; count: number; head: Uint8Array };
/**
 * What boot recovery discarded: a reason code ('torn-tail', 'bad-crc', 'unreadable', ...), the seqs lost as sorted,
 * disjoint, inclusive [first, last] ranges below this record's seq (empty when no whole record was lost), the
 * number of bytes discarded and where they were (the spans' lengths add up to `discardedBytes`).
 */
export type FaultBody = { kind: 'fault'; reason: string; lost: SeqPair[]; discardedBytes: number; where: DiscardedSpan[] };

export type CommissionBody = { kind: 'commission' } & CommissionEvidence;

export type RecordBody = BootBody | LoginBody | LogoutBody | ScanBody | CheckpointBody | FaultBody | CommissionBody;
/** A decoded, validated record payload. */
export type RecordPayload = RecordHeader & RecordBody;

/** How a field is carried; the names are the CDDL types of docs/record-format.md. */
export type FieldType = 'device-id' | 'uint' | 'hash' | 'text' | 'code' | 'codes' | 'uid' | 'bytes' | 'originality-sig' | 'key-id' | 'ranges' | 'spans' | readonly string[];

export interface FieldSpec {
  key: number;
  /** Property name in the TypeScript types above. */
  name: string;
  type: FieldType;
  optional?: boolean;
}

/**
 * The header's fields (keys 1..6; key 4 is the body's `kind`). Made on each call, as are the kinds' fields below: as
 * module tables they held about 320 variables on Espruino for the device's whole life; a record takes a few
 * dozen while it is built.
 */
export function headerFields(): FieldSpec[] {
  return [
    { key: 1, name: 'device', type: 'device-id' },
    { key: 2, name: 'seq', type: 'uint' },
    { key: 3, name: 'prev', type: 'hash' },
    { key: 4, name: 'kind', type: RECORD_KINDS },
    { key: 5, name: 'time', type: 'uint' },
    { key: 6, name: 'boot', type: 'uint' },
  ];
}

/**
 * The fields of `kind` after the header, in ascending key order; undefined for a kind that does not exist. A key
 * number means the same thing in every kind that uses it.
 */
export function kindFields(kind: string): FieldSpec[] | undefined {
  const verdicts: Verdict[] = ['genuine', 'tampered', 'clone-suspect', 'invalid-seal', 'unknown', 'unreadable'];
  const originality: Originality[] = ['valid', 'invalid', 'unreadable', 'not-supported'];
  const tamper: TamperStatus[] = ['closed', 'open', 'unreadable', 'no-loop'];
  const resets: ResetReason[] = ['power-on', 'watchdog', 'software', 'brownout', 'pin', 'deep-sleep', 'unknown'];
  switch (kind) {
    case 'scan':
      return [
        { key: 7, name: 'inspector', type: 'text' },
        { key: 8, name: 'site', type: 'text' },
        { key: 10, name: 'uid', type: 'uid' },
        { key: 11, name: 'tagType', type: 'code' },
        { key: 12, name: 'seal', type: 'bytes', optional: true },
        { key: 13, name: 'digitalLink', type: 'text', optional: true },
        { key: 14, name: 'originality', type: originality },
        { key: 15, name: 'tamper', type: tamper },
        { key: 16, name: 'verdict', type: verdicts },
        { key: 17, name: 'reasons', type: 'codes' },
        { key: 18, name: 'originalitySig', type: 'originality-sig', optional: true },
        { key: 19, name: 'step', type: STEPS, optional: true },
      ];
    case 'boot':
      return [
        { key: 20, name: 'firmware', type: 'text' },
        { key: 21, name: 'reset', type: resets },
      ];
    case 'login':
      return [
        { key: 7, name: 'inspector', type: 'text' },
        { key: 8, name: 'site', type: 'text', optional: true },
      ];
    case 'logout':
      return [{ key: 7, name: 'inspector', type: 'text' }];
    case 'checkpoint':
      return [
        { key: 30, name: 'count', type: 'uint' },
        { key: 31, name: 'head', type: 'hash' },
      ];
    case 'fault':
      return [
        { key: 40, name: 'reason', type: 'code' },
        { key: 41, name: 'lost', type: 'ranges' },
        { key: 42, name: 'discardedBytes', type: 'uint' },
        { key: 43, name: 'where', type: 'spans' },
      ];
    case 'commission':
      return [
        { key: 8, name: 'site', type: 'text' },
        { key: 10, name: 'uid', type: 'uid' },
        { key: 13, name: 'digitalLink', type: 'text' },
        { key: 50, name: 'sealHash', type: 'hash' },
        { key: 51, name: 'issuerKeyId', type: 'key-id' },
      ];
    default:
      return undefined;
  }
}
