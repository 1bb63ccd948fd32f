import type { Crypto } from '../../hal/crypto.js';
import type { Originality, TamperStatus, Verdict } from '../records/kinds.js';
import type { TagReading } from '../scan/read-tag.js';
import { parseType2Ndef } from '../tags/type2-ndef.js';
import { decodeSeal, isPrintableAscii, issuerKeyId, sealMessage } from './seal.js';
import { findSealParts } from './seal-ndef.js';
import { parseDigitalLink, expiryLastDay, type DigitalLink } from './digital-link.js';
import { originalityKeysFor, type OriginalityKey } from './originality-keys.js';
import { replaceEvery } from '../../hal/text.js';

/** The verdict ladder of DESIGN.md, worst first: the worst finding wins. */
export const LADDER: readonly Verdict[] = ['unreadable', 'unknown', 'invalid-seal', 'clone-suspect', 'tampered', 'genuine'];

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
  /** Parsed link and seal facts, for the display and exports. */
  link?: DigitalLink;
  issuer?: string;
  sealedAt?: number;
  expired?: boolean;
}

const HEADLINES: { [v: string]: string } = {
  genuine: 'GENUINE',
  tampered: 'TAMPERED - do not accept',
  'clone-suspect': 'CLONE SUSPECTED - do not accept',
  'invalid-seal': 'INVALID SEAL - do not accept',
  unknown: 'NO VALID SEAL',
  unreadable: 'NOT READ - tap again',
};

function rank(v: Verdict): number {
  return LADDER.indexOf(v);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function tagTypeCode(reading: TagReading): string {
  if (reading.kind !== 'type2') return (reading.activation.sak & 0x7f) === 0x08 ? 'mifare-classic-1k' : 'iso14443a-sak-' + reading.activation.sak.toString(16);
  if (reading.spec) return replaceEvery(reading.spec.model.toLowerCase(), ' ', '-');
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
  const add = (code: string, level: Verdict | 'note', text: string) => findings.push({ code: code, level: level, text: text });
  const j: Judgement = { verdict: 'genuine', headline: '', findings: findings, reasons: [], tagType: tagTypeCode(reading), originality: 'not-supported', tamper: 'no-loop' };
  check(reading, trust, crypto, nowMs, j, add);
  let verdict: Verdict = 'genuine';
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i];
    if (f.level !== 'note' && rank(f.level) < rank(verdict)) verdict = f.level;
    if (f.level !== 'genuine') j.reasons.push(f.code);
  }
  j.verdict = verdict;
  j.headline = HEADLINES[verdict] + (verdict === 'genuine' && j.expired ? ' - EXPIRED' : '');
  return j;
}

type Add = (code: string, level: Verdict | 'note', text: string) => void;

