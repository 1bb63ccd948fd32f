// The queue's behaviour on simulated flash and on files: append/read/ack/free, rotation, capacity, state slot.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HalError } from '../../hal/errors.js';
import { FileSegmentStorage } from '../../hal/node/file-storage.js';
import { Queue, type QueueOptions } from '../../firmware/queue/index.js';
import { SCAN_WINDOW } from '../../firmware/queue/slot-scan.js';
import { NorFlash, NorSegmentStorage } from '../../sim/flash/index.js';
import { hex, recordFor, sha, TracingStorage } from '../../sim/sweeps/queue-kit.js';

const T = 1_767_225_600_000;

function device(sectorCount = 12, options: Partial<QueueOptions> = {}) {
  let flash = new NorFlash({ sectorCount });
  const boot = () => {
    flash = flash.restart();
    const storage = new TracingStorage(new NorSegmentStorage(flash));
    return { storage, ...Queue.open(storage, { sha256: sha, ...options }) };
  };
  return { boot, flash: () => flash };
}

const rec = (seq: number, n = 300) => recordFor(seq, 0, n);

test('a new device: empty queue, clean report, seq 0 with a zero prev hash', () => {
  const { queue, report } = device().boot();
  assert.ok(report.clean);
  assert.is(report.nextSeq, 0);
  assert.is(hex(report.prevHash), '00'.repeat(32));
  assert.not.ok(report.unanchored);
  assert.equal(queue.read({ maxCount: 10, maxBytes: 1e6 }), []);
  assert.equal(queue.status().unacked, 0);
  assert.is(queue.status().oldestUnackedTime, undefined);
});

test('appended records are durable when append returns, in seq order, with the prev hash chained', () => {
  const d = device();
  const { queue } = d.boot();
  for (let s = 0; s < 30; s++) {
    assert.equal(queue.append(rec(s), T + s), { ok: true, seq: s });
    assert.is(hex(queue.prevHash()), hex(sha.sha256(rec(s))));
  }
  const again = d.boot();
  assert.ok(again.report.clean);
  assert.is(again.report.nextSeq, 30);
  assert.is(hex(again.report.prevHash), hex(sha.sha256(rec(29))));
  const all = again.queue.read({ maxCount: 100, maxBytes: 1e6 });
  assert.equal(all.map((e) => e.seq), [...Array(30).keys()]);
  assert.ok(all.every((e) => hex(e.record) === hex(rec(e.seq)) && e.time === T + e.seq));
  assert.is(again.queue.status().oldestUnackedTime, T);
});

test('boot recovery reads a 32 KB segment in windows of at most SCAN_WINDOW bytes, and from damage on in one piece', () => {
  let flash = new NorFlash({ sectorCount: 8, sectorSize: 32768 });
  let storage = new TracingStorage(new NorSegmentStorage(flash));
  const first = Queue.open(storage, { sha256: sha }).queue;
  for (let s = 0; s < 150; s++) assert.ok(first.append(rec(s), T + s).ok);
  const reads: number[] = [];
  const reopen = () => {
    flash = flash.restart();
    storage = new TracingStorage(new NorSegmentStorage(flash));
    const read = storage.read.bind(storage);
    storage.read = (slot, offset, into) => {
      reads.push(into.length);
      read(slot, offset, into);
    };
    return Queue.open(storage, { sha256: sha });
  };
  const again = reopen();
  assert.ok(again.report.clean, JSON.stringify(again.report));
  assert.is(again.report.nextSeq, 150);
  assert.ok(reads.length > 40, String(reads.length));
  assert.ok(Math.max(...reads) <= SCAN_WINDOW, String(Math.max(...reads)));
  // A flipped byte in the first segment: from there on that slot is read whole, and only the damaged record is lost.
  const img = flash.image();
  const at = Buffer.from(img).indexOf(Buffer.from(rec(20))) + 100;
  assert.ok(at > 100);
  img[at] ^= 0x55;
  flash = new NorFlash({ sectorCount: 8, sectorSize: 32768, image: img });
  reads.length = 0;
  const damaged = reopen();
  assert.is(damaged.report.nextSeq, 150);
  assert.equal(damaged.report.lost, [[20, 20]]);
  assert.ok(Math.max(...reads) > SCAN_WINDOW);
});

