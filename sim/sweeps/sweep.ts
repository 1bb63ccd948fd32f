// One pass of the system power-cut sweep: the whole workload, with the power cut every `stride` flash operations
// (counted over the whole run, recovery's own operations included), the first at `phase`. Passes with phase
// 1..stride together cut at every operation index of the run, and since each boot gets `stride` operations before
// the next such cut, recovery never starves the workload: the run always gets to the end. A boot therefore always
// dies `stride` operations in; so that recovery itself is cut too, every third of those cuts is chained: the power
// fails again 1..8 operations into the next boot (an erase of a torn slot, the fault record, the declaration of
// the loss, the boot record, the login).
import * as assert from './check.js';
import { Checker, type FinalFigures } from './checks.js';
import { isPowerLoss, opsOf, SimSystem, type Boot } from './system.js';
import type { PlannedTap, WorkloadTags } from './workload.js';
import { planTaps } from './workload.js';
import type { TapEvent } from '../../firmware/app/scanner.js';
import type { Picc } from '../rf/air.js';
import type { RecoveryReport } from '../../firmware/queue/report.js';

export interface PassOptions {
  taps: number;
  seed: number;
  /** Cut every `stride` flash operations, the first at operation `phase` (1..stride). */
  stride: number;
  phase: number;
  /** Cut inside the operation after this many bytes (an erase: that share of the sector); undefined: right after it. */
  bytes: number | undefined;
  /** Flash sectors (default 12: 10 one-sector segments, about 110 records, which the long outage fills). */
  sectors?: number;
}

export interface PassResult extends FinalFigures {
  cuts: number;
  /** Of the cuts, those 1..8 operations into a boot that followed a cut. */
  chained: number;
  /** Power-ups, and of those the ones the power failed during recovery or before the boot record. */
  boots: number;
  deadInBoot: number;
  /** Flash operations of the whole run. */
  ops: number;
  told: number;
  /** Taps the scanner refused for a full queue (retried later). */
  refusedFull: number;
  /** What the recoveries found: discard reasons, torn state copies, boots that declared a loss. */
  recovered: { [what: string]: number };
  virtualMinutes: number;
}

/** Between taps, virtual time. */
const TAP_GAP_MS = 2000;
/** A pass that has not ended after a virtual day is stuck (e.g. the queue stays full because nothing is acked). */
const DAY_MS = 24 * 3600 * 1000;
const VERDICT: { [k in PlannedTap['kind']]: string } = { badge: '-', genuine: 'genuine', tampered: 'tampered', clone: 'clone-suspect' };

/**
 * Three network outages at seeded places: two short ones, and one long enough to fill the queue (scans are refused
 * until sync catches up), so backlogs build up, drain in several batches and free many segments at once.
 */
function outages(taps: number, seed: number): Array<[number, number]> {
  const span = taps * TAP_GAP_MS;
  const at = (k: number) => span * (0.08 + 0.3 * k + 0.04 * (((seed * 31 + k * 17) % 7) / 7));
  return [
    [at(0), at(0) + span * 0.06],
    [at(1), at(1) + span * 0.4],
    [at(2) + span * 0.15, at(2) + span * 0.2],
  ];
}

