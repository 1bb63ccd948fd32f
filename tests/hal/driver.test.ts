// The MFRC522 driver against the register-level simulator: init, self-test, timeouts from the chip's timer,
// SPI economy, typed results for every ErrorReg condition it can meet, power and gain.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { world, bytes } from '../../sim/sweeps/world.js';
import { Ntag213 } from '../../sim/tags/index.js';
import { Mfrc522 } from '../../hal/mfrc522/driver.js';
import { mfrc522SelfTest, selfTestTable } from '../../hal/mfrc522/selftest.js';
import { HalError } from '../../hal/errors.js';
import { crcA } from '../../hal/iso14443a/crc-a.js';
import { VirtualClock } from '../../sim/clock.js';

const CRC = { txCrc: true, rxCrc: true };

test('init on a dead bus (00h or FFh from VersionReg) throws NO_CHIP', async () => {
  for (const fill of [0x00, 0xff]) {
    const dead = { transfer: (tx: Uint8Array) => new Uint8Array(tx.length).fill(fill) };
    const d = new Mfrc522(dead, new VirtualClock());
    try {
      await d.init();
      assert.unreachable('init must fail');
    } catch (e) {
      assert.instance(e, HalError);
      assert.is((e as HalError).code, 'NO_CHIP');
      assert.match((e as Error).message, /VersionReg/);
    }
  }
});

test('a bus that returns the wrong length throws SPI_IO', async () => {
  const short = { transfer: (tx: Uint8Array) => new Uint8Array(tx.length - 1) };
  const d = new Mfrc522(short, new VirtualClock());
  try {
    await d.init();
    assert.unreachable();
  } catch (e) {
    assert.is((e as HalError).code, 'SPI_IO');
  }
});

test('self-test passes on v1.0 and v2.0 with the data sheet bytes, fails on a counterfeit', async () => {
  for (const version of [0x91, 0x92]) {
    const w = await world([], { version });
    const r = await mfrc522SelfTest(w.driver);
    assert.ok(r.pass, `v${version.toString(16)}`);
    assert.equal(Array.from(r.bytes), Array.from(selfTestTable(version)!));
    assert.is(r.version.raw, version);
  }
  const fake = await world([], { version: 0x12 });
  const r = await mfrc522SelfTest(fake.driver);
  assert.not.ok(r.pass);
  assert.is(r.expected, null);
  assert.match(r.version.name, /counterfeit/);
  // The reader works after the self-test (the driver re-initialises the chip).
  fake.field.place(new Ntag213({ uid: bytes('04E141124C2880') }));
  assert.ok((await fake.reader.activate()).ok);
});

test('bad arguments throw BAD_ARGUMENT naming the value', async () => {
  const w = await world();
  for (const [frame, opts, rx] of [
    [new Uint8Array(65), {}, /65 bytes/],
    [new Uint8Array(0), {}, /0 bytes/],
    [new Uint8Array(1), { txLastBits: 9 }, /txLastBits 9/],
    [new Uint8Array(1), { rxAlign: 8 }, /rxAlign 8/],
  ] as const) {
    try {
      await w.driver.transceive(frame, opts);
      assert.unreachable();
    } catch (e) {
      assert.is((e as HalError).code, 'BAD_ARGUMENT');
      assert.match((e as Error).message, rx);
    }
  }
  try {
    await w.driver.mifareAuthenticate('A', 4, new Uint8Array(5), new Uint8Array(4));
    assert.unreachable();
  } catch (e) {
    assert.is((e as HalError).code, 'BAD_ARGUMENT');
  }
});

test('timeouts come from the chip timer and cost their virtual time', async () => {
  const w = await world();
  for (const us of [500, 1000, 5000, 20000, 100000]) {
    const t0 = w.clock.now();
    const r = await w.driver.transceive(Uint8Array.of(0x26), { txLastBits: 7, timeoutUs: us });
    assert.ok(!r.ok && r.reason === 'timeout');
    const ms = w.clock.now() - t0;
    assert.ok(ms >= us / 1000 && ms < us / 1000 + 0.3, `timeout ${us} µs took ${ms} ms`);
  }
});

