import type { Crypto } from '../../hal/crypto.js';
import type { Originality, TamperStatus, Verdict } from '../records/kinds.js';
import type { TagReading } from '../scan/read-tag.js';
import { parseType2Ndef } from '../tags/type2-ndef.js';
import { decodeSeal, sealCandidates, sealSigner } from '../records/seal.js';
import { LADDER, reasonLevel, type ReasonLevel } from '../records/scan-reasons.js';
import { findSealParts } from './seal-ndef.js';
import { parseDigitalLink, expiryLastDay, type DigitalLink } from './digital-link.js';
import { modelCode, originalityKeysFor, type OriginalityKey } from '../../hal/originality-keys.js';
import { replaceEvery } from '../../hal/text.js';

/** An issuer whose seals this scanner trusts (from its configuration). */
export interface TrustedIssuer {
  /** Name shown to inspectors, e.g. "Acme Pharma packaging line 2". */
  name: string;
  /** Raw 32-byte Ed25519 public key. */
  publicKey: Uint8Array;
}

export interface TrustConfig {
  issuers: TrustedIssuer[];
  /** Originality keys beyond NXP's built-in ones (the simulator's test key, a vendor's). */
  originalityKeys?: OriginalityKey[];
}

/**
 * One thing the checks found. `level` is the verdict this finding allows at best; 'note' findings never lower the
 * verdict (expiry, a check this platform cannot do) but are shown and recorded.
 */
export interface VerdictFinding {
  /** Stable kebab-case code, at most 32 characters (goes into the record's reasons). */
  code: string;
  level: Verdict | 'note';
  /** For the inspector: plain words, no jargon. */
  text: string;
}

export interface Judgement {
  verdict: Verdict;
  /** One short line for the display. */
  headline: string;
  findings: VerdictFinding[];
  /** Codes of the findings that lowered the verdict, plus notes (what goes into the scan record). */
  reasons: string[];
  /** Evidence for the scan record. */
  tagType: string;
  originality: Originality;
  tamper: TamperStatus;
  digitalLink?: string;
  seal?: Uint8Array;
  /**
   * The tag's originality signature (READ_SIG, 32 bytes), kept only when this platform could not check it
   * ('originality-unchecked'), so that the scan record lets the ingest check it instead.
   */
  originalitySig?: Uint8Array;
  /** Parsed link and seal facts, for the display and exports. */
  link?: DigitalLink;
  issuer?: string;
  sealedAt?: number;
  expired?: boolean;
}

/** What the inspector reads for a verdict (a switch: a table would be held for the device's whole life). */
function headlineOf(v: Verdict): string {
  switch (v) {
    case 'genuine':
      return 'GENUINE';
    case 'tampered':
      return 'TAMPERED - do not accept';
    case 'clone-suspect':
      return 'CLONE SUSPECTED - do not accept';
    case 'invalid-seal':
      return 'INVALID SEAL - do not accept';
    case 'unknown':
      return 'NO VALID SEAL';
    default:
      return 'NOT READ - tap again';
  }
}

function rank(v: Verdict): number {
  return LADDER.indexOf(v);
}

function tagTypeCode(reading: TagReading): string {
  if (reading.kind !== 'type2') return (reading.activation.sak & 0x7f) === 0x08 ? 'mifare-classic-1k' : 'iso14443a-sak-' + reading.activation.sak.toString(16);
  if (reading.spec) return modelCode(reading.spec.model);
  return reading.version ? 'type2-unknown' : 'type2';
}

/**
 * Judges one tap. Pure: the same reading, trust, crypto and time give the same judgement. Checks, in order: the tag
 * was read; it is a Type 2 tag we know; its identity is consistent (NXP UID, ATQA); the NXP originality signature;
 * the NTAG213 TT tamper loop; the NDEF message; the seal record (format, issuer, Ed25519 signature over UID + link +
 * time + key id); the Digital Link; the expiry date.
 */
export function judge(reading: TagReading, trust: TrustConfig, crypto: Crypto, nowMs: number): Judgement {
  const findings: VerdictFinding[] = [];
  const add = (code: string, text: string) => findings.push({ code: code, level: levelOf(code), text: text });
  const j: Judgement = { verdict: 'genuine', headline: '', findings: findings, reasons: [], tagType: tagTypeCode(reading), originality: 'not-supported', tamper: 'no-loop' };
  check(reading, trust, crypto, nowMs, j, add);
  let verdict: Verdict = 'genuine';
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    if (f.level !== 'note' && rank(f.level) < rank(verdict)) verdict = f.level;
    if (f.level !== 'genuine') j.reasons.push(f.code);
  }
  j.verdict = verdict;
  j.headline = headlineOf(verdict) + (verdict === 'genuine' && j.expired ? ' - EXPIRED' : '');
  return j;
}

type Add = (code: string, text: string) => void;

/** A finding's level comes from the one table of reason codes (firmware/records/scan-reasons.ts). */
function levelOf(code: string): ReasonLevel {
  const level = reasonLevel(code);
  if (level === undefined) throw new Error('reason code ' + code + ' is missing from firmware/records/scan-reasons.ts');
  return level;
}

