// The inspection the system sweep replays: an inspector logs in with a badge, taps sealed packages (most genuine,
// some with a cut tamper wire, some clones), hands over to a second inspector half-way, and goes on. Tags have
// fixed UIDs and the plan comes from a seed, so a pass can be replayed exactly.
import { world } from './world.js';
import { badge, crypto, issuer } from './scanner-kit.js';
import { prng } from './ingest-kit.js';
import { Ntag213, Ntag213TT, MifareClassic1K } from '../tags/index.js';
import { sealTag } from '../../firmware/seals/sealer.js';
import type { Picc } from '../rf/air.js';

export type TapKind = 'badge' | 'genuine' | 'tampered' | 'clone';

export interface PlannedTap {
  kind: TapKind;
  tag: Picc;
  /** For a badge: the inspector it logs in. */
  inspector?: string;
}

export interface WorkloadTags {
  badges: Map<string, MifareClassic1K>;
  genuine: Ntag213[];
  tampered: Ntag213TT;
  clone: Ntag213;
}

const uid7 = (n: number) => [0x04, 0x5e, 0xa1, 0x00, 0x00, (n >> 8) & 0xff, n & 0xff];

async function sealed<T extends Picc>(tag: T, serial: number): Promise<T> {
  const w = await world([tag]);
  const a = w.reader.activate();
  if (!a.ok) throw new Error('sealing: ' + a.message);
  const link = 'https://id.gs1.org/01/09506000134352/21/' + serial;
  const s = sealTag(w.reader, a.value, { link, issuer, sealedAt: 1767225600 }, crypto);
  if (!s.ok) throw new Error('sealing: ' + JSON.stringify(s));
  w.field.remove(tag);
  return tag;
}

/** Four genuine packages, one whose tamper wire was cut after sealing, one clone (a seal on a chip whose NXP
 * signature belongs to another UID). Made once per process: sealing costs more than a tap. */
export async function makeTags(): Promise<WorkloadTags> {
  const genuine: Ntag213[] = [];
  for (let i = 1; i <= 4; i++) genuine.push(await sealed(new Ntag213({ uid: uid7(i) }), i));
  const tampered = await sealed(new Ntag213TT({ uid: uid7(20) }), 20);
  tampered.openTamperLoop();
  const donor = new Ntag213({ uid: uid7(31) });
  const clone = await sealed(new Ntag213({ uid: uid7(30), signature: Array.from(donor.signature) }), 30);
  const badges = new Map<string, MifareClassic1K>();
  badges.set('INSP-1', badge('INSP-1', [0xba, 0xd6, 0xe0, 0x01]));
  badges.set('INSP-2', badge('INSP-2', [0xba, 0xd6, 0xe0, 0x02]));
  return { badges, genuine, tampered, clone };
}

/**
 * `taps` taps: INSP-1's badge first, INSP-2's badge at the middle (the scanner logs INSP-1 out), packages in
 * between: about 1 in 12 tampered, 1 in 12 a clone, the rest genuine, never the same tag twice in a row.
 */
export function planTaps(tags: WorkloadTags, taps: number, seed: number): PlannedTap[] {
  const rnd = prng(seed * 7919 + 1);
  const plan: PlannedTap[] = [{ kind: 'badge', tag: tags.badges.get('INSP-1')!, inspector: 'INSP-1' }];
  const half = Math.floor(taps / 2);
  let last: Picc | undefined;
  while (plan.length < taps) {
    if (plan.length === half) {
      plan.push({ kind: 'badge', tag: tags.badges.get('INSP-2')!, inspector: 'INSP-2' });
      continue;
    }
    const r = rnd();
    let next: PlannedTap;
    if (r < 1 / 12) next = { kind: 'tampered', tag: tags.tampered };
    else if (r < 2 / 12) next = { kind: 'clone', tag: tags.clone };
    else next = { kind: 'genuine', tag: tags.genuine[Math.floor(rnd() * tags.genuine.length)] };
    if (next.tag === last) continue;
    last = next.tag;
    plan.push(next);
  }
  return plan;
}
