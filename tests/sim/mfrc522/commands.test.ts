import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crc16 } from '../../../hal/iso14443a/crc-a.js';
import { Reg } from '../../../sim/mfrc522/index.js';
import { hexBytes, rig } from './helpers.js';

const IdleIRq = 0x10;
const CRCIRq = 0x04;
const CRCReady = 0x20;

function calcCrc(r: ReturnType<typeof rig>, data: number[]): number[] {
  r.write(Reg.CommandReg, 0x00);
  r.write(Reg.FIFOLevelReg, 0x80);
  r.write(Reg.DivIrqReg, 0x04);
  r.write(Reg.FIFODataReg, ...data);
  r.write(Reg.CommandReg, 0x03);
  assert.ok(r.read(Reg.DivIrqReg) & CRCIRq, 'CRCIRq');
  assert.ok(r.read(Reg.Status1Reg) & CRCReady, 'CRCReady');
  return [r.read(Reg.CRCResultRegL), r.read(Reg.CRCResultRegH)];
}

test('CalcCRC with each ModeReg.CRCPreset equals crc16 with that preset', () => {
  const presets = [0x0000, 0x6363, 0xa671, 0xffff];
  const data = [0x93, 0x70, 0x88, 0x04, 0xe1, 0x41, 0x2c];
  presets.forEach((preset, code) => {
    const r = rig();
    r.write(Reg.ModeReg, 0x3c | code);
    const crc = crc16(Uint8Array.from(data), preset);
    assert.equal(calcCrc(r, data), [crc & 0xff, crc >> 8], `preset ${preset.toString(16)}`);
    assert.is(r.read(Reg.FIFOLevelReg), 0, 'the coprocessor consumed the FIFO');
  });
});

test('CalcCRC with preset 6363h gives the CRC_A reference vectors', () => {
  const r = rig();
  r.write(Reg.ModeReg, 0x3d);
  const vectors: Array<[string, string]> = [
    ['60', 'F8 32'], ['50 00', '57 CD'], ['30 00', '02 A8'], ['3C 00', 'A2 01'], ['A4 00', '3F D6'], ['04', 'DA 17'],
    ['00', 'FE 51'], ['08', 'B6 DD'], ['12 34', '26 CF'], ['00 00', 'A0 1E'],
  ];
  for (const [frame, crc] of vectors) assert.equal(calcCrc(r, hexBytes(frame)), hexBytes(crc), frame);
});

test('the reset preset is FFFFh, not CRC_A (reference §9.3)', () => {
  const r = rig();
  const crc = crc16(Uint8Array.of(0x60), 0xffff);
  assert.equal(calcCrc(r, [0x60]), [crc & 0xff, crc >> 8]);
  assert.not.equal(calcCrc(r, [0x60]), [0xf8, 0x32]);
});

test('CalcCRC stays active and keeps consuming bytes written later', () => {
  const r = rig();
  r.write(Reg.ModeReg, 0x3d);
  r.write(Reg.FIFODataReg, 0x30);
  r.write(Reg.CommandReg, 0x03);
  assert.is(r.read(Reg.CommandReg) & 0x0f, 0x03);
  r.write(Reg.DivIrqReg, 0x04);
  r.write(Reg.FIFODataReg, 0x00);
  assert.ok(r.read(Reg.DivIrqReg) & CRCIRq);
  assert.equal([r.read(Reg.CRCResultRegL), r.read(Reg.CRCResultRegH)], [0x02, 0xa8]);
  assert.is(r.read(Reg.Status1Reg) & 0x40, 0, 'CRCOk: result is not 0');
  r.write(Reg.FIFODataReg, 0x02, 0xa8); // data ‖ CRC_A gives 0000h
  assert.equal([r.read(Reg.CRCResultRegL), r.read(Reg.CRCResultRegH)], [0x00, 0x00]);
  assert.is(r.read(Reg.Status1Reg) & 0x40, 0x40, 'CRCOk');
});

test('CalcCRC on an empty FIFO waits: CRCReady = 0, no CRCIRq', () => {
  const r = rig();
  r.write(Reg.DivIrqReg, 0x04);
  r.write(Reg.CommandReg, 0x03);
  assert.is(r.read(Reg.Status1Reg) & CRCReady, 0);
  assert.is(r.read(Reg.DivIrqReg) & CRCIRq, 0);
});