function check(reading: TagReading, trust: TrustConfig, crypto: Crypto, nowMs: number, j: Judgement, add: Add): void {
  if (reading.kind !== 'type2') {
    add('not-a-seal-tag', 'This tag is not a package seal tag.');
    return;
  }
  const uid = reading.activation.uid;
  if (reading.error && (reading.failedStep === 'version' || reading.failedStep === 'memory' || !reading.spec)) {
    add('read-failed-' + reading.error.reason, 'The tag could not be read completely. Hold it still and tap again.');
    return;
  }
  const spec = reading.spec;
  if (!spec) {
    add('tag-type-unknown', 'This tag type is not used for seals.');
    return;
  }
  if (!reading.memory) {
    if (reading.error) add('read-failed-' + reading.error.reason, 'The tag could not be read completely. Hold it still and tap again.');
    else add('tag-type-no-seal-support', 'This tag type cannot carry a checkable seal.');
    return;
  }
  if (reading.error) {
    // Signature, tamper status or counter failed after the memory was read.
    add('read-failed-' + reading.failedStep, 'Part of the tag could not be read. Hold it still and tap again.');
  }
  // NXP tags have NXP's manufacturer byte first and ATQA 44 00 (reference sections 4.3, 5.1).
  const atqa = reading.activation.atqa;
  if (uid.length !== 7 || uid[0] !== 0x04 || atqa[0] !== 0x44 || atqa[1] !== 0x00) {
    add('identity-inconsistent', 'The tag claims to be an NXP tag but does not identify like one.');
  }
  checkOriginality(reading.signature, spec.model, uid, trust, crypto, j, add);
  if (spec.capabilities.tamper) {
    if (!reading.tamper) j.tamper = 'unreadable';
    else if (reading.tamper.status === 'open') {
      j.tamper = 'open';
      add('tamper-loop-open', 'The tamper wire of this package is broken: it has been opened.');
    } else if (reading.tamper.status === 'invalid') {
      j.tamper = 'unreadable';
      add('tamper-status-invalid', 'The tamper wire could not be checked.');
    } else {
      j.tamper = 'closed';
      const m = reading.tamper.message;
      if (m[0] | m[1] | m[2] | m[3]) add('tamper-loop-was-opened', 'The tamper wire was broken before and has been closed again.');
    }
  }
  checkSeal(reading.memory, spec.userEnd, uid, trust, crypto, nowMs, j, add);
}

function checkOriginality(sig: Uint8Array | undefined, model: string, uid: Uint8Array, trust: TrustConfig, crypto: Crypto, j: Judgement, add: Add): void {
  const keys = originalityKeysFor(model, trust.originalityKeys);
  if (keys.length === 0) return;
  if (!sig) {
    j.originality = 'unreadable';
    return;
  }
  if (!crypto.originality) {
    add('originality-unchecked', 'This scanner cannot check the chip maker signature.');
    j.originality = 'not-supported';
    j.originalitySig = sig;
    return;
  }
  for (let i = 0; i < keys.length; i++) {
    if (crypto.originality.verify(keys[i].publicKey, uid, sig)) {
      j.originality = 'valid';
      return;
    }
  }
  j.originality = 'invalid';
  add('originality-invalid', 'The chip is not an original NXP chip: this tag may be a copy.');
}

function checkSeal(memory: Uint8Array, userEnd: number, uid: Uint8Array, trust: TrustConfig, crypto: Crypto, nowMs: number, j: Judgement, add: Add): void {
  const ndef = parseType2Ndef(memory, { dataLimit: (userEnd + 1) * 4 });
  if (!ndef.ok) {
    const code = ndef.finding.code;
    if (code === 'CC_BLANK' || code === 'NDEF_TLV_MISSING') add('no-seal', 'This tag carries no seal.');
    else add('ndef-' + replaceEvery(code.toLowerCase(), '_', '-'), 'The data on this tag is damaged or was altered.');
    return;
  }
  const parts = findSealParts(ndef.value.records);
  for (let i = 0; i < parts.problems.length; i++) add(parts.problems[i], 'The data on this tag is damaged or was altered.');
  if (parts.link !== undefined) j.digitalLink = parts.link;
  if (parts.sealPayload === undefined) {
    add('no-seal', parts.link ? 'This tag has a product link but no seal.' : 'This tag carries no seal.');
    return;
  }
  j.seal = parts.sealPayload;
  const seal = decodeSeal(parts.sealPayload);
  if (!seal.ok) {
    add('seal-' + (seal.code === 'SEAL_VERSION' ? 'version' : 'format'), 'The seal on this tag is damaged or of an unknown kind.');
    return;
  }
  j.sealedAt = seal.seal.sealedAt;
  const candidates = sealCandidates(trust.issuers, seal.seal.keyId, crypto);
  if (parts.link === undefined) {
    add('link-missing', 'The seal has no product link.');
    return;
  }
  const link = parseDigitalLink(parts.link);
  if (!link.ok) add('link-malformed', 'The product link on this tag is malformed.');
  else j.link = link.link;
  if (candidates.length === 0) {
    add('issuer-unknown', 'The seal was made by a packager this scanner does not know.');
    return;
  }
  if (!crypto.ed25519) {
    j.issuer = candidates[0].name;
    add('seal-unchecked', 'This scanner cannot check seal signatures; the record is checked upstream.');
    return;
  }
  const issuer = sealSigner(candidates, uid, parts.link, seal.seal, crypto.ed25519);
  if (!issuer) {
    add('seal-signature-bad', 'The seal does not belong to this tag: it was copied from another tag or altered.');
    return;
  }
  j.issuer = issuer.name;
  if (seal.seal.sealedAt * 1000 > nowMs + 86400000) add('sealed-in-future', 'The seal is dated in the future; check the scanner clock.');
  if (link.ok && link.link.expiry !== undefined && expiryLastDay(link.link.expiry) < Math.floor(nowMs / 86400000)) {
    j.expired = true;
    add('expired', 'The product expired (' + link.link.expiry + ').');
  }
}