test('an exchange in steady state costs at most six SPI transfers', async () => {
  const tag = new Ntag213({ uid: bytes('04E141124C2880') });
  const w = await world([tag]);
  assert.ok((await w.reader.activate()).ok);
  await w.driver.transceive(Uint8Array.of(0x30, 0x04), CRC);
  // Counted by the chip: every transfer the driver makes reaches it.
  const before = w.chip.stats.transfers;
  for (let p = 4; p < 40; p += 4) assert.ok((await w.driver.transceive(Uint8Array.of(0x30, p), CRC)).ok);
  const per = (w.chip.stats.transfers - before) / 9;
  assert.ok(per >= 3 && per <= 6, `${per} transfers per READ`);
});

test('a 4-bit NAK comes back as a 4-bit frame, not as a CRC error', async () => {
  const tag = new Ntag213({ uid: bytes('04E141124C2880') });
  const w = await world([tag]);
  assert.ok((await w.reader.activate()).ok);
  const r = await w.driver.transceive(Uint8Array.of(0x30, 0xff), CRC);
  assert.ok(r.ok, r.ok ? '' : r.message);
  if (r.ok) {
    assert.is(r.value.bits, 4);
    assert.is(r.value.bytes[0] & 0x0f, 0x0);
  }
});

test('a slow tag answer (EEPROM write) still arrives when it exceeds the timer', async () => {
  const tag = new Ntag213({ uid: bytes('04E141124C2880') });
  const w = await world([tag]);
  assert.ok((await w.reader.activate()).ok);
  const r = await w.driver.transceive(Uint8Array.of(0xa2, 0x04, 1, 2, 3, 4), { txCrc: true, rxCrc: true, timeoutUs: 10000 });
  assert.ok(r.ok && r.value.bits === 4 && r.value.bytes[0] === 0x0a, 'ACK');
  assert.equal(Array.from(tag.page(4)), [1, 2, 3, 4]);
});

test('overheating is a typed result; the antenna comes back after the chip cools', async () => {
  const tag = new Ntag213({ uid: bytes('04E141124C2880') });
  const w = await world([tag]);
  w.chip.setOverheated(true);
  const r = await w.driver.transceive(Uint8Array.of(0x26), { txLastBits: 7, timeoutUs: 1000 });
  assert.ok(!r.ok && r.reason === 'temperature', JSON.stringify(r));
  w.chip.setOverheated(false);
  await w.driver.init();
  assert.ok((await w.reader.activate()).ok);
});

test('the CRC coprocessor agrees with CRC_A (property)', async () => {
  const w = await world();
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (data) => {
      const c = await w.driver.calcCrc(data);
      const expected = crcA(data);
      assert.equal(Array.from(c), [expected & 0xff, expected >> 8]);
    }),
    { numRuns: 300 },
  );
});

test('antenna gain is written to RFCfgReg and read back', async () => {
  const w = await world();
  for (const db of [18, 23, 33, 38, 43, 48] as const) {
    w.driver.setAntennaGain(db);
    assert.is(w.driver.antennaGain(), db);
    const code: { [db: number]: number } = { 18: 0, 23: 1, 33: 4, 38: 5, 43: 6, 48: 7 };
    assert.is((w.chip.peek(0x26) >> 4) & 7, code[db]);
  }
  try {
    w.driver.setAntennaGain(20 as 18);
    assert.unreachable();
  } catch (e) {
    assert.is((e as HalError).code, 'BAD_ARGUMENT');
  }
});

test('soft power-down switches the field off; power-up brings the reader back', async () => {
  const tag = new Ntag213({ uid: bytes('04E141124C2880') });
  const w = await world([tag]);
  await w.driver.powerDown();
  assert.not.ok(w.chip.fieldOn, 'no field in soft power-down');
  assert.is(tag.state, 'OFF');
  await w.driver.powerUp();
  assert.ok(w.chip.fieldOn);
  const a = await w.reader.activate();
  assert.ok(a.ok, a.ok ? '' : a.message);
});

test('resetField powers tags down: a halted tag answers REQA again', async () => {
  const tag = new Ntag213({ uid: bytes('04E141124C2880') });
  const w = await world([tag]);
  assert.ok((await w.reader.activate()).ok);
  assert.ok((await w.reader.halt()).ok);
  assert.not.ok((await w.reader.activate()).ok, 'halted: REQA is ignored');
  const t0 = w.clock.now();
  await w.reader.resetField();
  assert.ok(w.clock.now() - t0 >= 5, 'the field is off for at least 5 ms');
  assert.ok((await w.reader.activate()).ok);
});

test.run();