test('Mem: 25 FIFO bytes to the buffer, then an empty FIFO gets them back; IdleIRq each time', () => {
  const r = rig();
  const data = Array.from({ length: 25 }, (_, i) => 0xa0 + i);
  r.write(Reg.ComIrqReg, 0x7f);
  r.write(Reg.FIFODataReg, ...data, 0x55);
  r.write(Reg.CommandReg, 0x01);
  assert.ok(r.read(Reg.ComIrqReg) & IdleIRq);
  assert.is(r.read(Reg.CommandReg) & 0x0f, 0);
  assert.equal([...r.chip.internalBuffer], data);
  assert.equal([...r.chip.fifoContents()], [0x55], 'only 25 bytes were taken');
  r.write(Reg.FIFOLevelReg, 0x80);
  r.write(Reg.ComIrqReg, 0x7f);
  r.write(Reg.CommandReg, 0x01);
  assert.ok(r.read(Reg.ComIrqReg) & IdleIRq);
  assert.equal([...r.chip.fifoContents()], data);
});

test('Mem with fewer than 25 bytes waits for the rest', () => {
  const r = rig();
  r.write(Reg.FIFODataReg, ...Array(10).fill(7));
  r.write(Reg.ComIrqReg, 0x7f);
  r.write(Reg.CommandReg, 0x01);
  assert.is(r.read(Reg.CommandReg) & 0x0f, 0x01);
  assert.is(r.read(Reg.ComIrqReg) & IdleIRq, 0);
  r.write(Reg.FIFODataReg, ...Array(15).fill(9));
  assert.is(r.read(Reg.CommandReg) & 0x0f, 0x00);
  assert.equal([...r.chip.internalBuffer], [...Array(10).fill(7), ...Array(15).fill(9)]);
});

test('Generate RandomID: 10 seeded bytes into the buffer, the rest kept', () => {
  const a = rig({ seed: 42 });
  const b = rig({ seed: 42 });
  const c = rig({ seed: 43 });
  for (const r of [a, b, c]) {
    r.write(Reg.FIFODataReg, ...Array(25).fill(0xee));
    r.write(Reg.CommandReg, 0x01);
    r.write(Reg.ComIrqReg, 0x7f);
    r.write(Reg.CommandReg, 0x02);
    assert.ok(r.read(Reg.ComIrqReg) & IdleIRq);
  }
  const bufA = [...a.chip.internalBuffer];
  assert.equal(bufA, [...b.chip.internalBuffer], 'same seed, same ID');
  assert.not.equal(bufA.slice(0, 10), [...c.chip.internalBuffer].slice(0, 10));
  assert.not.equal(bufA.slice(0, 10), Array(10).fill(0xee));
  assert.equal(bufA.slice(10), Array(15).fill(0xee));
  a.write(Reg.CommandReg, 0x02);
  assert.not.equal([...a.chip.internalBuffer].slice(0, 10), bufA.slice(0, 10), 'a second run gives another ID');
});

test('IdleIRq: not for a host-written Idle; yes for an unknown command, which falls back to Idle', () => {
  const r = rig();
  r.write(Reg.CommandReg, 0x03);
  r.write(Reg.ComIrqReg, 0x7f);
  r.write(Reg.CommandReg, 0x00);
  assert.is(r.read(Reg.ComIrqReg) & IdleIRq, 0);
  for (const code of [0x05, 0x06, 0x09, 0x0a, 0x0b, 0x0d]) {
    r.write(Reg.ComIrqReg, 0x7f);
    r.write(Reg.CommandReg, code);
    assert.is(r.read(Reg.CommandReg) & 0x0f, 0, `code ${code}`);
    assert.ok(r.read(Reg.ComIrqReg) & IdleIRq, `code ${code}`);
  }
  r.write(Reg.CommandReg, 0x0c);
  assert.is(r.read(Reg.CommandReg), 0x0c, 'Transceive stays active');
});

