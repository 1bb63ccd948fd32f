// Power cuts on the whole store-and-forward system (simulator): a 300-tap inspection with sync to an in-process
// ingest, cut at every flash operation index of the run (20 staggered passes, one byte offset each in turn: right
// after the operation, or 1, 7, 23 or 130 bytes into it), rebooted on the surviving image each time. See
// tests/durability/sweep.ts for the design, checks.ts for what is checked, and docs/durability.md for the full
// sweep (scripts/system-sweep.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { makeTags, type WorkloadTags } from '../../sim/sweeps/workload.js';
import { runPass } from '../../sim/sweeps/sweep.js';
import { sweep, total } from '../../sim/sweeps/sweep-plan.js';

let tags: WorkloadTags;

test.before(async () => {
  tags = await makeTags();
});

test('without cuts: the workload logs in, scans, fills the queue in the long outage, and drains', async () => {
  const r = await runPass(tags, { taps: 300, seed: 1, stride: 1e9, phase: 1e9, bytes: undefined });
  assert.is(r.cuts, 0);
  assert.is(r.told, 300, 'every planned tap was told');
  assert.ok(r.refusedFull > 0, 'the long outage filled the queue');
  assert.ok(r.records > 300 && r.declaredLost === 0, JSON.stringify(r));
});

test('a cut at every flash operation index of the run; nothing told is lost, no seq reused, the chain verifies', async () => {
  const offsets = [undefined, 1, 7, 23, 130];
  const passes = 20;
  const all = [];
  for (let phase = 1; phase <= passes; phase++) {
    // Each pass has its own offset in turn, so every operation index is cut, at one of the offsets.
    const [t] = await sweep(tags, { taps: 300, seed: 1, passes, offsets: [offsets[phase % offsets.length]], phases: [phase] });
    all.push(t);
  }
  const t = total(all);
  console.log(`  ${t.cuts} cuts (${t.chained} chained into the next boot, ${t.deadInBoot} during recovery or start) over ${t.ops} flash operations in ${t.passes} passes; ${t.told} told, ${t.declaredLost} seqs declared lost; ${JSON.stringify(t.recovered)}`);
  assert.ok(t.cuts >= t.ops / passes, 'every pass cut every `passes` operations');
  assert.ok(t.cuts >= 3000, `${t.cuts} cuts`);
  assert.ok(t.deadInBoot > 50 && t.declaredLost > 100 && t.refusedFull > 0, 'cuts hit recovery, tore records and met a full queue');
  assert.ok((t.recovered['state-copy-torn'] ?? 0) > 0 && (t.recovered['unreadable-slot'] ?? 0) > 0, 'torn state writes and erases were recovered');
});

test.run();