test('read is bounded by count and bytes, returns one oversized entry, and continues from `from`', () => {
  const { queue } = device().boot();
  for (let s = 0; s < 20; s++) queue.append(rec(s, 100 + s), T);
  assert.equal(queue.read({ maxCount: 3, maxBytes: 1e6 }).map((e) => e.seq), [0, 1, 2]);
  assert.equal(queue.read({ maxCount: 100, maxBytes: 210 }).map((e) => e.seq), [0, 1], 'bytes bound');
  assert.equal(queue.read({ maxCount: 100, maxBytes: 1 }).map((e) => e.seq), [0], 'first entry even if larger');
  const a = queue.read({ maxCount: 5, maxBytes: 1e6 });
  const b = queue.read({ maxCount: 5, maxBytes: 1e6, from: a[a.length - 1].seq + 1 });
  assert.equal(b.map((e) => e.seq), [5, 6, 7, 8, 9]);
  assert.equal(queue.read({ maxCount: 2, maxBytes: 1e6, from: 15 }).map((e) => e.seq), [15, 16]);
  assert.equal(queue.read({ maxCount: 0, maxBytes: 1e6 }), []);
});

test('segments rotate when full; acks free whole segments but never the newest; the ack point persists', () => {
  const d = device(12);
  const { queue, storage } = d.boot();
  for (let s = 0; s < 60; s++) assert.ok(queue.append(rec(s), T + s).ok);
  const used = queue.status().segmentsInUse;
  assert.ok(used >= 5, `rotated over ${used} segments`);
  queue.ack(40);
  const st = queue.status();
  assert.ok(st.segmentsInUse < used && st.segmentsInUse >= 2);
  assert.is(st.unacked, 19);
  assert.is(st.oldestUnackedTime, T + 41);
  assert.equal(queue.read({ maxCount: 2, maxBytes: 1e6 }).map((e) => e.seq), [41, 42]);
  queue.ack(59);
  assert.is(queue.status().segmentsInUse, 1, 'the newest segment stays');
  assert.is(queue.status().unacked, 0);
  assert.throws(() => queue.ack(60), (e: unknown) => e instanceof HalError && e.code === 'BAD_ARGUMENT');
  assert.ok(storage.appends.length === 60, 'one append per record');
  const again = d.boot();
  assert.ok(again.report.clean);
  assert.is(again.report.ackedThrough, 59);
  assert.is(again.report.nextSeq, 60);
  assert.is(hex(again.report.prevHash), hex(sha.sha256(rec(59))));
});

test('when every record is acked and freed, nextSeq and the prev hash come from the state', () => {
  const d = device(12);
  const { queue } = d.boot();
  for (let s = 0; s < 13; s++) queue.append(rec(s), T);
  queue.append(rec(13, 3000), T); // opens a new segment
  queue.ack(12);
  const again = d.boot();
  assert.is(again.report.nextSeq, 14);
  assert.is(hex(again.report.prevHash), hex(sha.sha256(rec(13, 3000))));
  again.queue.ack(13);
  const third = d.boot();
  assert.is(third.report.nextSeq, 14);
  assert.is(hex(third.report.prevHash), hex(sha.sha256(rec(13, 3000))));
  assert.equal(third.queue.append(rec(14), T), { ok: true, seq: 14 });
});

