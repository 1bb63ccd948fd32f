/**
 * NFC Forum Type 2 tags we know by their GET_VERSION answer: memory map and command set per product
 * (reference §5.1, §5.3). Pages are 4 bytes; all page numbers are absolute.
 */

export type Type2Model = 'NTAG213' | 'NTAG215' | 'NTAG216' | 'NTAG213 TT' | 'MF0UL11' | 'MF0UL21' | 'MF0ICU1';

export interface Type2Capabilities {
  /** GET_VERSION (60h) is answered. MF0ICU1 stays silent (and drops to IDLE). */
  getVersion: boolean;
  /** FAST_READ (3Ah). */
  fastRead: boolean;
  /** PWD_AUTH (1Bh) and the AUTH0/ACCESS configuration. */
  pwdAuth: boolean;
  /** READ_SIG (3Ch): 32-byte originality signature (reference §6). */
  readSig: boolean;
  /** READ_CNT (39h): 'nfc' = NTAG's NFC counter (counter 02h only), 'ev1' = counters 00h–02h, null = none. */
  counter: 'nfc' | 'ev1' | null;
  /** READ_TT_STATUS (A4h), NTAG213 TT only. */
  tamper: boolean;
}

export interface Type2Spec {
  model: Type2Model;
  /** Product name for people. */
  description: string;
  /** GET_VERSION answer (8 bytes) with byte 3 (subtype) as in {@link subtypes}; null when the tag has none. */
  version: readonly number[] | null;
  /** GET_VERSION byte 3 values accepted (01h 17 pF, 02h 50 pF). */
  subtypes: readonly number[];
  /** Number of pages READ/FAST_READ can reach (page 0 to pages − 1). */
  pages: number;
  /** First and last page of user memory. */
  userStart: number;
  userEnd: number;
  /** Page of the dynamic lock bytes, or -1. */
  dynamicLockPage: number;
  /** CFG0 (MIRROR/MOD, AUTH0 in byte 3), CFG1 (ACCESS in byte 0), PWD, PACK pages; -1 when absent. */
  cfg0Page: number;
  cfg1Page: number;
  pwdPage: number;
  packPage: number;
  /** NTAG213 TT: page of the TT_MESSAGE (write-only, past the readable pages); -1 otherwise. */
  tamperMessagePage: number;
  /** The capability container an NDEF-formatted tag of this type carries in page 3 (E1 10 size 00). */
  cc: readonly number[];
  capabilities: Type2Capabilities;
}


function ntag(model: Type2Model, description: string, storage: number, major: number, last: number, ccSize: number, tt: boolean): Type2Spec {
  return {
    model: model,
    description: description,
    version: [0x00, 0x04, 0x04, 0x02, major, 0x00, storage, 0x03],
    subtypes: [0x02],
    pages: last + 1,
    userStart: 4,
    userEnd: last - 5,
    dynamicLockPage: last - 4,
    cfg0Page: last - 3,
    cfg1Page: last - 2,
    pwdPage: last - 1,
    packPage: last,
    // NTAG213 TT: TT_MESSAGE in the page after PACK (reference §5.1, PM3 only), written with WRITE; READ and
    // FAST_READ stop at PACK (as sim/tags models it), so it is not part of `pages`.
    tamperMessagePage: tt ? last + 1 : -1,
    cc: [0xe1, 0x10, ccSize, 0x00],
    capabilities: { getVersion: true, fastRead: true, pwdAuth: true, readSig: true, counter: 'nfc', tamper: tt },
  };
}

function ev1(model: Type2Model, description: string, storage: number, last: number, userEnd: number, dynLock: number, ccSize: number): Type2Spec {
  return {
    model: model,
    description: description,
    version: [0x00, 0x04, 0x03, 0x01, 0x01, 0x00, storage, 0x03],
    subtypes: [0x01, 0x02],
    pages: last + 1,
    userStart: 4,
    userEnd: userEnd,
    dynamicLockPage: dynLock,
    cfg0Page: last - 3,
    cfg1Page: last - 2,
    pwdPage: last - 1,
    packPage: last,
    tamperMessagePage: -1,
    cc: [0xe1, 0x10, ccSize, 0x00],
    capabilities: { getVersion: true, fastRead: true, pwdAuth: true, readSig: true, counter: 'ev1', tamper: false },
  };
}