export async function runPass(tags: WorkloadTags, o: PassOptions): Promise<PassResult> {
  const sys = await SimSystem.create({ seed: o.seed, sectors: o.sectors ?? 12, checkpointEvery: 25, outages: outages(o.taps, o.seed), lostAnswers: 0.05 });
  const checker = new Checker(sys);
  const plan = planTaps(tags, o.taps, o.seed);
  const r = { cuts: 0, chained: 0, boots: 0, deadInBoot: 0, ops: 0, refusedFull: 0 };
  let next = 0;
  let inspector = '';
  let nextCut = o.phase;
  let chainAt: number | undefined;
  let image: Uint8Array | undefined;
  let stalled = 0;
  const recovered: { [what: string]: number } = {};
  const count = (what: string) => (recovered[what] = (recovered[what] ?? 0) + 1);
  const afterRecovery = (b: Parameters<typeof checker.afterRecovery>[1] & { report: RecoveryReport }) => {
    for (const d of b.report.discarded) count(d.reason);
    if (b.report.state.copies.includes('corrupt')) count('state-copy-torn');
    if (b.report.lost.length) count('loss-declared');
    return checker.afterRecovery(`pass ${o.phase}/${o.stride} k=${o.bytes}, after cut ${r.cuts} at op ${r.ops}`, b);
  };

  /** Places `tag`, polls once, takes it away. Null when the power failed before feedback. */
  const tap = (b: Boot, tag: Picc): TapEvent | null => {
    sys.field.place(tag);
    try {
      return b.scanner.pollOnce();
    } catch (e) {
      if (!isPowerLoss(e)) throw e;
      return null;
    } finally {
      sys.field.remove(tag);
    }
  };

  /** The scanner said STORAGE FULL: the inspector waits for sync and taps again. */
  const waitFull = () => {
    r.refusedFull++;
    return sys.clock.sleep(30000);
  };

  /** Taps through the plan, then waits for sync to drain. False when the power failed first. */
  const drive = async (b: Boot): Promise<boolean> => {
    while (next < plan.length) {
      if (b.flash.poweredOff) return false;
      assert.ok(sys.clock.now() < DAY_MS, `the workload ends within a virtual day (tap ${next} of ${plan.length})`);
      const p = plan[next];
      if (p.kind !== 'badge' && b.scanner.status().inspector !== inspector) {
        // The scanner rebooted: the inspector logs in again before going on (a told login record of its own).
        const e = tap(b, tags.badges.get(inspector)!);
        if (e?.kind === 'refused' && e.shown.signal === 'full') await waitFull();
        else if (e && e.kind !== 'login') assert.unreachable(`re-login gave ${e.kind}`);
        continue;
      }
      const e = tap(b, p.tag);
      if (e?.seq !== undefined) {
        if (p.kind === 'badge') inspector = p.inspector!;
        else assert.is(e.judgement?.verdict, VERDICT[p.kind], `tap ${next}`);
        next++;
      } else if (e?.kind === 'refused' && e.shown.signal === 'full') await waitFull();
      else if (e) assert.unreachable(`tap ${next} (${p.kind}) gave ${e.kind}`);
      await sys.clock.sleep(TAP_GAP_MS);
    }
    for (let waited = 0; !b.flash.poweredOff; waited += 1000) {
      if (b.queue.status().unacked === 0 && b.sync.status().state === 'idle') return true;
      assert.ok(waited < 4 * 3600 * 1000 && sys.clock.now() < DAY_MS, `sync drains: ${JSON.stringify(b.sync.status())}`);
      await sys.clock.sleep(1000);
    }
    return false;
  };

  for (;;) {
    r.boots++;
    const progress = next;
    const cutAt = chainAt !== undefined && chainAt < nextCut ? chainAt : nextCut;
    const up = await sys.powerUp(image, { ops: cutAt - r.ops, bytes: o.bytes }, afterRecovery);
    const flash = 'dead' in up ? up.dead : up.flash;
    let finished = false;
    if ('dead' in up) r.deadInBoot++;
    else {
      finished = await drive(up);
      await up.sync.stop();
    }
    r.ops += opsOf(flash);
    assert.equal(sys.failures.map(String), [], 'no boot ended on an error other than the power cut');
    if (!flash.poweredOff) {
      assert.ok(finished && !('dead' in up), 'the run ended without a cut only when the workload was done');
      const figures = await checker.final(up as Boot);
      return { ...r, ...figures, told: sys.ledger.told.size, recovered, virtualMinutes: sys.clock.now() / 60000 };
    }
    assert.is(r.ops, cutAt, 'the power failed at the planned operation');
    r.cuts++;
    if (cutAt === nextCut) {
      nextCut += o.stride;
      chainAt = r.cuts % 3 === 0 ? r.ops + 1 + ((r.cuts * 5 + o.phase) % 8) : undefined;
    } else {
      r.chained++;
      chainAt = undefined;
    }
    image = flash.image();
    // While taps remain, each boot must get at least one of them done; the drain needs a bounded number of boots.
    stalled = next > progress ? 0 : stalled + 1;
    assert.ok(stalled < 40, `no tap done in 40 boots: recovery and login use more than ${o.stride} operations`);
  }
}
