// Power cut at every program and erase of a workload (and inside writes), reboot on the surviving image, check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { PowerLossError } from '../../sim/flash/index.js';
import { prng } from '../../sim/sweeps/queue-kit.js';
import { countOps, cutRun, seen, Workload, type WorkloadOptions } from '../../sim/sweeps/queue-workload.js';

const base: WorkloadOptions = { seed: 7, records: 300 };

test('a cut after every program/erase operation loses nothing that was confirmed', () => {
  const total = countOps(base);
  assert.ok(total > 500, `workload has ${total} operations`);
  let cuts = 0;
  for (let n = 1; n <= total; n++) if (cutRun(base, n, undefined) === 'cut') cuts++;
  assert.is(cuts, total);
  console.log(`  ${cuts} cuts after whole operations`);
});

test('cuts inside program and erase operations (k bytes through) are recovered exactly', () => {
  const total = countOps(base);
  let cuts = 0;
  for (const k of [0, 1, 19, 23, 130]) {
    for (let n = 1; n <= total; n++) if (cutRun(base, n, k) === 'cut') cuts++;
  }
  console.log(`  ${cuts} cuts inside operations; seen so far: ${JSON.stringify(seen)}`);
  assert.ok(seen.lostSeqs > 100, 'torn frames were produced and reported');
  assert.ok(seen.reasons.torn > 100 && seen.stateFallbacks > 10, 'torn tails and torn state writes were exercised');
});

test('two-sector segments: cuts at every operation', () => {
  const opts: WorkloadOptions = { seed: 11, records: 200, sectorCount: 24, sectorsPerSegment: 2 };
  const total = countOps(opts);
  let cuts = 0;
  for (let n = 1; n <= total; n++) for (const k of [undefined, 5, 2000]) if (cutRun(opts, n, k) === 'cut') cuts++;
  console.log(`  ${cuts} cuts with two-sector segments`);
});

test('chained cuts: power fails again while the app declares a loss or right after, 40 times in a row', () => {
  for (const seed of [3, 4, 5]) {
    const rnd = prng(seed * 31);
    const w = new Workload({ seed, records: 0, sectorCount: 16 });
    let cuts = 0;
    while (cuts < 40) {
      w.flash.cutAfter(1 + Math.floor(rnd() * (rnd() < 0.5 ? 6 : 60)), rnd() < 0.5 ? undefined : Math.floor(rnd() * 300));
      try {
        w.declareLosses();
        w.run(10);
        w.rebootClean();
        continue;
      } catch (e) {
        if (!(e instanceof PowerLossError)) throw e;
      }
      w.rebootAfterCut();
      cuts++;
    }
    w.declareLosses();
    w.rebootClean();
  }
});

test.run();