function check(reading: TagReading, trust: TrustConfig, crypto: Crypto, nowMs: number, j: Judgement, add: Add): void {
  if (reading.kind !== 'type2') {
    add('not-a-seal-tag', 'unknown', 'This tag is not a package seal tag.');
    return;
  }
  const uid = reading.activation.uid;
  if (reading.error && (reading.failedStep === 'version' || reading.failedStep === 'memory' || !reading.spec)) {
    add('read-failed-' + reading.error.reason, 'unreadable', 'The tag could not be read completely. Hold it still and tap again.');
    return;
  }
  const spec = reading.spec;
  if (!spec) {
    add('tag-type-unknown', 'unknown', 'This tag type is not used for seals.');
    return;
  }
  if (!reading.memory) {
    if (reading.error) add('read-failed-' + reading.error.reason, 'unreadable', 'The tag could not be read completely. Hold it still and tap again.');
    else add('tag-type-no-seal-support', 'unknown', 'This tag type cannot carry a checkable seal.');
    return;
  }
  if (reading.error) {
    // Signature, tamper status or counter failed after the memory was read.
    add('read-failed-' + reading.failedStep, 'unreadable', 'Part of the tag could not be read. Hold it still and tap again.');
  }
  // NXP tags have NXP's manufacturer byte first and ATQA 44 00 (reference sections 4.3, 5.1).
  const atqa = reading.activation.atqa;
  if (uid.length !== 7 || uid[0] !== 0x04 || atqa[0] !== 0x44 || atqa[1] !== 0x00) {
    add('identity-inconsistent', 'clone-suspect', 'The tag claims to be an NXP tag but does not identify like one.');
  }
  checkOriginality(reading.signature, spec.model, uid, trust, crypto, j, add);
  if (spec.capabilities.tamper) {
    if (!reading.tamper) j.tamper = 'unreadable';
    else if (reading.tamper.status === 'open') {
      j.tamper = 'open';
      add('tamper-loop-open', 'tampered', 'The tamper wire of this package is broken: it has been opened.');
    } else if (reading.tamper.status === 'invalid') {
      j.tamper = 'unreadable';
      add('tamper-status-invalid', 'unknown', 'The tamper wire could not be checked.');
    } else {
      j.tamper = 'closed';
      const m = reading.tamper.message;
      if (m[0] | m[1] | m[2] | m[3]) add('tamper-loop-was-opened', 'tampered', 'The tamper wire was broken before and has been closed again.');
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
    add('originality-unchecked', 'note', 'This scanner cannot check the chip maker signature.');
    j.originality = 'not-supported';
    return;
  }
  for (let i = 0; i < keys.length; i++) {
    if (crypto.originality.verify(keys[i].publicKey, uid, sig)) {
      j.originality = 'valid';
      return;
    }
  }
  j.originality = 'invalid';
  add('originality-invalid', 'clone-suspect', 'The chip is not an original NXP chip: this tag may be a copy.');
}

function checkSeal(memory: Uint8Array, userEnd: number, uid: Uint8Array, trust: TrustConfig, crypto: Crypto, nowMs: number, j: Judgement, add: Add): void {
  const ndef = parseType2Ndef(memory, { dataLimit: (userEnd + 1) * 4 });
  if (!ndef.ok) {
    const code = ndef.finding.code;
    if (code === 'CC_BLANK' || code === 'NDEF_TLV_MISSING') add('no-seal', 'unknown', 'This tag carries no seal.');
    else add('ndef-' + replaceEvery(code.toLowerCase(), '_', '-'), 'invalid-seal', 'The data on this tag is damaged or was altered.');
    return;
  }
  const parts = findSealParts(ndef.value.records);
  for (let i = 0; i < parts.problems.length; i++) add(parts.problems[i], 'invalid-seal', 'The data on this tag is damaged or was altered.');
  if (parts.link !== undefined) j.digitalLink = parts.link;
  if (parts.sealPayload === undefined) {
    add('no-seal', 'unknown', parts.link ? 'This tag has a product link but no seal.' : 'This tag carries no seal.');
    return;
  }
  j.seal = parts.sealPayload;
  const seal = decodeSeal(parts.sealPayload);
  if (!seal.ok) {
    add('seal-' + (seal.code === 'SEAL_VERSION' ? 'version' : 'format'), 'invalid-seal', 'The seal on this tag is damaged or of an unknown kind.');
    return;
  }
  j.sealedAt = seal.seal.sealedAt;
  // Key ids are short lookup hints: every trusted issuer with this id is tried.
  const candidates: TrustedIssuer[] = [];
  for (let i = 0; i < trust.issuers.length; i++) {
    if (sameBytes(issuerKeyId(trust.issuers[i].publicKey, crypto), seal.seal.keyId)) candidates.push(trust.issuers[i]);
  }
  if (parts.link === undefined) {
    add('link-missing', 'invalid-seal', 'The seal has no product link.');
    return;
  }
  const link = parseDigitalLink(parts.link);
  if (!link.ok) add('link-malformed', 'invalid-seal', 'The product link on this tag is malformed.');
  else j.link = link.link;
  if (candidates.length === 0) {
    add('issuer-unknown', 'unknown', 'The seal was made by a packager this scanner does not know.');
    return;
  }
  if (!crypto.ed25519) {
    j.issuer = candidates[0].name;
    add('seal-unchecked', 'unknown', 'This scanner cannot check seal signatures; the record is checked upstream.');
    return;
  }
  if (!isPrintableAscii(parts.link) || parts.link.length > 0xffff) {
    // No packaging station signs such a link: the tag was written by something else.
    add('seal-signature-bad', 'invalid-seal', 'The seal does not belong to this tag: it was copied from another tag or altered.');
    return;
  }
  const msg = sealMessage(uid, parts.link, seal.seal.sealedAt, seal.seal.keyId);
  let issuer: TrustedIssuer | null = null;
  for (let i = 0; i < candidates.length && !issuer; i++) {
    if (crypto.ed25519.verify(candidates[i].publicKey, msg, seal.seal.signature)) issuer = candidates[i];
  }
  if (!issuer) {
    add('seal-signature-bad', 'invalid-seal', 'The seal does not belong to this tag: it was copied from another tag or altered.');
    return;
  }
  j.issuer = issuer.name;
  if (seal.seal.sealedAt * 1000 > nowMs + 86400000) add('sealed-in-future', 'note', 'The seal is dated in the future; check the scanner clock.');
  if (link.ok && link.link.expiry !== undefined && expiryLastDay(link.link.expiry) < Math.floor(nowMs / 86400000)) {
    j.expired = true;
    add('expired', 'note', 'The product expired (' + link.link.expiry + ').');
  }
}
