/**
 * MIFARE Classic 1K (MF1S50) authentication and READ (reference §7): all a reader of badges needs. The rest of the
 * card's commands (WRITE, value blocks) are in classic.ts, whose MifareClassic1K uses these.
 */
import type { Pcd, RadioResult } from '../../hal/radio.js';
import type { Activation } from '../../hal/reader.js';
import { HalError } from '../../hal/errors.js';
import { exchange } from './frames.js';

/** Command codes (reference §7). */
export const CLASSIC = {
  AUTH_A: 0x60,
  AUTH_B: 0x61,
  READ: 0x30,
  WRITE: 0xa0,
  DECREMENT: 0xc0,
  INCREMENT: 0xc1,
  RESTORE: 0xc2,
  TRANSFER: 0xb0,
};

export const CLASSIC_1K_BLOCKS = 64;
export const CLASSIC_TIMEOUT_US = 5000;

/** What a MIFARE Classic NAK code means (MF1S50; the card then leaves its session). */
export function classicNakMeaning(code: number): string {
  if (code === 0x0 || code === 0x4) return 'operation not allowed: access conditions, or a block outside the authenticated sector';
  if (code === 0x1 || code === 0x5) return 'parity or CRC error';
  return 'unknown NAK code';
}

export function checkBlock(block: number, what: string): void {
  if (!(block >= 0 && block < CLASSIC_1K_BLOCKS && block === Math.floor(block))) throw new HalError('BAD_ARGUMENT', what + ': block ' + block + ' is not 0 to 63');
}

/** The 4 UID bytes the card authenticates with: a 4-byte UID as it is, the last four of a 7- or 10-byte UID. */
export function classicAuthUid(activation: Activation): Uint8Array {
  const uid = activation.uid;
  return uid.length <= 4 ? uid : uid.subarray(uid.length - 4);
}

/**
 * Three-pass authentication of `block`'s sector with key A or B (6 bytes). A wrong key gives 'auth' (the card goes
 * silent and must be re-activated). Later commands travel Crypto1-encrypted until the PCD's stopCrypto1.
 */
export function classicAuthenticate(pcd: Pcd, activation: Activation, block: number, keyType: 'A' | 'B', key: Uint8Array): RadioResult<true> {
  checkBlock(block, 'AUTH');
  if (key.length !== 6) throw new HalError('BAD_ARGUMENT', 'AUTH: a MIFARE key has 6 bytes, got ' + key.length);
  return pcd.mifareAuthenticate(keyType, block, key, classicAuthUid(activation));
}

/** READ (30h): 16 bytes, CRC_A checked by the PCD. Key A of a trailer reads as zeros. */
export function classicReadBlock(pcd: Pcd, block: number): RadioResult<Uint8Array> {
  checkBlock(block, 'READ');
  return exchange(pcd, new Uint8Array([CLASSIC.READ, block]), 'READ block ' + block, { bytes: 16 }, CLASSIC_TIMEOUT_US, classicNakMeaning);
}
