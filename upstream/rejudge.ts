// The ingest's second look at what a scanner could not check. A board without Ed25519 records `seal-unchecked`
// (verdict at best unknown), one without ECDSA on secp128r1 records `originality-unchecked` and the tag's signature
// (payload key 18). The record holds the evidence for both checks (UID, seal bytes, Digital Link, signature), so the
// ingest checks them with the issuers and originality keys it trusts, with the same code and the same reason table
// as the scanner's judge, and keeps its verdict beside the device's (docs/ingest-api.md, "Re-judging").
import type { ScanBody, Verdict } from '../firmware/records/kinds.js';
import { decodeSeal, sealCandidates, sealSigner } from '../firmware/records/seal.js';
import { reasonLevel, worseVerdict, type ReasonLevel } from '../firmware/records/scan-reasons.js';
import { originalityKeysForTagType, type OriginalityKey } from '../hal/originality-keys.js';
import type { Ed25519, OriginalityVerifier, Sha256 } from '../hal/crypto.js';
import { nodeEd25519, nodeSha256 } from '../hal/node/crypto.js';
import { nxpOriginality } from '../hal/node/originality.js';

/** What the ingest trusts. NXP's originality keys are built in (hal/originality-keys.ts). */
export interface UpstreamTrust {
  /** Seal issuers, as `sealscan ingest --issuer FILE` loads them. */
  issuers: Array<{ name: string; publicKey: Uint8Array }>;
  /** Originality keys beyond NXP's: `--originality-key NAME=HEX`, the simulator's with `--simulator`. */
  originalityKeys?: OriginalityKey[];
}

/** The ingest's verdict on a scan it re-judged, with the reason codes behind it (empty for a clean genuine). */
export interface UpstreamVerdict {
  verdict: Verdict;
  reasons: string[];
}

export interface RejudgeCrypto extends Sha256 {
  ed25519: Pick<Ed25519, 'verify'>;
  originality: OriginalityVerifier;
}

export const NODE_REJUDGE_CRYPTO: RejudgeCrypto = { sha256: nodeSha256, ed25519: nodeEd25519, originality: nxpOriginality };

/**
 * Codes only the ingest gives, each beside the unchecked code it could not clear either, saying why: notes, since
 * the unchecked code already holds the verdict where it belongs.
 */
export const UPSTREAM_REASONS: { readonly [code: string]: ReasonLevel } = {
  /** No issuer the ingest trusts has the seal's key id (start it with --issuer FILE). */
  'upstream-issuer-unknown': 'note',
  /** The record says seal-unchecked but holds no seal or no link to check. */
  'seal-evidence-missing': 'note',
  /** The record carries no originality signature (a record made before payload key 18). */
  'originality-sig-missing': 'note',
  /** The ingest has no originality key for the record's tag type. */
  'originality-key-unknown': 'note',
};

/** A device's code the ingest does not know (newer firmware) cannot be weighed: it keeps the verdict from genuine. */
function levelOf(code: string): ReasonLevel {
  return reasonLevel(code) ?? (Object.prototype.hasOwnProperty.call(UPSTREAM_REASONS, code) ? UPSTREAM_REASONS[code] : 'unknown');
}

/** True when the scan has a check the ingest should do again: its reasons say the device could not. */
export function needsRejudging(scan: ScanBody): boolean {
  return scan.reasons.includes('seal-unchecked') || scan.reasons.includes('originality-unchecked');
}

/**
 * The ingest's verdict on `scan`, or undefined when the device checked everything itself (its verdict stands).
 * The device's other findings (tamper loop, identity, NDEF problems) are kept and weighed as the device weighs
 * them; the unchecked codes are replaced by what the ingest's own checks find. Pure given `trust`; never throws for
 * anything a record can hold.
 */
export function rejudgeScan(scan: ScanBody, trust: UpstreamTrust, crypto: RejudgeCrypto = NODE_REJUDGE_CRYPTO): UpstreamVerdict | undefined {
  if (!needsRejudging(scan)) return undefined;
  const reasons = scan.reasons.filter((r) => r !== 'seal-unchecked' && r !== 'originality-unchecked');
  if (scan.reasons.includes('originality-unchecked')) reasons.push(...checkOriginality(scan, trust, crypto));
  if (scan.reasons.includes('seal-unchecked')) reasons.push(...checkSeal(scan, trust, crypto));
  let verdict: Verdict = 'genuine';
  for (const r of reasons) {
    const level = levelOf(r);
    if (level !== 'note') verdict = worseVerdict(verdict, level);
  }
  return { verdict, reasons };
}

function checkOriginality(scan: ScanBody, trust: UpstreamTrust, crypto: RejudgeCrypto): string[] {
  if (!scan.originalitySig) return ['originality-unchecked', 'originality-sig-missing'];
  const keys = originalityKeysForTagType(scan.tagType, trust.originalityKeys);
  if (!keys.length) return ['originality-unchecked', 'originality-key-unknown'];
  for (const k of keys) if (crypto.originality.verify(k.publicKey, scan.uid, scan.originalitySig)) return [];
  return ['originality-invalid'];
}

function checkSeal(scan: ScanBody, trust: UpstreamTrust, crypto: RejudgeCrypto): string[] {
  if (!scan.seal || scan.digitalLink === undefined) return ['seal-unchecked', 'seal-evidence-missing'];
  const seal = decodeSeal(scan.seal);
  if (!seal.ok) return [seal.code === 'SEAL_VERSION' ? 'seal-version' : 'seal-format'];
  const candidates = sealCandidates(trust.issuers, seal.seal.keyId, crypto);
  if (!candidates.length) return ['seal-unchecked', 'upstream-issuer-unknown'];
  return sealSigner(candidates, scan.uid, scan.digitalLink, seal.seal, crypto.ed25519) ? [] : ['seal-signature-bad'];
}
