// The NOR flash model: erased 0xFF, program ANDs, erase per sector with wear, page rule, power cuts as counted stops.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { VirtualClock } from '../../sim/clock.js';
import { NorFlash, PowerLossError } from '../../sim/flash/index.js';
import { HalError } from '../../hal/errors.js';

// uvu's throws() takes a predicate, not a class.
const isPowerLoss = (e: unknown) => e instanceof PowerLossError;
const isHalError = (e: unknown) => e instanceof HalError;

const small = () => new NorFlash({ sectorSize: 1024, sectorCount: 4, pageSize: 64 });

test('a new chip reads erased (0xFF) everywhere', () => {
  const f = small();
  assert.ok(f.read(0, f.size).every((b) => b === 0xff));
});

test('programming only clears bits: the result is the AND of old and new', () => {
  const f = small();
  f.program(10, Uint8Array.of(0b1010_1100, 0x00, 0xff));
  assert.equal([...f.read(10, 3)], [0b1010_1100, 0x00, 0xff]);
  f.program(10, Uint8Array.of(0b0110_0111, 0xff, 0x0f)); // 1 over 0 cannot set the bit
  assert.equal([...f.read(10, 3)], [0b0010_0100, 0x00, 0x0f]);
  assert.is(f.stats.overwrites, 1, 'the program that tried to set cleared bits is counted');
  assert.is(f.stats.programs, 2);
});

test('erase sets a whole sector back to 0xFF, leaves the others, and counts wear per sector', () => {
  const f = small();
  f.program(1020, new Uint8Array(4)); // end of sector 0
  f.program(1024, new Uint8Array(4)); // start of sector 1
  f.eraseSector(0);
  assert.ok(f.read(0, 1024).every((b) => b === 0xff));
  assert.equal([...f.read(1024, 4)], [0, 0, 0, 0]);
  f.eraseSector(0);
  assert.equal(f.eraseCounts(), [2, 0, 0, 0]);
});

test('a program may not cross a page; accesses outside the chip are refused', () => {
  const f = small();
  assert.throws(() => f.program(60, new Uint8Array(8)), (e: unknown) => e instanceof HalError && e.code === 'BAD_ARGUMENT');
  assert.throws(() => f.read(4090, 10), isHalError);
  assert.throws(() => f.eraseSector(4), isHalError);
  f.program(56, new Uint8Array(8)); // ends exactly at the page boundary
});

test('cutAfter(n): the n-th operation completes, then every operation throws PowerLossError', () => {
  const f = small();
  f.cutAfter(2);
  f.program(0, Uint8Array.of(1));
  f.program(1, Uint8Array.of(2)); // the 2nd: completes
  assert.ok(f.poweredOff);
  assert.throws(() => f.program(2, Uint8Array.of(3)), isPowerLoss);
  assert.throws(() => f.read(0, 1), isPowerLoss);
  const img = f.image();
  assert.equal([...img.subarray(0, 3)], [1, 2, 0xff]);
  const g = f.restart();
  assert.not.ok(g.poweredOff);
  assert.equal([...g.read(0, 3)], [1, 2, 0xff], 'a reboot sees the surviving image');
});

test('cutAfter(n, k): the n-th program keeps only its first k bytes and throws', () => {
  const f = small();
  f.cutAfter(1, 3);
  assert.throws(() => f.program(0, Uint8Array.of(1, 2, 3, 4, 5)), isPowerLoss);
  assert.equal([...f.image().subarray(0, 6)], [1, 2, 3, 0xff, 0xff, 0xff]);
  assert.is(f.stats.bytesProgrammed, 3);
});

test('an erase cut part-way leaves a deterministic mix of erased, half-erased and old bytes', () => {
  const run = () => {
    const f = small();
    f.program(0, new Uint8Array(64));
    for (let p = 64; p < 1024; p += 64) f.program(p, new Uint8Array(64));
    f.cutAfter(1, 512);
    assert.throws(() => f.eraseSector(0), isPowerLoss);
    return f.image().subarray(0, 1024);
  };
  const a = run();
  const b = run();
  assert.equal([...a], [...b], 'deterministic');
  const erased = a.filter((x) => x === 0xff).length;
  const old = a.filter((x) => x === 0).length;
  assert.ok(erased > 300 && erased < 700, `about half erased (${erased})`);
  assert.ok(old > 200, `some untouched (${old})`);
  assert.ok(1024 - erased - old > 20, 'some partly erased');
  assert.is(run().length, 1024);
});

test('a cut after the last operation of a call lets that call return; the wear survives a restart', () => {
  const f = small();
  f.eraseSector(3);
  f.cutAfter(1);
  f.eraseSector(3);
  assert.ok(f.poweredOff);
  assert.equal(f.restart().eraseCounts(), [0, 0, 0, 2]);
});

test('operations advance a virtual clock by their typical time', () => {
  const clock = new VirtualClock({ auto: false });
  const f = new NorFlash({ sectorCount: 2, clock, timing: { programMs: 0.5, eraseMs: 40 } });
  f.program(0, new Uint8Array(16));
  f.eraseSector(1);
  assert.is(clock.now(), 40.5);
});

test.run();
