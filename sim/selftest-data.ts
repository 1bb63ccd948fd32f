// What the Espruino self-test is built with (scripts/espruino/build.ts writes it to dist/espruino/selftest.json and
// into selftest.js): the device, the issuer it trusts, and its simulated tags, made on Node. Tests read the same
// file to give the simulator's scanner the same taps.

import { hexLiteral } from '../hal/hex.js';
import { MifareClassic1K } from './tags/classic1k.js';
import { Ntag213 } from './tags/ntag21x.js';

export interface SelftestData {
  deviceId: string;
  site: string;
  hmacKey: string;
  issuer: { name: string; publicKey: string };
  originalityKey: string;
  badge: { uid: string; block4: string };
  tags: Array<{ uid: string; memory: string; signature: string }>;
  /** Taps after the badge: tag (tap - 1) % tags.length each time. */
  taps: number;
}

/**
 * The self-test's badge and sealed tags, made from its data: what the Espruino self-test taps inside the interpreter
 * and the bench's chip host (sim/espruino) taps from outside it. Tap 0 is the badge, tap n the tag (n - 1) % length.
 */
export function selftestTags(d: SelftestData): { badge: MifareClassic1K; tags: Ntag213[] } {
  const tags: Ntag213[] = [];
  for (let i = 0; i < d.tags.length; i++) tags.push(new Ntag213({ uid: hexLiteral(d.tags[i].uid), memory: hexLiteral(d.tags[i].memory), signature: hexLiteral(d.tags[i].signature) }));
  return { badge: new MifareClassic1K({ uid: hexLiteral(d.badge.uid), blocks: { 4: hexLiteral(d.badge.block4) } }), tags: tags };
}
