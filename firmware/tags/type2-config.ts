/**
 * Password protection and the configuration pages of NTAG21x / Ultralight EV1 (reference §5.3): CFG0 byte 3 =
 * AUTH0 (first protected page), CFG1 byte 0 = ACCESS (PROT bit 7, CFGLCK bit 6, NFC_CNT_EN bit 4,
 * NFC_CNT_PWD_PROT bit 3, AUTHLIM bits 2:0), PWD (4 bytes) and PACK (2 bytes + 2 RFUI), both write-only.
 *
 * Writes go in the order NXP prescribes: PWD and PACK first, ACCESS next, AUTH0 last — once AUTH0 covers the
 * configuration pages, further writes to them need PWD_AUTH in the same session.
 */
import type { RadioResult } from '../../hal/radio.js';
import { radioError, radioOk } from '../../hal/radio.js';
import { HalError } from '../../hal/errors.js';
import type { Type2Spec } from './type2-catalog.js';
import type { Type2Tag } from './type2.js';
import { copyBytes } from '../../hal/bytes.js';

export const ACCESS_PROT = 0x80;
export const ACCESS_CFGLCK = 0x40;
export const ACCESS_NFC_CNT_EN = 0x10;
export const ACCESS_NFC_CNT_PWD_PROT = 0x08;
export const ACCESS_AUTHLIM = 0x07;
/** AUTH0 value that switches protection off (any page past the end does too). */
export const AUTH0_OFF = 0xff;

export interface Type2Config {
  /** First password-protected page; protection is off when it lies past the last page. */
  auth0: number;
  /** PROT: reads need PWD_AUTH too (else only writes). */
  protectReads: boolean;
  /** CFGLCK: CFG0/CFG1 are permanently write-locked. */
  configLocked: boolean;
  nfcCounterEnabled: boolean;
  nfcCounterPasswordProtected: boolean;
  /** AUTHLIM: failed PWD_AUTH attempts before PWD_AUTH is blocked for good; 0 = unlimited. */
  authLimit: number;
}

/** Decodes CFG0 and CFG1 (4 bytes each). */
export function decodeConfig(cfg0: Uint8Array, cfg1: Uint8Array): Type2Config {
  const access = cfg1[0];
  return {
    auth0: cfg0[3],
    protectReads: (access & ACCESS_PROT) !== 0,
    configLocked: (access & ACCESS_CFGLCK) !== 0,
    nfcCounterEnabled: (access & ACCESS_NFC_CNT_EN) !== 0,
    nfcCounterPasswordProtected: (access & ACCESS_NFC_CNT_PWD_PROT) !== 0,
    authLimit: access & ACCESS_AUTHLIM,
  };
}

export interface ProtectionOptions {
  /** First protected page (AUTH0), 0..FFh; {@link AUTH0_OFF} switches protection off. */
  auth0: number;
  /** true: reads and writes from AUTH0 on need PWD_AUTH (PROT = 1); false: only writes (PROT = 0). */
  protectReads: boolean;
  /** AUTHLIM 0..7 (0 = unlimited). Default: keep the tag's value. A non-zero limit can lock the tag for good. */
  authLimit?: number;
}

function configPages(tag: Type2Tag): RadioResult<Type2Spec> {
  if (!tag.spec) {
    const id = tag.getVersion();
    if (!id.ok) return id;
  }
  const spec = tag.spec;
  if (!spec || spec.cfg0Page < 0) return radioError('unexpected', 'tag type ' + (spec ? spec.model : 'unknown') + ' has no configuration pages');
  return radioOk(spec);
}

/** Reads and decodes CFG0/CFG1 (one READ from CFG0 covers both). */
export function readConfig(tag: Type2Tag): RadioResult<Type2Config> {
  const s = configPages(tag);
  if (!s.ok) return s;
  const r = tag.read(s.value.cfg0Page);
  if (!r.ok) return r;
  return radioOk(decodeConfig(r.value.subarray(0, 4), r.value.subarray(4, 8)));
}

/** Writes PWD (4 bytes, LSByte first as given) and PACK (2 bytes; the 2 RFUI bytes are written as 00h). */
export function setPassword(tag: Type2Tag, pwd: Uint8Array, pack: Uint8Array): RadioResult<true> {
  if (pwd.length !== 4 || pack.length !== 2) throw new HalError('BAD_ARGUMENT', 'setPassword: PWD has 4 bytes and PACK 2');
  const s = configPages(tag);
  if (!s.ok) return s;
  const w = tag.write(s.value.pwdPage, pwd);
  if (!w.ok) return w;
  return tag.write(s.value.packPage, new Uint8Array([pack[0], pack[1], 0, 0]));
}

/**
 * Sets ACCESS (PROT, AUTHLIM; other bits kept) and then AUTH0, each only if it changes. Reads CFG0/CFG1 first,
 * so with protection already on the caller must have passed PWD_AUTH in this session.
 */
export function setProtection(tag: Type2Tag, options: ProtectionOptions): RadioResult<true> {
  if (!(options.auth0 >= 0 && options.auth0 <= 0xff)) throw new HalError('BAD_ARGUMENT', 'AUTH0 ' + options.auth0 + ' is not 0 to FFh');
  if (options.authLimit !== undefined && !(options.authLimit >= 0 && options.authLimit <= 7)) throw new HalError('BAD_ARGUMENT', 'AUTHLIM ' + options.authLimit + ' is not 0 to 7');
  const s = configPages(tag);
  if (!s.ok) return s;
  const r = tag.read(s.value.cfg0Page);
  if (!r.ok) return r;
  const cfg0 = copyBytes(r.value, 0, 4);
  const cfg1 = copyBytes(r.value, 4, 8);
  let access = (cfg1[0] & ~ACCESS_PROT) | (options.protectReads ? ACCESS_PROT : 0);
  if (options.authLimit !== undefined) access = (access & ~ACCESS_AUTHLIM) | options.authLimit;
  if (access !== cfg1[0]) {
    cfg1[0] = access;
    const w = tag.write(s.value.cfg1Page, cfg1);
    if (!w.ok) return w;
  }
  if (cfg0[3] !== options.auth0) {
    cfg0[3] = options.auth0;
    const w = tag.write(s.value.cfg0Page, cfg0);
    if (!w.ok) return w;
  }
  return radioOk(true);
}

/** PWD, PACK, then ACCESS and AUTH0: a tag protected from page `auth0` on with this password. */
export function protect(tag: Type2Tag, pwd: Uint8Array, pack: Uint8Array, options: ProtectionOptions): RadioResult<true> {
  const p = setPassword(tag, pwd, pack);
  if (!p.ok) return p;
  return setProtection(tag, options);
}

/** NFC_CNT_EN (and NFC_CNT_PWD_PROT) in ACCESS, so that READ_CNT answers (NTAG21x). */
export function enableNfcCounter(tag: Type2Tag, passwordProtected: boolean): RadioResult<true> {
  const s = configPages(tag);
  if (!s.ok) return s;
  if (s.value.capabilities.counter !== 'nfc') return radioError('unexpected', s.value.model + ' has no NFC counter');
  const r = tag.read(s.value.cfg0Page);
  if (!r.ok) return r;
  const cfg1 = copyBytes(r.value, 4, 8);
  cfg1[0] = (cfg1[0] & ~ACCESS_NFC_CNT_PWD_PROT) | ACCESS_NFC_CNT_EN | (passwordProtected ? ACCESS_NFC_CNT_PWD_PROT : 0);
  return tag.write(s.value.cfg1Page, cfg1);
}
