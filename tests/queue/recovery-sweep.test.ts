// Power cut at every program and erase of a workload (and inside writes), reboot on the surviving image, check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { countOps, cutRun, seen, type WorkloadOptions } from './workload.js';

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

test.run();
