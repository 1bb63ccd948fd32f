import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Reg } from '../../../sim/mfrc522/index.js';
import { halError, rig } from './helpers.js';

const RD = (reg: number) => 0x80 | (reg << 1);
const WR = (reg: number) => reg << 1;

test('read: MISO[0] is 00h and MISO[i] is the register addressed by MOSI[i-1]', () => {
  const { chip } = rig();
  // VersionReg 37h → 0xEE; WaterLevelReg 0Bh → 0x96; CommandReg 01h → 0x82
  const rx = chip.transfer(Uint8Array.of(0xee, 0x96, 0x82, 0x00));
  assert.equal([...rx], [0x00, 0x92, 0x08, 0x20]);
});

test('write: address byte (reg << 1), data bytes all go to that register', () => {
  const { chip, read } = rig();
  const rx = chip.transfer(Uint8Array.of(0x16, 0x05)); // WaterLevelReg ← 05h
  assert.equal([...rx], [0x00, 0x00]);
  assert.is(read(Reg.WaterLevelReg), 0x05);
  chip.transfer(Uint8Array.of(WR(Reg.WaterLevelReg), 0x01, 0x02, 0x03));
  assert.is(read(Reg.WaterLevelReg), 0x03, 'no auto-increment: the last byte wins');
  assert.is(read(Reg.ControlReg), 0x10, 'the next register was not touched');
});

test('FIFO burst write and burst read pop in order', () => {
  const { chip, read } = rig();
  chip.transfer(Uint8Array.of(WR(Reg.FIFODataReg), 1, 2, 3, 4, 5));
  assert.is(read(Reg.FIFOLevelReg), 5);
  const rx = chip.transfer(Uint8Array.of(RD(Reg.FIFODataReg), RD(Reg.FIFODataReg), RD(Reg.FIFODataReg), 0x00));
  assert.equal([...rx], [0, 1, 2, 3]);
  assert.is(read(Reg.FIFOLevelReg), 2);
  // Mixed burst: FIFO, level, FIFO.
  const rx2 = chip.transfer(Uint8Array.of(RD(Reg.FIFODataReg), RD(Reg.FIFOLevelReg), RD(Reg.FIFODataReg), 0x00));
  assert.equal([...rx2], [0, 4, 1, 5]);
});

test('the last MOSI byte of a read is not read: no FIFO pop for it', () => {
  const { chip, read } = rig();
  chip.transfer(Uint8Array.of(WR(Reg.FIFODataReg), 7, 8));
  chip.transfer(Uint8Array.of(RD(Reg.FIFODataReg), RD(Reg.FIFODataReg)));
  assert.is(read(Reg.FIFOLevelReg), 1);
});

test('address byte with bit 0 set throws BAD_ARGUMENT naming the byte', () => {
  const { chip } = rig();
  let e = halError(() => chip.transfer(Uint8Array.of(0x6f, 0x00)));
  assert.is(e.code, 'BAD_ARGUMENT');
  assert.match(e.message, /byte 0 \(6Fh\)/);
  e = halError(() => chip.transfer(Uint8Array.of(0xee, 0x97, 0x00)));
  assert.is(e.code, 'BAD_ARGUMENT');
  assert.match(e.message, /byte 1 \(97h\)/);
  e = halError(() => chip.transfer(Uint8Array.of(0xee, 0x16, 0x00)));
  assert.match(e.message, /write address inside a read/);
});

test('a malformed read transaction is refused before it pops anything', () => {
  const { chip, read, write } = rig();
  write(Reg.FIFODataReg, 1, 2, 3);
  halError(() => chip.transfer(Uint8Array.of(RD(Reg.FIFODataReg), RD(Reg.FIFODataReg), 0x13, 0x00)));
  assert.is(read(Reg.FIFOLevelReg), 3);
});

test('each transfer costs overhead + bits / spiHz of virtual time', () => {
  const { chip, clock } = rig({ spiHz: 1_000_000, transferOverheadUs: 10 });
  const t0 = clock.now();
  chip.transfer(Uint8Array.of(0xee, 0x00));
  assert.ok(Math.abs(clock.now() - t0 - 0.026) < 1e-9, `took ${clock.now() - t0} ms`);
  chip.transfer(new Uint8Array(0));
  assert.ok(Math.abs(clock.now() - t0 - 0.036) < 1e-9);
  const d = rig();
  d.chip.transfer(Uint8Array.of(0xee, 0x00)); // defaults: 5 µs + 16 bits at 4 MHz = 9 µs
  assert.ok(Math.abs(d.clock.now() - 0.009) < 1e-9);
});

test('open() returns the device and write() is a transfer whose result is dropped', () => {
  const { chip, read } = rig();
  assert.is(chip.open(), chip);
  assert.is(chip.write(Uint8Array.of(WR(Reg.TModeReg), 0x8d)), undefined);
  assert.is(read(Reg.TModeReg), 0x8d);
  assert.is(chip.stats.transfers, 2);
  assert.is(chip.stats.bytes, 4);
  chip.resetStats();
  assert.is(chip.stats.transfers, 0);
});

test('a transfer fault hook can answer instead of the chip', () => {
  const { chip } = rig();
  chip.faults = { transfer: (tx) => new Uint8Array(tx.length).fill(0xff) };
  assert.is(chip.transfer(Uint8Array.of(0xee, 0x00))[1], 0xff);
  chip.faults = { transfer: () => undefined };
  assert.is(chip.transfer(Uint8Array.of(0xee, 0x00))[1], 0x92);
});

test.run();
