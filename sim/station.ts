// The packaging station in the simulator: its own reader (a register-level chip on its own virtual time, as the
// packaging-station commands use) to seal virtual tags and make inspector badges and counterfeits from them.
import type { Crypto } from '../hal/crypto.js';
import { Mfrc522 } from '../hal/mfrc522/driver.js';
import { Iso14443aReader } from '../hal/iso14443a/reader.js';
import type { Activation } from '../hal/reader.js';
import { sealTag, type IssuerKey, type SealDone, type SealFailure, type SealResult } from '../firmware/seals/sealer.js';
import { encodeSeal } from '../firmware/records/seal.js';
import type { SimDevice } from './device.js';
import { badgeBlock } from '../firmware/app/badge.js';
import { lookupVersion } from '../firmware/tags/type2-catalog.js';
import { VirtualClock } from './clock.js';
import { RfField } from './rf/field.js';
import { SimMfrc522 } from './mfrc522/chip.js';
import type { Picc } from './rf/air.js';
import { MifareClassic1K, Ntag21x, UltralightEV1 } from './tags/index.js';
import { kindOf, randomUid } from './tag-file.js';

/** Puts `tag` alone on a fresh station reader, selects it and runs `fn`; the tag leaves the field afterwards. */
export async function onStationReader<T>(tag: Picc, fn: (reader: Iso14443aReader, a: Activation) => T): Promise<T> {
  const clock = new VirtualClock({ epochMs: Date.now() });
  const field = new RfField();
  const driver = new Mfrc522(new SimMfrc522({ clock, field }), clock);
  await driver.init();
  field.place(tag);
  try {
    const reader = new Iso14443aReader(driver);
    const a = reader.activate();
    if (!a.ok) throw new Error(`${tag.label} does not answer on the station reader: ${a.message}`);
    return fn(reader, a.value);
  } finally {
    field.remove(tag);
  }
}

/** Seals `tag` with `issuer` for `link` at `sealedAtMs` (replacing a seal already there when `replace`). */
export function sealVirtualTag(tag: Picc, o: { link: string; issuer: IssuerKey; sealedAtMs: number; replace?: boolean }, crypto: Crypto): Promise<SealResult> {
  return onStationReader(tag, (reader, a) => sealTag(reader, a, { link: o.link, issuer: o.issuer, sealedAt: Math.floor(o.sealedAtMs / 1000), replace: o.replace }, crypto));
}

/**
 * The packaging station's record of a seal it wrote: a signed commission record in `station`'s chain (synced like
 * any record). Its seq; null when the station's queue is full; undefined when the station is off.
 */
export function recordSeal(station: SimDevice, sealed: SealDone, link: string, crypto: Crypto): number | null | undefined {
  const boot = station.boot;
  if (!boot) return undefined;
  return boot.commission({ uid: sealed.uid, digitalLink: link, sealHash: crypto.sha256(encodeSeal(sealed.seal)), issuerKeyId: sealed.seal.keyId });
}

/**
 * Why a seal was not written, in words (the packaging-station command says the same). `replaceHow` is how this
 * caller's user asks to overwrite a seal (a command-line flag, a checkbox), said when the tag is already sealed.
 */
export function sealFailure(r: SealFailure, replaceHow = 'ask to replace it'): string {
  if (r.stage === 'link') return `the link is malformed (${r.finding.code}): ${r.finding.message}`;
  if (r.stage === 'tag') return r.message;
  if (r.stage === 'sealed') return `${r.message}; ${replaceHow}`;
  if (r.stage === 'radio') return `the tag refused: ${r.error.message}`;
  return `${r.error.finding.code}: ${r.error.finding.message}`;
}

/** An inspector badge: a MIFARE Classic 1K whose block 4 holds `inspector` (key A FFFFFFFFFFFF). */
export function makeBadge(inspector: string, uid?: Uint8Array): MifareClassic1K {
  return new MifareClassic1K({ uid: uid ?? randomUid('mifare-classic-1k'), blocks: { 4: Array.from(badgeBlock(inspector)) } });
}

/**
 * A counterfeit of a Type 2 tag. `magic`: same UID and memory on a chip that cannot make NXP's signature for it
 * (the copied signature belongs to another UID) — the scanner should say clone suspect. `copy-seal`: the seal and
 * link copied onto a genuine blank tag of the same type (new UID) — the seal no longer matches: invalid seal.
 */
export function cloneTag(tag: Picc, mode: 'magic' | 'copy-seal', uid?: Uint8Array): Picc {
  if (!(tag instanceof Ntag21x || tag instanceof UltralightEV1)) throw new Error(`${tag.label}: only Type 2 tags are cloned`);
  const ctor = tag.constructor as new (o: object) => Picc;
  const mem = tag.dump();
  if (mode === 'copy-seal') {
    const spec = lookupVersion(tag.version);
    if (!spec) throw new Error(`${tag.label}: unknown tag version`);
    return new ctor({ uid: uid ?? randomUid(kindOf(tag)), userData: Array.from(mem.slice(16, (spec.userEnd + 1) * 4)) });
  }
  const other = new ctor({ uid: randomUid(kindOf(tag)) }) as Ntag21x;
  return new ctor({ uid: tag.uid, memory: mem, signature: Array.from(other.signature) });
}
