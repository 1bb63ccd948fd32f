import { hexLiteral } from './hex.js';
import { replaceEvery } from './text.js';

/**
 * Public keys of NXP originality signatures (ECDSA over secp128r1 on the raw UID; reference section 6), uncompressed
 * 33 bytes 04 || X || Y, and which tag models each one signs.
 */
export interface OriginalityKey {
  name: string;
  publicKey: Uint8Array;
  /** Type 2 models (firmware/tags/type2-catalog.ts names) the key applies to; absent: all. */
  models?: string[];
}

let nxpKeys: OriginalityKey[] | undefined;

/**
 * AN11350 (NTAG21x, NTAG213 TT) and AN11341 (MIFARE Ultralight EV1), made on the first call and kept: parsing their
 * hex on every tap cost the Espruino image several milliseconds a tap, which outweighs the 30 or so variables they hold.
 */
export function nxpOriginalityKeys(): OriginalityKey[] {
  if (!nxpKeys) {
    nxpKeys = [
      { name: 'NXP NTAG21x', publicKey: hexLiteral('04494e1a386d3d3cfe3dc10e5de68a499b1c202db5b132393e89ed19fe5be8bc61'), models: ['NTAG213', 'NTAG215', 'NTAG216', 'NTAG213 TT'] },
      { name: 'NXP MIFARE Ultralight EV1', publicKey: hexLiteral('0490933bdcd6e99b4e255e3da55389a827564e11718e017292faf23226a96614b8'), models: ['MF0UL11', 'MF0UL21'] },
    ];
  }
  return nxpKeys;
}

/** The keys that may have signed a tag of `model`: NXP's for its family, then the configured extra keys. */
export function originalityKeysFor(model: string, extra?: OriginalityKey[]): OriginalityKey[] {
  const all = extra ? nxpOriginalityKeys().concat(extra) : nxpOriginalityKeys();
  const out: OriginalityKey[] = [];
  for (let i = 0; i < all.length; i++) {
    const m = all[i].models;
    if (!m || m.indexOf(model) >= 0) out.push(all[i]);
  }
  return out;
}

/** The tag-type code of a model as scan records carry it (payload key 11): 'NTAG213 TT' is 'ntag213-tt'. */
export function modelCode(model: string): string {
  return replaceEvery(model.toLowerCase(), ' ', '-');
}

/**
 * The keys that may have signed a tag whose record says `tagType` (a code made by {@link modelCode}): what a
 * verifier that holds the record, not the tag, can use.
 */
export function originalityKeysForTagType(tagType: string, extra?: OriginalityKey[]): OriginalityKey[] {
  const all = extra ? nxpOriginalityKeys().concat(extra) : nxpOriginalityKeys();
  const out: OriginalityKey[] = [];
  for (let i = 0; i < all.length; i++) {
    const m = all[i].models;
    let match = !m;
    for (let k = 0; m && !match && k < m.length; k++) match = modelCode(m[k]) === tagType;
    if (match) out.push(all[i]);
  }
  return out;
}
