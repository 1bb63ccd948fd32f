// One contract suite for SegmentStorage (hal/storage.ts), run against every backend present: the NOR flash adapter
// and files in a temporary directory.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HalError } from '../../hal/errors.js';
import type { SegmentStorage, StateCopy } from '../../hal/storage.js';
import { FileSegmentStorage } from '../../hal/node/file-storage.js';
import { NorFlash, NorSegmentStorage } from '../../sim/flash/index.js';

/** A medium that outlives storage instances: `open` gives a fresh instance on it, as after a reboot. */
interface Backend {
  name: string;
  create(): { open(): SegmentStorage; dispose(): void };
}

const backends: Backend[] = [
  {
    name: 'NOR flash',
    create() {
      let flash = new NorFlash({ sectorSize: 4096, sectorCount: 10 });
      return {
        open: () => new NorSegmentStorage((flash = flash.restart())),
        dispose: () => {},
      };
    },
  },
  {
    name: 'files',
    create() {
      const dir = mkdtempSync(join(tmpdir(), 'sealscan-storage-'));
      let last: FileSegmentStorage | undefined;
      return {
        open: () => {
          last?.close();
          return (last = new FileSegmentStorage({ dir, segmentCount: 8, segmentSize: 4096, stateSize: 4094 }));
        },
        dispose: () => {
          last?.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
];

/** The bytes `read` fills in, as a fresh array. */
function readBytes(s: SegmentStorage, slot: number, offset: number, length: number): Uint8Array {
  const b = new Uint8Array(length);
  s.read(slot, offset, b);
  return b;
}

const badArgument = (e: unknown) => e instanceof HalError && e.code === 'BAD_ARGUMENT';
const bytes = (...b: number[]) => Uint8Array.from(b);

for (const backend of backends) {
  const t = suite(`SegmentStorage contract: ${backend.name}`);
  let medium: ReturnType<Backend['create']>;
  t.before.each(() => {
    medium = backend.create();
  });
  t.after.each(() => medium.dispose());

  t('a new medium is empty and reads erased', () => {
    const s = medium.open();
    assert.equal(s.list(), []);
    assert.ok(s.geometry.segmentCount >= 8 && s.geometry.segmentSize === 4096);
    for (let i = 0; i < s.geometry.segmentCount; i++) assert.is(s.length(i), 0);
    assert.ok(readBytes(s, 3, 100, 50).every((b) => b === 0xff));
    assert.is(s.readState(0), undefined);
    assert.is(s.readState(1), undefined);
  });

  t('appends land at the written extent and survive a reopen after sync', () => {
    const s = medium.open();
    s.append(2, bytes(1, 2, 3));
    s.append(2, bytes(0xff, 0, 0xff, 7)); // 0xFF inside an append is fine
    s.sync(2);
    assert.is(s.length(2), 7);
    assert.equal([...readBytes(s, 2, 0, 9)], [1, 2, 3, 0xff, 0, 0xff, 7, 0xff, 0xff]);
    const r = medium.open();
    assert.equal(r.list(), [2]);
    assert.is(r.length(2), 7);
    r.append(2, bytes(9));
    r.sync(2);
    assert.equal([...readBytes(medium.open(), 2, 6, 3)], [7, 9, 0xff]);
  });

  t('preconditions are enforced with BAD_ARGUMENT', () => {
    const s = medium.open();
    const size = s.geometry.segmentSize;
    assert.throws(() => s.append(0, new Uint8Array(0)), badArgument);
    assert.throws(() => s.append(0, bytes(1, 0xff)), badArgument, 'an append may not end with 0xFF');
    assert.throws(() => s.append(0, new Uint8Array(size + 1)), badArgument);
    s.append(0, new Uint8Array(size - 1));
    assert.throws(() => s.append(0, bytes(1, 2)), badArgument, 'overflow');
    s.append(0, bytes(5));
    assert.is(s.length(0), size);
    assert.throws(() => s.append(s.geometry.segmentCount, bytes(1)), badArgument);
    assert.throws(() => readBytes(s, 0, size - 1, 2), badArgument);
    assert.throws(() => s.writeState(0, new Uint8Array(s.geometry.stateSize + 1).fill(1)), badArgument);
    assert.throws(() => s.writeState(0, bytes(1, 0xff)), badArgument);
  });

  t('erase empties a slot durably and lets it be written again', () => {
    const s = medium.open();
    s.append(1, bytes(4, 5, 6));
    s.append(3, bytes(7));
    s.sync(1);
    s.sync(3);
    s.erase(1);
    assert.is(s.length(1), 0);
    assert.ok(readBytes(s, 1, 0, 3).every((b) => b === 0xff));
    const r = medium.open();
    assert.equal(r.list(), [3]);
    r.append(1, bytes(8));
    r.sync(1);
    assert.equal([...readBytes(medium.open(), 1, 0, 2)], [8, 0xff]);
  });

  t('state copies are independent, replaced whole, and durable', () => {
    const s = medium.open();
    s.writeState(0, bytes(1, 2, 3));
    s.writeState(1, bytes(9));
    for (let i = 0; i < 300; i++) s.writeState(0, new Uint8Array(40).fill(i & 0x7f)); // wraps a flash sector
    assert.equal([...(s.readState(0) as Uint8Array)], [...new Uint8Array(40).fill(299 & 0x7f)]);
    const r = medium.open();
    assert.equal([...(r.readState(0) as Uint8Array)], [...new Uint8Array(40).fill(299 & 0x7f)]);
    assert.equal([...(r.readState(1) as Uint8Array)], [9]);
  });

  t('random operations agree with a model, across reopens', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({ op: fc.constant('append' as const), slot: fc.nat(7), data: fc.uint8Array({ minLength: 1, maxLength: 300 }) }),
            fc.record({ op: fc.constant('erase' as const), slot: fc.nat(7) }),
            fc.record({ op: fc.constant('state' as const), copy: fc.constantFrom<StateCopy>(0, 1), data: fc.uint8Array({ minLength: 1, maxLength: 100 }) }),
            fc.record({ op: fc.constant('reopen' as const) }),
          ),
          { maxLength: 40 },
        ),
        (ops) => {
          const m = backend.create();
          try {
            let s = m.open();
            const model: number[][] = Array.from({ length: 8 }, () => []);
            const state: Array<number[] | undefined> = [undefined, undefined];
            for (const o of ops) {
              if (o.op === 'append') {
                const data = o.data.slice();
                if (data[data.length - 1] === 0xff) data[data.length - 1] = 0;
                if (model[o.slot].length + data.length > s.geometry.segmentSize) continue;
                s.append(o.slot, data);
                s.sync(o.slot);
                model[o.slot].push(...data);
              } else if (o.op === 'erase') {
                s.erase(o.slot);
                model[o.slot] = [];
              } else if (o.op === 'state') {
                const data = o.data.slice();
                if (data[data.length - 1] === 0xff) data[data.length - 1] = 1;
                s.writeState(o.copy, data);
                state[o.copy] = [...data];
              } else s = m.open();
              for (let i = 0; i < 8; i++) {
                const want = model[i].slice(0, model[i].length);
                while (want.length && want[want.length - 1] === 0xff) want.pop();
                assert.is(s.length(i), want.length);
                assert.equal([...readBytes(s, i, 0, model[i].length)], model[i]);
              }
              assert.equal(s.readState(0) && [...(s.readState(0) as Uint8Array)], state[0]);
              assert.equal(s.readState(1) && [...(s.readState(1) as Uint8Array)], state[1]);
            }
          } finally {
            m.dispose();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  t.run();
}
