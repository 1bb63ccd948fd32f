// A queue with a hole (a record boot recovery lost in the middle): the fault record that declares it comes after
// the records that follow the hole, possibly batches later. The worker sends on until the ingest has it, instead
// of stopping at the first undeclared-gap answer; a hole nobody declares is a fault once everything was sent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SyncWorker, type SyncQueue } from '../../firmware/sync/index.js';
import { RecordChain } from '../../firmware/records/chain.js';
import { VirtualClock } from '../../sim/clock.js';
import { crypto, genuineScan, T0 } from '../../sim/sweeps/fixtures.js';
import { DEVICE, memoryIngest, ScriptedUplink, storedSeqs } from '../../sim/sweeps/ingest-kit.js';

/** An in-memory stand-in for the queue that can hold a hole, with the same read/ack contract. */
class HoleQueue implements SyncQueue {
  acked = -1;
  constructor(readonly entries: Array<{ seq: number; record: Uint8Array }>) {}
  read(l: { maxCount: number; maxBytes: number; from?: number }) {
    const from = l.from !== undefined && l.from > this.acked ? l.from : this.acked + 1;
    return this.entries.filter((e) => e.seq >= from).slice(0, l.maxCount);
  }
  ack(seq: number) {
    if (seq > this.acked) this.acked = seq;
  }
  status() {
    return { unacked: this.entries.filter((e) => e.seq > this.acked).length, ackedThrough: this.acked };
  }
}

function withHole(n: number, hole: number, declare: boolean): HoleQueue {
  const chain = RecordChain.start(DEVICE.signer, crypto, DEVICE.id, 1);
  const entries: Array<{ seq: number; record: Uint8Array }> = [];
  for (let s = 0; s < n; s++) {
    const r = chain.append({ kind: 'scan', ...genuineScan() }, T0 + s);
    if (s !== hole) entries.push({ seq: r.seq, record: r.bytes });
  }
  if (declare) {
    const f = chain.fault({ reason: 'bad-crc', lost: [[hole, hole]], discardedBytes: 380, where: [{ segment: 'q3', offset: 64, length: 380 }] }, T0 + n);
    entries.push({ seq: f.seq, record: f.bytes });
  }
  return new HoleQueue(entries);
}

async function run(queue: HoleQueue) {
  const clock = new VirtualClock({ auto: false });
  const { ingest, store } = await memoryIngest();
  const uplink = new ScriptedUplink(ingest, () => clock.now());
  const worker = new SyncWorker({ device: DEVICE.id, queue, uplink, clock, sha256: crypto, maxCount: 100, random: () => 0.5 });
  worker.start();
  await clock.run(1000);
  return { worker, store, uplink, clock };
}

test('a hole declared by a fault record three batches later: sent on, everything acked, never blocked', async () => {
  const queue = withHole(300, 5, true);
  const { worker, store, uplink } = await run(queue);
  assert.is(queue.status().unacked, 0);
  assert.is(queue.acked, 300);
  assert.equal(storedSeqs(store), [...Array(301).keys()].filter((s) => s !== 5));
  assert.is(uplink.times.length, 3, 'records 0-100, 101-200, 201-300 (the fault): no resend needed');
  assert.is(worker.status().state, 'idle');
  assert.is(worker.status().lastError, undefined);
  await worker.stop();
});

test('a hole nobody declares: once everything was sent, blocked with undeclared-gap; nothing after the hole is freed', async () => {
  const queue = withHole(250, 40, false);
  const { worker, uplink, clock } = await run(queue);
  const s = worker.status();
  assert.is(s.state, 'blocked');
  assert.is(s.lastError?.code, 'undeclared-gap');
  assert.is(s.lastError?.seq, 41);
  assert.match(s.lastError!.message, 'seq 40..40 missing and not declared lost');
  assert.is(queue.acked, 39);
  assert.is(uplink.times.length, 3);
  await clock.run(3_600_000);
  assert.ok(uplink.times.length <= 3 * 13, `${uplink.times.length} requests in an hour`);
  await worker.stop();
});

test.run();
