import type { Pcd } from '../../hal/radio.js';
import type { Activation } from '../../hal/reader.js';
import { MifareClassic1K } from '../tags/classic.js';

export type BadgeResult = { ok: true; inspector: string } | { ok: false; message: string };

/**
 * An inspector badge: a MIFARE Classic 1K card whose `block` holds the badge id in ASCII, padded with 00h,
 * readable with key A. The id is 1 to 32 characters of A-Z a-z 0-9 . _ : -
 */
export async function readBadge(pcd: Pcd, activation: Activation, block: number, key: Uint8Array): Promise<BadgeResult> {
  const card = new MifareClassic1K(pcd, activation);
  const auth = await card.authenticate(block, 'A', key);
  if (!auth.ok) return { ok: false, message: 'badge: ' + auth.message };
  const data = await card.readBlock(block);
  // Crypto1 stays on: the card must be halted inside the encrypted session (a plaintext HLTA is garbage to it and
  // leaves it IDLE, so it would answer the next poll). The caller halts, then stops Crypto1.
  if (!data.ok) return { ok: false, message: 'badge: ' + data.message };
  let id = '';
  for (let i = 0; i < data.value.length && data.value[i] !== 0; i++) id += String.fromCharCode(data.value[i]);
  if (!/^[A-Za-z0-9._:-]{1,32}$/.test(id)) return { ok: false, message: 'badge: block ' + block + ' holds no badge id' };
  return { ok: true, inspector: id };
}

/** The 16 bytes a badge block holds for `inspector` (for issuing badges). */
export function badgeBlock(inspector: string): Uint8Array {
  if (!/^[A-Za-z0-9._:-]{1,16}$/.test(inspector)) throw new Error('a badge id is 1 to 16 characters of A-Z a-z 0-9 . _ : - (one block)');
  const out = new Uint8Array(16);
  for (let i = 0; i < inspector.length; i++) out[i] = inspector.charCodeAt(i);
  return out;
}