test('group commit: one append and one sync per segment touched, all or nothing when full', () => {
  const d = device(12);
  const { queue, storage } = d.boot();
  let syncs = 0;
  const sync = storage.sync.bind(storage);
  storage.sync = (slot) => {
    syncs++;
    sync(slot);
  };
  const items = Array.from({ length: 10 }, (_, i) => ({ record: rec(i), time: T + i }));
  assert.equal(queue.appendMany(items), { ok: true, firstSeq: 0, lastSeq: 9 });
  assert.is(syncs, 1);
  const more = Array.from({ length: 20 }, (_, i) => ({ record: rec(10 + i), time: T }));
  assert.equal(queue.appendMany(more), { ok: true, firstSeq: 10, lastSeq: 29 });
  assert.is(syncs, 4, '20 records over three segments');
  const huge = Array.from({ length: 200 }, (_, i) => ({ record: rec(30 + i), time: T }));
  const before = storage.appends.length;
  assert.equal(queue.appendMany(huge), { ok: false, reason: 'full' });
  assert.is(storage.appends.length, before, 'nothing written for a refused group');
  assert.is(d.boot().queue.nextSeq, 30);
});

test('capacity: ok, then low, then full for scans while system records may use the reserve', () => {
  const { queue } = device(10, { lowWaterBytes: 12000 }).boot();
  assert.is(queue.status().state, 'ok');
  let s = 0;
  const states = new Set<string>();
  for (;;) {
    const r = queue.append(rec(s), T);
    states.add(queue.status().state);
    if (!r.ok) {
      assert.is(r.reason, 'full');
      break;
    }
    s++;
  }
  assert.ok(states.has('low') && states.has('full'), [...states].join());
  assert.is(queue.status().state, 'full');
  assert.is(queue.status().unacked, s, 'nothing evicted');
  const sys = queue.append(rec(s), T, 'system');
  assert.equal(sys, { ok: true, seq: s }, 'a fault record still fits in the reserve');
  assert.equal(queue.append(new Uint8Array(5000), T, 'system'), { ok: false, reason: 'too-large' });
  queue.ack(s);
  assert.is(queue.status().state, 'ok');
  assert.ok(queue.append(rec(s + 1), T).ok);
});

test('a corrupt state copy falls back to the other; both corrupt means nothing acked, and nothing is lost', () => {
  const d = device(12);
  const { queue } = d.boot();
  for (let s = 0; s < 20; s++) queue.append(rec(s), T);
  queue.ack(5);
  queue.ack(8); // copies now hold ack 5 and ack 8
  const flash = d.flash();
  const img = flash.image();
  // Flip a byte in the newest state record (copy B, sector 1).
  const copyB = 4096;
  img[copyB + 2 + 10] ^= 0x40;
  const f2 = new NorFlash({ sectorCount: 12, image: img });
  let r = Queue.open(new NorSegmentStorage(f2), { sha256: sha });
  assert.equal(r.report.state.copies, ['ok', 'corrupt']);
  assert.is(r.report.ackedThrough, 5, 'falls back to the previous ack point');
  assert.equal(r.report.lost, []);
  assert.equal(r.queue.read({ maxCount: 100, maxBytes: 1e6 }).map((e) => e.seq), [...Array(14).keys()].map((i) => i + 6));
  img[2 + 10] ^= 0x40; // copy A too
  r = Queue.open(new NorSegmentStorage(new NorFlash({ sectorCount: 12, image: img })), { sha256: sha });
  assert.equal(r.report.state.copies, ['corrupt', 'corrupt']);
  assert.is(r.report.ackedThrough, -1);
  assert.is(r.report.nextSeq, 20);
  assert.equal(r.report.lost, [], 'acked records already freed are not reported lost');
  assert.ok(r.report.unacked >= 11, 'every record still on the medium is offered again');
});

test('a bit flip in a middle record: reported exactly, never surfaced, the rest intact', () => {
  const d = device(12);
  const { queue, storage } = d.boot();
  for (let s = 0; s < 12; s++) queue.append(rec(s), T);
  const t = storage.appends[6].frames[0];
  const img = d.flash().image();
  img[(2 + storage.appends[6].slot) * 4096 + t.at + 100] ^= 1;
  const r = Queue.open(new NorSegmentStorage(new NorFlash({ sectorCount: 12, image: img })), { sha256: sha });
  assert.equal(r.report.lost, [[6, 6]]);
  assert.equal(r.report.discarded, [{ reason: 'corrupt', slot: storage.appends[6].slot, offset: t.at, length: t.size, seqs: [6, 6] }]);
  assert.is(r.report.discardedBytes, t.size);
  assert.not.ok(r.report.clean);
  const seqs = r.queue.read({ maxCount: 100, maxBytes: 1e6 }).map((e) => e.seq);
  assert.equal(seqs, [0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11]);
  assert.is(r.queue.status().unacked, 11);
  assert.is(r.report.nextSeq, 12);
});

