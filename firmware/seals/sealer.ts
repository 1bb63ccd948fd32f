import type { Crypto } from '../../hal/crypto.js';
import type { Pcd, RadioError } from '../../hal/radio.js';
import type { Activation } from '../../hal/reader.js';
import { Type2Tag } from '../tags/type2.js';
import type { FindingError } from '../tags/findings.js';
import { readNdef, writeNdef } from '../tags/type2-ndef-io.js';
import { isType2 } from '../scan/read-tag.js';
import { protect } from '../tags/type2-config.js';
import { parseDigitalLink, type DigitalLinkFinding } from './digital-link.js';
import { issuerKeyId, sealMessage, type Seal } from '../records/seal.js';
import { findSealParts, sealNdefRecords } from './seal-ndef.js';

/** What an opened NTAG213 TT reports from then on: "OPEN" in ASCII. */
export const TAMPER_MESSAGE = new Uint8Array([0x4f, 0x50, 0x45, 0x4e]);

export interface IssuerKey {
  /** Raw 32-byte Ed25519 private key (seed). */
  privateKey: Uint8Array;
  publicKey: Uint8Array;
}

export interface SealRequest {
  /** The package's GS1 Digital Link; checked before anything is written. */
  link: string;
  issuer: IssuerKey;
  /** Sealing time, seconds since the Unix epoch. */
  sealedAt: number;
  /**
   * Write-protect the seal with this password from page 4 on (PROT = 0: phones still read it). PACK is what the
   * tag answers to a correct PWD_AUTH.
   */
  protect?: { password: Uint8Array; pack: Uint8Array };
  /** Password the tag is already protected with (resealing). */
  currentPassword?: Uint8Array;
  /** Replace a seal already on the tag. Default false: a sealed tag is refused. */
  replace?: boolean;
}

export type SealFailure =
  | { ok: false; stage: 'link'; finding: DigitalLinkFinding }
  | { ok: false; stage: 'tag'; message: string }
  /** The tag carries a seal and the request did not ask to replace it. */
  | { ok: false; stage: 'sealed'; message: string }
  | { ok: false; stage: 'radio'; error: RadioError }
  | { ok: false; stage: 'memory'; error: FindingError };

export interface SealDone {
  ok: true;
  uid: Uint8Array;
  model: string;
  seal: Seal;
  /** NDEF message bytes written. */
  pagesWritten: number;
  protected: boolean;
}

export type SealResult = SealDone | SealFailure;

/** Seals go on Type 2 tags with an originality signature; say what this other card is. */
function notType2(sak: number): string {
  const what = (sak & 0x7f) === 0x08 || (sak & 0x7f) === 0x18 ? 'a MIFARE Classic card' : 'not an NFC Forum Type 2 tag';
  const hex = (sak & 0xff).toString(16).toUpperCase();
  return 'this is ' + what + ' (SAK ' + (hex.length < 2 ? '0' + hex : hex) + 'h): it cannot carry a seal; seal an NTAG213/215/216, NTAG213 TT or Ultralight EV1';
}

/**
 * The packaging station's job on one selected tag: check the link, sign UID + link + time + key id with the
 * issuer's key, write the NDEF message (URI record, then seal record), optionally write-protect it. Refuses a tag
 * type without an originality signature (the seal would be trivially cloned onto a blank tag of another kind).
 */
export function sealTag(pcd: Pcd, activation: Activation, request: SealRequest, crypto: Crypto): SealResult {
  const link = parseDigitalLink(request.link);
  if (!link.ok) return { ok: false, stage: 'link', finding: link.finding };
  if (!crypto.ed25519) return { ok: false, stage: 'tag', message: 'this platform cannot make Ed25519 signatures; seal on a Pi or PC' };
  // A MIFARE Classic (SAK 08h/18h) NAKs GET_VERSION with 4h, which a Type 2 tag means as "authentication counter
  // overflow": tell it by its SAK before asking.
  if (!isType2(activation)) return { ok: false, stage: 'tag', message: notType2(activation.sak) };
  const tag = new Type2Tag(pcd, activation);
  const id = tag.getVersion();
  if (!id.ok) return { ok: false, stage: 'radio', error: id };
  const spec = id.value.spec;
  if (id.value.kind !== 'known' || !spec) return { ok: false, stage: 'tag', message: 'not a tag type this station seals (NTAG213/215/216, NTAG213 TT, Ultralight EV1)' };
  if (!spec.capabilities.readSig) return { ok: false, stage: 'tag', message: spec.model + ' has no originality signature; seals need one' };
  if (request.currentPassword) {
    const auth = tag.pwdAuth(request.currentPassword);
    if (!auth.ok) return { ok: false, stage: 'radio', error: auth };
  }
  if (!request.replace) {
    const existing = readNdef(tag);
    if (existing.ok && findSealParts(existing.value.records).sealPayload !== undefined) {
      return { ok: false, stage: 'sealed', message: 'the tag already carries a seal' };
    }
    if (!existing.ok && 'reason' in existing) return { ok: false, stage: 'radio', error: existing };
  }
  const keyId = issuerKeyId(request.issuer.publicKey, crypto);
  const signature = crypto.ed25519.sign(request.issuer.privateKey, sealMessage(activation.uid, request.link, request.sealedAt, keyId));
  const seal: Seal = { keyId: keyId, sealedAt: request.sealedAt, signature: signature };
  const records = sealNdefRecords(request.link, seal);
  if (!records.ok) return { ok: false, stage: 'memory', error: records };
  const written = writeNdef(tag, records.value, { format: true });
  if (!written.ok) return 'reason' in written ? { ok: false, stage: 'radio', error: written } : { ok: false, stage: 'memory', error: written };
  if (spec.capabilities.tamper && spec.tamperMessagePage >= 0) {
    // NTAG213 TT answers 00 00 00 00 as its tamper message until it has seen the loop open, then this message: a
    // non-zero message with the loop closed again proves an earlier opening (reference section 5.4).
    const tt = tag.write(spec.tamperMessagePage, TAMPER_MESSAGE);
    if (!tt.ok) return { ok: false, stage: 'radio', error: tt };
  }
  if (request.protect) {
    const p = protect(tag, request.protect.password, request.protect.pack, { auth0: spec.userStart, protectReads: false });
    if (!p.ok) return { ok: false, stage: 'radio', error: p };
  }
  return { ok: true, uid: activation.uid, model: spec.model, seal: seal, pagesWritten: written.value.pages.length, protected: !!request.protect };
}
