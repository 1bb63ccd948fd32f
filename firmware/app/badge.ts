import type { Pcd } from '../../hal/radio.js';
import type { Activation } from '../../hal/reader.js';
import { classicAuthenticate, classicReadBlock } from '../tags/classic-read.js';
import { ID_CHARS } from '../../hal/keys.js';
import { allIn } from '../../hal/text.js';
import type { Step } from '../records/kinds.js';

export type BadgeResult = { ok: true; inspector: string } | { ok: false; message: string };

/** The block a badge keeps the id in unless the configuration names another (sector 1, the first free data block). */
export const BADGE_BLOCK = 4;

/** The badge-id rule in words, for messages. */
export const BADGE_ID_RULE = '1 to 16 characters of A-Z a-z 0-9 . _ : -';

/**
 * True for a badge id: 1 to 16 characters of A-Z a-z 0-9 . _ : - The id is written in ASCII into one 16-byte
 * MIFARE Classic block, so 16 is what a badge can hold; the command line, the console and the scanner all use this.
 */
export function isBadgeId(s: unknown): s is string {
  return typeof s === 'string' && s.length <= 16 && allIn(s, ID_CHARS);
}

/** The badge id a badge block holds (ASCII up to the first 00h), or null when it holds none. */
export function badgeIdOf(block: Uint8Array): string | null {
  let id = '';
  for (let i = 0; i < block.length && block[i] !== 0; i++) id += String.fromCharCode(block[i]);
  return isBadgeId(id) ? id : null;
}

/**
 * An inspector badge: a MIFARE Classic 1K card whose `block` holds the badge id in ASCII, padded with 00h,
 * readable with key A (see {@link isBadgeId}).
 */
export function readBadge(pcd: Pcd, activation: Activation, block: number, key: Uint8Array): BadgeResult {
  const auth = classicAuthenticate(pcd, activation, block, 'A', key);
  if (!auth.ok) return { ok: false, message: 'badge: ' + auth.message };
  const data = classicReadBlock(pcd, block);
  // Crypto1 stays on: the card must be halted inside the encrypted session (a plaintext HLTA is garbage to it and
  // leaves it IDLE, so it would answer the next poll). The caller halts, then stops Crypto1.
  if (!data.ok) return { ok: false, message: 'badge: ' + data.message };
  const id = badgeIdOf(data.value);
  if (id === null) return { ok: false, message: 'badge: block ' + block + ' holds no badge id' };
  return { ok: true, inspector: id };
}

/** What a step badge's id starts with: `STEP:receiving` switches a scanner to receiving instead of logging in. */
export const STEP_BADGE_PREFIX = 'STEP:';

/** The step a step badge names (`STEP:<step>`, any step name, checked by the scanner), or null for an inspector badge. */
export function stepOfBadge(id: string): Step | null {
  if (id.indexOf(STEP_BADGE_PREFIX) !== 0) return null;
  return id.slice(STEP_BADGE_PREFIX.length) as Step;
}

/** The 16 bytes a badge block holds for `inspector` (for issuing badges). */
export function badgeBlock(inspector: string): Uint8Array {
  if (!isBadgeId(inspector)) throw new Error('a badge id is ' + BADGE_ID_RULE + ' (one block)');
  const out = new Uint8Array(16);
  for (let i = 0; i < inspector.length; i++) out[i] = inspector.charCodeAt(i);
  return out;
}
