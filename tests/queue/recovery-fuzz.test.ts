// Property tests: random garbage and bit flips. Opening never throws, never surfaces a record that is not exactly
// what was written (a frame with a valid CRC-32C on the medium), and keeps every record whose bytes are intact.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Queue } from '../../firmware/queue/index.js';
import { encodeFrame, frameSize } from '../../firmware/queue/format.js';
import { NorFlash, NorSegmentStorage } from '../../sim/flash/index.js';
import { hex, recordFor, sha, TracingStorage } from '../../sim/sweeps/queue-kit.js';

const SECTORS = 8;
const SIZE = SECTORS * 4096;

function open(image: Uint8Array) {
  const flash = new NorFlash({ sectorCount: SECTORS, image });
  return { flash, ...Queue.open(new NorSegmentStorage(flash), { sha256: sha }) };
}

/** True when the medium holds exactly the frame `encodeFrame` makes for this entry (so its CRC checks there). */
function onMedium(image: Uint8Array, seq: number, time: number, record: Uint8Array): boolean {
  const frame = new Uint8Array(frameSize(record.length));
  encodeFrame(frame, 0, seq, time, record);
  return Buffer.from(image).indexOf(Buffer.from(frame)) >= 0;
}

const garbage = fc.oneof(
  fc.uint8Array({ minLength: SIZE, maxLength: SIZE }),
  // Mostly erased with random islands, closer to what a damaged flash looks like.
  fc.array(fc.record({ at: fc.nat(SIZE - 1), bytes: fc.uint8Array({ minLength: 1, maxLength: 600 }) }), { maxLength: 12 }).map((islands) => {
    const img = new Uint8Array(SIZE).fill(0xff);
    for (const { at, bytes } of islands) img.set(bytes.subarray(0, SIZE - at), at);
    return img;
  }),
);

test('random garbage: open never throws, surfaces only frames that are on the medium, and the queue works after', () => {
  fc.assert(
    fc.property(garbage, (image) => {
      const { flash, queue, report } = open(image);
      for (const e of queue.read({ maxCount: 1e6, maxBytes: 1e9 })) assert.ok(onMedium(image, e.seq, e.time, e.record));
      assert.ok(report.nextSeq >= 0 && report.discardedBytes >= 0);
      const seq = queue.nextSeq;
      const r = queue.append(recordFor(seq, 1, 200), 5, 'system');
      if (r.ok) {
        const again = Queue.open(new NorSegmentStorage(flash.restart()), { sha256: sha });
        const got = again.queue.read({ maxCount: 1e6, maxBytes: 1e9 }).find((e) => e.seq === seq);
        assert.is(hex(got?.record), hex(recordFor(seq, 1, 200)), 'appended after recovery, found after a reboot');
        assert.ok(again.report.nextSeq > seq);
      }
    }),
    { numRuns: Number(process.env.FUZZ_RUNS) || 300 },
  );
});

/** A device with records, some acked, and where each frame went. */
function populated(seed: number) {
  const flash = new NorFlash({ sectorCount: SECTORS });
  const storage = new TracingStorage(new NorSegmentStorage(flash));
  const { queue } = Queue.open(storage, { sha256: sha });
  const n = 20 + (seed % 25);
  for (let s = 0; s < n; s++) queue.append(recordFor(s, 0, 40 + ((s * 37 + seed) % 300)), 1000 + s);
  const acked = (seed % 3) * 5 - 1;
  if (acked >= 0) queue.ack(acked);
  return { image: flash.image(), traces: storage.appends, n, acked };
}

test('bit flips anywhere: genuine records only, every untouched unacked record kept, lost never surfaced', () => {
  fc.assert(
    fc.property(fc.nat(1000), fc.array(fc.tuple(fc.nat(SIZE - 1), fc.nat(7)), { minLength: 1, maxLength: 4 }), (seed, flips) => {
      const { image, traces, n, acked } = populated(seed);
      for (const [at, bit] of flips) image[at] ^= 1 << bit;
      const { queue, report } = open(image);
      const got = queue.read({ maxCount: 1e6, maxBytes: 1e9 });
      const seen = new Set<number>();
      for (const e of got) {
        assert.is(hex(e.record), hex(recordFor(e.seq, 0, e.record.length)), `seq ${e.seq} is genuine`);
        assert.is(e.time, 1000 + e.seq);
        seen.add(e.seq);
      }
      for (const [a, b] of report.lost) for (let s = a; s <= b; s++) assert.not.ok(seen.has(s), `lost ${s} not surfaced`);
      for (const t of traces) {
        const base = (2 + t.slot) * 4096;
        for (const f of t.frames) {
          const touched = flips.some(([at]) => at >= base + f.at && at < base + f.at + f.size);
          if (!touched && f.seq > acked && f.seq < n) assert.ok(seen.has(f.seq), `intact seq ${f.seq} kept`);
        }
      }
      assert.ok(report.nextSeq >= n || report.discarded.some((d) => d.reason === 'unreadable-slot'), 'no seq reuse unless a slot became unreadable');
    }),
    { numRuns: Number(process.env.FUZZ_RUNS) || 400 },
  );
});

test('an all-erased image is a new device; an image of random bytes is recovered to an empty, unanchored queue', () => {
  const blank = open(new Uint8Array(SIZE).fill(0xff));
  assert.ok(blank.report.clean && !blank.report.unanchored && blank.report.nextSeq === 0);
  const noise = new Uint8Array(SIZE);
  let x = 12345;
  for (let i = 0; i < SIZE; i++) noise[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  const r = open(noise);
  assert.ok(r.report.unanchored);
  assert.not.ok(r.report.clean);
  assert.is(r.report.unacked, 0);
  assert.ok(r.report.discardedBytes > SIZE / 2);
  assert.ok(r.report.discarded.every((d) => d.reason === 'unreadable-slot'));
  assert.is(r.queue.status().segmentsFree, SECTORS - 2, 'garbage slots were erased');
});

test.run();