/**
 * Catalog entry `i` (reference §5.1 order), made on each call, or null past the end. Made on demand rather than held:
 * on Espruino the seven entries held for good would cost over 300 variables, and a tap needs one of them.
 */
function specAt(i: number): Type2Spec | null {
  switch (i) {
    case 0:
      return {
        model: 'MF0ICU1',
        description: 'MIFARE Ultralight (MF0ICU1)',
        version: null,
        subtypes: [],
        pages: 16,
        userStart: 4,
        userEnd: 0x0f,
        dynamicLockPage: -1,
        cfg0Page: -1,
        cfg1Page: -1,
        pwdPage: -1,
        packPage: -1,
        tamperMessagePage: -1,
        cc: [0xe1, 0x10, 0x06, 0x00],
        capabilities: { getVersion: false, fastRead: false, pwdAuth: false, readSig: false, counter: null, tamper: false },
      };
    case 1:
      return ev1('MF0UL11', 'MIFARE Ultralight EV1 (MF0UL11)', 0x0b, 0x13, 0x0f, -1, 0x06);
    case 2:
      return ev1('MF0UL21', 'MIFARE Ultralight EV1 (MF0UL21)', 0x0e, 0x28, 0x23, 0x24, 0x10);
    case 3:
      return ntag('NTAG213', 'NXP NTAG213', 0x0f, 0x01, 0x2c, 0x12, false);
    case 4:
      return ntag('NTAG215', 'NXP NTAG215', 0x11, 0x01, 0x86, 0x3e, false);
    case 5:
      return ntag('NTAG216', 'NXP NTAG216', 0x13, 0x01, 0xe6, 0x6d, false);
    case 6:
      return ntag('NTAG213 TT', 'NXP NTAG213 TT (NT2H1311TT)', 0x0f, 0x03, 0x2c, 0x12, true);
    default:
      return null;
  }
}

/** The whole catalog, in reference §5.1 order (fresh objects: the caller may keep them). */
export function type2Catalog(): Type2Spec[] {
  const out: Type2Spec[] = [];
  for (let i = 0; ; i++) {
    const spec = specAt(i);
    if (!spec) return out;
    out.push(spec);
  }
}

/** The catalog entry whose GET_VERSION bytes match `version` (8 bytes), or null. */
export function lookupVersion(version: Uint8Array): Type2Spec | null {
  if (version.length !== 8) return null;
  for (let i = 0; ; i++) {
    const spec = specAt(i);
    if (!spec) return null;
    const v = spec.version;
    if (!v) continue;
    let match = true;
    for (let k = 0; k < 8 && match; k++) {
      if (k === 3) match = spec.subtypes.indexOf(version[3]) >= 0;
      else match = version[k] === v[k];
    }
    if (match) return spec;
  }
}

/** The catalog entry for `model`. */
export function specFor(model: Type2Model): Type2Spec {
  for (let i = 0; ; i++) {
    const spec = specAt(i);
    // Unreachable for a Type2Model; keeps the return type honest for callers passing a cast string.
    if (!spec) return specAt(0) as Type2Spec;
    if (spec.model === model) return spec;
  }
}

/**
 * User memory size that GET_VERSION byte 6 announces (reference §5.1): bits 7:1 = n, 2ⁿ bytes when bit 0 is 0,
 * between 2ⁿ and 2ⁿ⁺¹ when it is 1 (the lower bound is returned). Shifts, not `**`, for Espruino.
 */
export function storageSizeBytes(byte6: number): number {
  const n = (byte6 >> 1) & 0x7f;
  return n > 30 ? -1 : 1 << n;
}
