/**
 * What a virtual tag holds, in one reading that both `sealscan tag show` (as text) and the web console's tag shelf
 * (as JSON) present: type, UID, a badge's inspector id, the NDEF message, the Digital Link and the seal, the tamper
 * loop and the originality signature.
 */
import type { Picc } from './rf/air.js';
import { kindOf, type TagKind } from './tag-file.js';
import { MifareClassic1K, Ntag213TT, type Ntag21x, type UltralightEV1 } from './tags/index.js';
import { BADGE_BLOCK, badgeIdOf } from '../firmware/app/badge.js';
import { parseType2Ndef } from '../firmware/tags/type2-ndef.js';
import type { Finding } from '../firmware/tags/findings.js';
import { findSealParts } from '../firmware/seals/seal-ndef.js';
import { decodeSeal } from '../firmware/records/seal.js';

export interface TagContents {
  kind: TagKind;
  /** The tag's model as its label names it, without the UID (`NTAG213`). */
  model: string;
  uid: Uint8Array;
  /** MIFARE Classic 1K: the badge block and the inspector id it holds (null: none). */
  classic: { block: Uint8Array; badge: string | null } | null;
  /** Type 2 tags: the NDEF message's record count, or why there is none. */
  ndef: { ok: true; records: number } | { ok: false; finding: Finding } | null;
  link: string | null;
  seal: { ok: true; keyId: Uint8Array; sealedAt: number } | { ok: false; message: string } | null;
  tamper: { loopClosed: boolean; seenOpen: boolean } | null;
  /** Type 2 tags: what READ_SIG answers. */
  signature: Uint8Array | null;
}

/** Reads `tag`'s memory as a scanner would make sense of it; never changes the tag. */
export function describeTag(tag: Picc): TagContents {
  const t = tag as Ntag21x | UltralightEV1 | MifareClassic1K;
  const out: TagContents = {
    kind: kindOf(tag),
    model: tag.label.replace(/ [0-9A-F]+$/, ''),
    uid: t.uid,
    classic: null,
    ndef: null,
    link: null,
    seal: null,
    tamper: null,
    signature: null,
  };
  if (t instanceof MifareClassic1K) {
    const block = t.block(BADGE_BLOCK);
    out.classic = { block, badge: badgeIdOf(block) };
    return out;
  }
  const ndef = parseType2Ndef(t.dump());
  if (!ndef.ok) out.ndef = { ok: false, finding: ndef.finding };
  else {
    out.ndef = { ok: true, records: ndef.value.records.length };
    const parts = findSealParts(ndef.value.records);
    out.link = parts.link ?? null;
    if (parts.sealPayload) {
      const s = decodeSeal(parts.sealPayload);
      out.seal = s.ok ? { ok: true, keyId: s.seal.keyId, sealedAt: s.seal.sealedAt } : { ok: false, message: s.message };
    }
  }
  if (t instanceof Ntag213TT) out.tamper = { loopClosed: t.tamperLoopClosed, seenOpen: t.tamperDetected };
  out.signature = t.signature;
  return out;
}
