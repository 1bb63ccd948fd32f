// The tap-to-feedback bench's bookkeeping (sim/bench/tap-timing.ts), with a handful of taps: the stages partition
// each tap, every tap left a durable record, and sync stayed out of the way. No wall-clock figure is asserted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { queueStorageOf } from '../../hal/node/board-parts.js';
import { openQueue } from '../../firmware/app/device.js';
import { measureTaps, percentile, sealedBenchTag, type TapRun } from '../../sim/bench/tap-timing.js';

const crypto = createNodeCrypto();
const issuer = crypto.ed25519!.generateKeyPair();
const TAPS = 6;

function checkRun(run: TapRun, where: string): void {
  assert.is(run.stages.length, TAPS, where);
  assert.equal(run.verdicts, { genuine: TAPS }, `${where}: every tap of the sealed tag is genuine`);
  assert.is(run.scanRecords, TAPS, `${where}: a record per tap`);
  assert.is(run.queued, TAPS, `${where}: the queue gained exactly one record per tap`);
  assert.is(run.uplinkRequestsDuringTaps, 0, `${where}: sync sent nothing while tapping`);
  for (const [i, s] of run.stages.entries()) {
    for (const k of ['radio', 'judge', 'sign', 'append', 'feedback'] as const) assert.ok(s[k] >= 0, `${where} tap ${i}: ${k} = ${s[k]}`);
    const sum = s.radio + s.judge + s.sign + s.append + s.feedback;
    assert.ok(Math.abs(sum - s.total) < 1e-6, `${where} tap ${i}: stages add up to ${sum}, total ${s.total}`);
    assert.ok(s.radio > 0 && s.sign > 0 && s.append > 0, `${where} tap ${i}: radio, sign and append all happened: ${JSON.stringify(s)}`);
    // Modelled time is deterministic: the same tag costs the same radio time on every tap (the HLTA after the LED
    // and the flash's program time are not in it).
    assert.ok(Math.abs(s.radio - run.stages[0].radio) < 1e-9, `${where} tap ${i}: radio ${s.radio} vs ${run.stages[0].radio}`);
  }
}

test('NOR flash: the stages partition every tap, a record per tap, no sync while tapping', async () => {
  const run = await measureTaps({ tag: await sealedBenchTag('NTAG213 TT', 1, issuer, crypto), taps: TAPS, storage: 'nor', issuer: issuer.publicKey, crypto });
  checkRun(run, 'nor');
  assert.ok(run.emptyPollMs > 0 && run.pollIntervalMs === 100, `poll cycle ${run.emptyPollMs} + ${run.pollIntervalMs}`);
});

test('segment files: the same, and the records are on disk after the device stopped', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealscan-tap-timing-'));
  try {
    const run = await measureTaps({ tag: await sealedBenchTag('NTAG215', 2, issuer, crypto), taps: TAPS, storage: { dir }, issuer: issuer.publicKey, crypto });
    checkRun(run, 'files');
    const storage = queueStorageOf(dir);
    try {
      // The boot record, the login, then one scan per tap: nothing acked (the ingest never answered).
      assert.is(openQueue(storage, crypto).report.unacked, TAPS + 2);
    } finally {
      storage.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('percentile is nearest-rank', () => {
  const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
  assert.is(percentile(xs, 50), 5);
  assert.is(percentile(xs, 95), 10);
  assert.is(percentile(xs, 10), 1);
  assert.is(percentile([7], 99), 7);
});

test.run();
