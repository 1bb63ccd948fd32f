import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Reg } from '../../../sim/mfrc522/index.js';
import { rig } from './helpers.js';

const ComIrq_HiAlert = 0x08;
const ComIrq_LoAlert = 0x04;
const ComIrq_Err = 0x02;

test('a write to a full FIFO drops the byte and sets BufferOvfl and ErrIRq', () => {
  const { chip, read, write } = rig();
  write(Reg.ComIrqReg, 0x7f);
  const bytes = Array.from({ length: 65 }, (_, i) => i + 1);
  write(Reg.FIFODataReg, ...bytes);
  assert.is(read(Reg.FIFOLevelReg), 64);
  assert.is(read(Reg.ErrorReg), 0x10);
  assert.ok(read(Reg.ComIrqReg) & ComIrq_Err);
  const out = chip.transfer(Uint8Array.of(...Array(64).fill(0x92), 0x00)).slice(1);
  assert.equal([...out], bytes.slice(0, 64), 'byte 65 was dropped');
  assert.is(read(Reg.ErrorReg), 0x10, 'BufferOvfl stays until FlushBuffer');
  write(Reg.FIFOLevelReg, 0x80);
  assert.is(read(Reg.ErrorReg), 0x00);
});

test('FlushBuffer empties the FIFO', () => {
  const { read, write, chip } = rig();
  write(Reg.FIFODataReg, 9, 8, 7);
  write(Reg.FIFOLevelReg, 0x80);
  assert.is(read(Reg.FIFOLevelReg), 0);
  assert.equal([...chip.fifoContents()], []);
  write(Reg.FIFODataReg, 6);
  assert.equal([...chip.fifoContents()], [6]);
});

test('reading an empty FIFO gives 00h without side effects', () => {
  const { read, write } = rig();
  write(Reg.ComIrqReg, 0x7f);
  assert.is(read(Reg.FIFODataReg), 0x00);
  assert.is(read(Reg.FIFOLevelReg), 0);
  assert.is(read(Reg.ErrorReg), 0);
  assert.is(read(Reg.ComIrqReg), 0);
});

test('WaterLevel drives Status1 HiAlert/LoAlert; the IRq bits latch the moment they become true', () => {
  const { read, write } = rig();
  write(Reg.WaterLevelReg, 4);
  write(Reg.ComIrqReg, 0x7f);
  assert.is(read(Reg.Status1Reg) & 0x03, 0x01, 'empty: LoAlert');
  write(Reg.FIFODataReg, ...Array(5).fill(0));
  assert.is(read(Reg.Status1Reg) & 0x03, 0x00, '5 bytes: neither');
  write(Reg.FIFODataReg, ...Array(54).fill(0)); // 59 bytes: 64 - 59 = 5 > 4
  assert.is(read(Reg.Status1Reg) & 0x03, 0x00);
  assert.is(read(Reg.ComIrqReg) & ComIrq_HiAlert, 0);
  write(Reg.FIFODataReg, 0); // 60: 64 - 60 = 4 ≤ 4
  assert.is(read(Reg.Status1Reg) & 0x03, 0x02, 'HiAlert');
  assert.ok(read(Reg.ComIrqReg) & ComIrq_HiAlert, 'HiAlertIRq latched');
  write(Reg.ComIrqReg, ComIrq_HiAlert);
  write(Reg.FIFODataReg, 0);
  assert.is(read(Reg.ComIrqReg) & ComIrq_HiAlert, 0, 'still high: no new event');
  for (let i = 0; i < 61 - 4; i++) read(Reg.FIFODataReg); // down to 4 bytes
  assert.is(read(Reg.Status1Reg) & 0x03, 0x01);
  assert.ok(read(Reg.ComIrqReg) & ComIrq_LoAlert);
  assert.is(read(Reg.Status1Reg) & 0x03, 0x01);
});

test('lowering WaterLevel can raise HiAlert without a FIFO access', () => {
  const { read, write } = rig();
  write(Reg.FIFODataReg, ...Array(40).fill(1));
  write(Reg.ComIrqReg, 0x7f);
  write(Reg.WaterLevelReg, 30); // 64 - 40 = 24 ≤ 30
  assert.is(read(Reg.Status1Reg) & 0x02, 0x02);
  assert.ok(read(Reg.ComIrqReg) & ComIrq_HiAlert);
});

test.run();
