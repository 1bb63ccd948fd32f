/**
 * Memory layout of NFC Forum Type 2 tags from NXP (MIFARE Ultralight EV1, NTAG21x): page map per product, factory
 * image, and the options every Type 2 tag accepts. Reference §5.1–5.3.
 */
import { HalError } from '../../hal/errors.js';
import { bcc } from './frames.js';

/** Where things live in one product's memory. Page numbers are absolute. */
export interface Type2Profile {
  /** Product name for labels: 'NTAG213', 'MF0UL21', … */
  readonly name: string;
  /** GET_VERSION answer, 8 bytes (reference §5.1). */
  readonly version: readonly number[];
  /** Last page READ/FAST_READ can address; READ rolls over to page 0 after it. */
  readonly lastPage: number;
  /** Pages held in memory (above lastPage only for write-only pages such as the NTAG213 TT message). */
  readonly pageCount: number;
  /** Last user page (first is 04h). */
  readonly userLast: number;
  /** Dynamic lock page, if any, and how many pages one dynamic lock bit covers (reference §5.2; FLIP granularity). */
  readonly dynLockPage?: number;
  readonly dynLockGranularity?: number;
  /** Byte 3 of the dynamic lock page, RFUI: what it reads and keeps. */
  readonly dynLockRfui?: number;
  readonly cfg0Page: number;
  readonly cfg1Page: number;
  readonly pwdPage: number;
  readonly packPage: number;
  /** Factory capability container (page 3). */
  readonly cc: readonly number[];
  /** Factory CFG0 and CFG1 (reference §5.3 "observed" values). */
  readonly cfg0: readonly number[];
  readonly cfg1: readonly number[];
  /** Factory content of the user memory from page 04h (NDEF TLVs), if any. */
  readonly factoryData?: readonly number[];
}

/** CFG1 byte 0 (ACCESS) bits, reference §5.3. */
export const ACCESS_PROT = 0x80;
export const ACCESS_CFGLCK = 0x40;
export const ACCESS_NFC_CNT_EN = 0x10;
export const ACCESS_NFC_CNT_PWD_PROT = 0x08;
export const ACCESS_AUTHLIM_MASK = 0x07;

/** Options shared by every Type 2 tag. Options given explicitly win over `memory`. */
export interface Type2Options {
  /** 7 bytes; UID0 should be 04h (NXP). Default: a fresh simulator UID 04 53 49 4D xx xx xx. */
  uid?: Uint8Array | readonly number[];
  /**
   * A full initial memory image (pageCount × 4 bytes). The UID, BCC0/BCC1 and the internal byte are always rewritten
   * from `uid`: they are programmed at the factory.
   */
  memory?: Uint8Array;
  /** Bytes written from page 04h on (must fit the user memory). */
  userData?: Uint8Array | readonly number[];
  /** Capability container (page 3), 4 bytes. */
  cc?: readonly number[];
  /** Static lock bytes 0 and 1 (page 2 bytes 2–3). */
  staticLock?: readonly number[];
  /** Dynamic lock bytes 0–2. */
  dynamicLock?: readonly number[];
  /** PWD, 4 bytes as sent in PWD_AUTH (factory FF FF FF FF). */
  password?: readonly number[];
  /** PACK, 2 bytes (factory 00 00). */
  pack?: readonly number[];
  /** First protected page (CFG0 byte 3); FFh or anything above the last page disables protection. */
  auth0?: number;
  /** PROT: true = reads from AUTH0 on need the password too, false = only writes. */
  prot?: boolean;
  /** AUTHLIM 0..7 (0 = unlimited failed PWD_AUTH attempts). */
  authLimit?: number;
  /** CFGLCK: configuration pages permanently write-locked. */
  cfgLock?: boolean;
  /** Failed PWD_AUTH attempts already counted (non-volatile). */
  failedAuthAttempts?: number;
  /** Originality signature to return for READ_SIG (e.g. one copied from another UID, or an NXP vector). */
  signature?: Uint8Array | readonly number[];
  /** Private key to sign the UID with when `signature` is absent; default the simulator key (originality.ts). */
  originalityPrivateKey?: Uint8Array;
}

let nextSerial = 1;

/** A fresh 7-byte UID for tags created without one: 04 53 49 4D ("SIM") + a 24-bit serial. */
export function freshUid7(): Uint8Array {
  const n = nextSerial++;
  return new Uint8Array([0x04, 0x53, 0x49, 0x4d, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
}

function fit(name: string, v: readonly number[] | Uint8Array | undefined, len: number): Uint8Array | undefined {
  if (v === undefined) return undefined;
  if (v.length !== len) throw new HalError('BAD_ARGUMENT', `${name} has ${len} bytes, not ${v.length}`);
  return new Uint8Array(v);
}

/** Builds the initial memory image of a tag from its profile and options. */
export function buildType2Memory(p: Type2Profile, uid: Uint8Array, o: Type2Options): Uint8Array {
  const mem = new Uint8Array(p.pageCount * 4);
  if (o.memory) {
    if (o.memory.length !== mem.length) throw new HalError('BAD_ARGUMENT', `${p.name} memory has ${mem.length} bytes`);
    mem.set(o.memory);
  } else {
    mem.set(p.cc, 12);
    if (p.dynLockPage !== undefined) mem[p.dynLockPage * 4 + 3] = p.dynLockRfui ?? 0;
    mem.set(p.cfg0, p.cfg0Page * 4);
    mem.set(p.cfg1, p.cfg1Page * 4);
    mem.fill(0xff, p.pwdPage * 4, p.pwdPage * 4 + 4);
    if (p.factoryData && !o.userData) mem.set(p.factoryData, 16);
  }
  // NTAGF §8.5.1: UID0-2 + BCC0 (with the cascade tag), UID3-6, BCC1, internal byte.
  mem.set([uid[0], uid[1], uid[2], bcc([0x88, uid[0], uid[1], uid[2]])], 0);
  mem.set(uid.subarray(3, 7), 4);
  mem[8] = bcc(uid.subarray(3, 7));
  mem[9] = o.memory ? o.memory[9] : 0x48;
  const put = (name: string, v: readonly number[] | Uint8Array | undefined, len: number, at: number): void => {
    const b = fit(name, v, len);
    if (b) mem.set(b, at);
  };
  put('cc', o.cc, 4, 12);
  put('staticLock', o.staticLock, 2, 10);
  if (p.dynLockPage !== undefined) put('dynamicLock', o.dynamicLock, 3, p.dynLockPage * 4);
  put('password', o.password, 4, p.pwdPage * 4);
  put('pack', o.pack, 2, p.packPage * 4);
  if (o.userData) {
    const room = (p.userLast - 3) * 4;
    if (o.userData.length > room) throw new HalError('BAD_ARGUMENT', `${p.name} user memory holds ${room} bytes`);
    mem.set(new Uint8Array(o.userData), 16);
  }
  if (o.auth0 !== undefined) mem[p.cfg0Page * 4 + 3] = o.auth0 & 0xff;
  const access = p.cfg1Page * 4;
  const flag = (on: boolean | undefined, bit: number): void => {
    if (on !== undefined) mem[access] = on ? mem[access] | bit : mem[access] & ~bit;
  };
  flag(o.prot, ACCESS_PROT);
  flag(o.cfgLock, ACCESS_CFGLCK);
  if (o.authLimit !== undefined) mem[access] = (mem[access] & ~ACCESS_AUTHLIM_MASK) | (o.authLimit & ACCESS_AUTHLIM_MASK);
  return mem;
}