test('starting a command clears ErrorReg except TempErr', () => {
  const r = rig();
  r.write(Reg.FIFODataReg, ...Array(65).fill(0));
  assert.is(r.read(Reg.ErrorReg), 0x10);
  r.write(Reg.CommandReg, 0x00);
  assert.is(r.read(Reg.ErrorReg), 0x00);
  r.chip.setOverheated(true);
  r.write(Reg.FIFODataReg, 0);
  assert.is(r.read(Reg.ErrorReg), 0x50);
  r.write(Reg.CommandReg, 0x00);
  assert.is(r.read(Reg.ErrorReg), 0x40);
});

test('TempErr switches the antenna off until cooled and cleared with TempSensClear', () => {
  const r = rig();
  r.write(Reg.TxControlReg, 0x83);
  assert.is(r.field.fieldOn(), true);
  r.chip.setOverheated(true);
  assert.is(r.field.fieldOn(), false);
  r.write(Reg.Status2Reg, 0x80);
  assert.is(r.read(Reg.ErrorReg) & 0x40, 0x40, 'still hot: TempSensClear does nothing');
  r.chip.setOverheated(false);
  assert.is(r.field.fieldOn(), false);
  r.write(Reg.Status2Reg, 0x80);
  assert.is(r.read(Reg.ErrorReg) & 0x40, 0);
  assert.is(r.field.fieldOn(), true);
});

test('SoftReset: registers to reset values, FIFO empty, field off, buffer kept; powerCycle loses the buffer', () => {
  const r = rig();
  r.write(Reg.FIFODataReg, ...Array.from({ length: 25 }, (_, i) => i));
  r.write(Reg.CommandReg, 0x01);
  r.write(Reg.TModeReg, 0x8d);
  r.write(Reg.ModeReg, 0x3d);
  r.write(Reg.TxControlReg, 0x83);
  r.write(Reg.FIFODataReg, 1, 2, 3);
  r.write(Reg.ComIrqReg, 0x7f);
  assert.is(r.field.fieldOn(), true);
  r.write(Reg.CommandReg, 0x0f);
  assert.is(r.field.fieldOn(), false);
  assert.is(r.field.setFieldCalls.at(-1), false);
  assert.is(r.read(Reg.TModeReg), 0x00);
  assert.is(r.read(Reg.ModeReg), 0x3f);
  assert.is(r.read(Reg.TxControlReg), 0x80);
  assert.is(r.read(Reg.FIFOLevelReg), 0);
  assert.is(r.read(Reg.ComIrqReg), 0x14, 'IdleIRq and LoAlertIRq');
  assert.is(r.read(Reg.CommandReg), 0x20);
  assert.equal([...r.chip.internalBuffer], Array.from({ length: 25 }, (_, i) => i));
  r.chip.hardReset();
  assert.equal([...r.chip.internalBuffer], Array.from({ length: 25 }, (_, i) => i));
  r.chip.powerCycle();
  assert.equal([...r.chip.internalBuffer], Array(25).fill(0));
});

test('soft power-down: field off, registers kept; PowerDown reads 1 for 1024 clocks after writing 0', () => {
  const r = rig({ transferOverheadUs: 1 });
  r.write(Reg.TxControlReg, 0x83);
  r.write(Reg.TModeReg, 0x8d);
  r.write(Reg.CommandReg, 0x10);
  assert.is(r.field.fieldOn(), false);
  assert.is(r.read(Reg.CommandReg), 0x10);
  assert.is(r.read(Reg.TModeReg), 0x8d);
  assert.is(r.read(Reg.TxControlReg), 0x83);
  r.clock.advance(5);
  assert.is(r.read(Reg.CommandReg), 0x10);
  r.write(Reg.CommandReg, 0x00);
  assert.is(r.read(Reg.CommandReg) & 0x10, 0x10, 'waking up');
  assert.is(r.field.fieldOn(), false);
  r.clock.advance((1024 / 13.56e6) * 1000);
  assert.is(r.read(Reg.CommandReg), 0x00);
  assert.is(r.field.fieldOn(), true);
});

test('NoCmdChange changes RcvOff/PowerDown only; other command writes clear them', () => {
  const r = rig();
  r.write(Reg.CommandReg, 0x0c);
  r.write(Reg.CommandReg, 0x27);
  assert.is(r.read(Reg.CommandReg), 0x2c);
  r.write(Reg.CommandReg, 0x0c);
  assert.is(r.read(Reg.CommandReg), 0x0c);
});

test.run();