test('declared losses are not reported again after a reboot', () => {
  const d = device(12);
  const { queue, storage } = d.boot();
  for (let s = 0; s < 12; s++) queue.append(rec(s), T);
  const t = storage.appends[3].frames[0];
  const flash = d.flash();
  const img = flash.image();
  img[(2 + storage.appends[3].slot) * 4096 + t.at + 30] ^= 0x10;
  let f = new NorFlash({ sectorCount: 12, image: img });
  const r = Queue.open(new NorSegmentStorage(f), { sha256: sha });
  assert.equal(r.report.lost, [[3, 3]]);
  r.queue.append(rec(12), T, 'system');
  r.queue.declareLost(r.report.lost);
  f = f.restart();
  const again = Queue.open(new NorSegmentStorage(f), { sha256: sha });
  assert.equal(again.report.lost, []);
  assert.equal(again.report.alreadyDeclared, [[3, 3]]);
  again.queue.ack(12);
  const third = Queue.open(new NorSegmentStorage(f.restart()), { sha256: sha });
  assert.equal(third.report.alreadyDeclared, [], 'acked past: forgotten');
  assert.ok(third.report.clean);
});

test('a duplicated segment (same seqs in two slots) is read once and its copies reported, nothing lost', () => {
  const d = device(12);
  const { queue, storage } = d.boot();
  for (let s = 0; s < 30; s++) queue.append(rec(s), T + s);
  const middle = storage.appends[15].slot;
  const img = d.flash().image();
  const spare = [...Array(10).keys()].find((slot) => !storage.appends.some((a) => a.slot === slot)) as number;
  img.copyWithin((2 + spare) * 4096, (2 + middle) * 4096, (3 + middle) * 4096);
  const flash = new NorFlash({ sectorCount: 12, image: img });
  const r = Queue.open(new NorSegmentStorage(flash), { sha256: sha });
  assert.equal(r.report.lost, []);
  const dups = r.report.discarded.filter((x) => x.reason === 'duplicate');
  const framesInMiddle = storage.appends.filter((a) => a.slot === middle).length;
  assert.is(dups.length, framesInMiddle);
  assert.ok(dups.every((x) => x.slot === Math.max(spare, middle)), 'the copy in the higher slot is the one set aside');
  assert.equal(r.queue.read({ maxCount: 100, maxBytes: 1e6 }).map((e) => e.seq), [...Array(30).keys()]);
  assert.is(r.queue.status().unacked, 30);
  assert.equal(r.queue.append(rec(30), T), { ok: true, seq: 30 });
  r.queue.ack(30);
  const again = Queue.open(new NorSegmentStorage(flash.restart()), { sha256: sha });
  assert.ok(again.report.clean, JSON.stringify(again.report.discarded));
  assert.is(again.report.nextSeq, 31);
});

test('the same queue on files: durable, acked, freed, reopened', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sealscan-queue-'));
  try {
    let storage = new FileSegmentStorage({ dir, segmentCount: 8, segmentSize: 8192 });
    let { queue } = Queue.open(storage, { sha256: sha });
    for (let s = 0; s < 100; s++) assert.ok(queue.append(rec(s), T + s).ok);
    queue.ack(49);
    storage.close();
    storage = new FileSegmentStorage({ dir, segmentCount: 8, segmentSize: 8192 });
    const r = Queue.open(storage, { sha256: sha });
    assert.ok(r.report.clean, JSON.stringify(r.report.discarded));
    assert.is(r.report.ackedThrough, 49);
    assert.is(r.report.unacked, 50);
    assert.equal(r.queue.read({ maxCount: 1, maxBytes: 1 })[0].seq, 50);
    storage.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
