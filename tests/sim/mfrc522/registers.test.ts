import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { REGISTERS, Reg } from '../../../sim/mfrc522/index.js';
import { halError, rig } from './helpers.js';

// DS §9 reset values, written out independently of the implementation's table. "x" values: the model's choice
// (CollReg A0h, FIFO/TCounterVal/test registers 00h, DivIrqReg 00h).
const RESET: number[] = [
  0x00, 0x20, 0x80, 0x00, 0x14, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x08, 0x10, 0x00, 0xa0, 0x00,
  0x00, 0x3f, 0x00, 0x00, 0x80, 0x00, 0x10, 0x84, 0x84, 0x4d, 0x00, 0x00, 0x62, 0x00, 0x00, 0xeb,
  0x00, 0xff, 0xff, 0x88, 0x26, 0x87, 0x48, 0x88, 0x20, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
  0x00, 0x00, 0x00, 0x80, 0x00, 0x00, 0x40, 0x92, 0x00, 0x00, 0x00, 0x00, 0xff, 0x00, 0x03, 0x00,
];

const RESERVED = [0x00, 0x0f, 0x10, 0x1a, 0x1b, 0x1e, 0x20, 0x23, 0x25, 0x30, 0x3c, 0x3d, 0x3e, 0x3f];

test('the table has 64 registers at their own addresses with datasheet names', () => {
  assert.is(REGISTERS.length, 64);
  REGISTERS.forEach((spec, i) => assert.is(spec.addr, i));
  for (const [name, addr] of Object.entries(Reg)) assert.is(REGISTERS[addr].name, name);
  assert.equal(REGISTERS.filter((r) => r.reserved).map((r) => r.addr), RESERVED);
});

test('every register has its reset value (peek), and SPI reads agree', () => {
  const { chip, read } = rig();
  for (let addr = 0; addr < 64; addr++) {
    assert.is(chip.peek(addr), RESET[addr], `register ${addr.toString(16)}h`);
    const spec = REGISTERS[addr];
    if (!spec.reserved && !spec.unreadable) assert.is(read(addr), RESET[addr], `SPI read of ${spec.name}`);
  }
});

test('VersionReg follows the constructor option', () => {
  for (const v of [0x91, 0x90, 0x88, 0x12]) assert.is(rig({ version: v }).read(Reg.VersionReg), v);
});

test('write-only bits read back 0: StartSend, FlushBuffer, TStartNow, TStopNow, Set1, Set2', () => {
  const { read, write } = rig();
  write(Reg.BitFramingReg, 0x87); // StartSend outside Transceive: no effect
  assert.is(read(Reg.BitFramingReg), 0x07);
  write(Reg.FIFODataReg, 1, 2);
  write(Reg.FIFOLevelReg, 0x80);
  assert.is(read(Reg.FIFOLevelReg), 0);
  write(Reg.ControlReg, 0x40);
  write(Reg.ControlReg, 0x80);
  assert.is(read(Reg.ControlReg) & 0xc0, 0);
  write(Reg.ComIrqReg, 0xff);
  assert.is(read(Reg.ComIrqReg), 0x7f);
  write(Reg.DivIrqReg, 0x84);
  assert.is(read(Reg.DivIrqReg), 0x04);
});

test('FIFOLevelReg bits 6:0 and other read-only bits ignore writes', () => {
  const { read, write } = rig();
  write(Reg.FIFOLevelReg, 0x05);
  assert.is(read(Reg.FIFOLevelReg), 0);
  write(Reg.ErrorReg, 0x1f);
  assert.is(read(Reg.ErrorReg), 0);
  write(Reg.VersionReg, 0x00);
  assert.is(read(Reg.VersionReg), 0x92);
  write(Reg.Status1Reg, 0x00);
  assert.is(read(Reg.Status1Reg), 0x21);
  write(Reg.CRCResultRegL, 0x00);
  assert.is(read(Reg.CRCResultRegL), 0xff);
});

test('ComIrqReg Set1 rule: 1s set with Set1 = 1, clear with Set1 = 0', () => {
  const { read, write } = rig();
  assert.is(read(Reg.ComIrqReg), 0x14);
  write(Reg.ComIrqReg, 0x7f);
  assert.is(read(Reg.ComIrqReg), 0x00);
  write(Reg.ComIrqReg, 0x80 | 0x41);
  assert.is(read(Reg.ComIrqReg), 0x41);
  write(Reg.ComIrqReg, 0x01);
  assert.is(read(Reg.ComIrqReg), 0x40);
  write(Reg.ComIrqReg, 0x00);
  assert.is(read(Reg.ComIrqReg), 0x40, 'writing 0 changes nothing');
});

test('DivIrqReg Set2 rule; 7Fh clears without complaint, setting a reserved bit throws', () => {
  const { read, write } = rig();
  write(Reg.DivIrqReg, 0x80 | 0x14);
  assert.is(read(Reg.DivIrqReg), 0x14);
  write(Reg.DivIrqReg, 0x04);
  assert.is(read(Reg.DivIrqReg), 0x10);
  write(Reg.DivIrqReg, 0x7f);
  assert.is(read(Reg.DivIrqReg), 0x00);
  const e = halError(() => write(Reg.DivIrqReg, 0x81));
  assert.is(e.code, 'UNMODELLED');
  assert.match(e.message, /DivIrqReg \(05h\) bit 0 is reserved/);
});

test('writing an unmodelled or reserved bit throws UNMODELLED naming register and bit', () => {
  const { write } = rig();
  const cases: Array<[number, number, RegExp]> = [
    [Reg.ModeReg, 0xbd, /ModeReg \(11h\) bit 7 MSBFirst/],
    [Reg.ModeReg, 0x7d, /ModeReg \(11h\) bit 6 is reserved/],
    [Reg.TxModeReg, 0x10, /TxModeReg \(12h\) bits 6:4 TxSpeed = 001b/],
    [Reg.TxModeReg, 0x08, /TxModeReg \(12h\) bit 3 InvMod/],
    [Reg.RxModeReg, 0x04, /RxModeReg \(13h\) bit 2 RxMultiple/],
    [Reg.MfRxReg, 0x10, /MfRxReg \(1Dh\) bit 4 ParityDisable/],
    [Reg.Status2Reg, 0x40, /Status2Reg \(08h\) bit 6 I2CForceHS/],
    [Reg.SerialSpeedReg, 0x7a, /SerialSpeedReg \(1Fh\) bits 7:5 BR_T0/],
    [Reg.TestSel2Reg, 0x40, /TestSel2Reg \(32h\) bit 6 PRBS9/],
    [Reg.AnalogTestReg, 0x11, /AnalogTestReg \(38h\) bits 7:4 AnalogSelAux1/],
    [Reg.AutoTestReg, 0x45, /AutoTestReg \(36h\) bits 3:0 SelfTest = 0101b/],
    [Reg.TxSelReg, 0x00, /TxSelReg \(16h\) bits 5:4 DriverSel = 00b/],
    [Reg.RxSelReg, 0x04, /RxSelReg \(17h\) bits 7:6 UARTSel = 00b/],
    [Reg.CommandReg, 0x40, /CommandReg \(01h\) bit 6 is reserved/],
  ];
  for (const [reg, value, message] of cases) {
    const e = halError(() => write(reg, value));
    assert.is(e.code, 'UNMODELLED');
    assert.match(e.message, message, `${REGISTERS[reg].name} ← ${value.toString(16)}h`);
  }
});

test('TPrescalEven exists on v2.0 only', () => {
  rig({ version: 0x92 }).write(Reg.DemodReg, 0x5d);
  const e = halError(() => rig({ version: 0x91 }).write(Reg.DemodReg, 0x5d));
  assert.match(e.message, /DemodReg \(19h\) bit 4 TPrescalEven/);
});

test('touching a reserved register or an unmodelled read-only one throws', () => {
  const { chip, write } = rig();
  let e = halError(() => chip.transfer(Uint8Array.of(0x80, 0x00)));
  assert.is(e.code, 'UNMODELLED');
  assert.match(e.message, /read of reserved register 00h/);
  e = halError(() => write(0x23, 0x88));
  assert.match(e.message, /write to reserved register 23h/);
  e = halError(() => chip.transfer(Uint8Array.of(0x80 | (Reg.TestBusReg << 1), 0x00)));
  assert.match(e.message, /TestBusReg \(35h\)/);
  e = halError(() => chip.transfer(Uint8Array.of(0x80 | (Reg.TestADCReg << 1), 0x00)));
  assert.match(e.message, /TestADCReg/);
  // ... while the back door may look
  assert.is(chip.peek(0x3e), 0x03);
});

test('store-only settings used by mfrc522-rpi, Arduino and our driver are accepted and read back', () => {
  const { read, write } = rig();
  const settings: Array<[number, number]> = [
    [Reg.TModeReg, 0x8d], [Reg.TModeReg, 0x80], [Reg.TPrescalerReg, 0x3e], [Reg.TPrescalerReg, 0xa9],
    [Reg.TReloadRegH, 0x03], [Reg.TReloadRegL, 0xe8], [Reg.TxASKReg, 0x40], [Reg.ModeReg, 0x3d],
    [Reg.ModWidthReg, 0x26], [Reg.TxModeReg, 0x80], [Reg.TxModeReg, 0x00], [Reg.RxModeReg, 0x88],
    [Reg.RFCfgReg, 0x78], [Reg.RFCfgReg, 0x48], [Reg.GsNReg, 0xf4], [Reg.CWGsPReg, 0x3f], [Reg.ModGsPReg, 0x11],
    [Reg.RxSelReg, 0x86], [Reg.RxThresholdReg, 0x55], [Reg.DemodReg, 0x4d], [Reg.MfTxReg, 0x62],
    [Reg.TxSelReg, 0x10], [Reg.WaterLevelReg, 0x20], [Reg.AutoTestReg, 0x09], [Reg.AutoTestReg, 0x40],
    [Reg.ComIEnReg, 0xf7], [Reg.DivIEnReg, 0x94], [Reg.TestPinEnReg, 0x00], [Reg.TxControlReg, 0x83],
  ];
  for (const [reg, value] of settings) {
    write(reg, value);
    assert.is(read(reg), value, `${REGISTERS[reg].name} ← ${value.toString(16)}h`);
  }
  // ModeReg bits 4 and 2 are reserved with reset value 1: writing 0 is accepted, they still read 1.
  write(Reg.ModeReg, 0x01);
  assert.is(read(Reg.ModeReg), 0x15);
  // CollReg: only ValuesAfterColl is writable.
  write(Reg.CollReg, 0x00);
  assert.is(read(Reg.CollReg), 0x20);
});

test('ComIEnReg/DivIEnReg gate Status1.IRq; the IRQ pin follows it, inverted by IRqInv', () => {
  const { chip, read, write } = rig();
  write(Reg.ComIrqReg, 0x7f);
  write(Reg.ComIEnReg, 0x80);
  write(Reg.ComIrqReg, 0x81); // TimerIRq
  assert.is(read(Reg.Status1Reg) & 0x10, 0, 'not enabled');
  assert.is(chip.irqPin, true, 'IRqInv = 1 and no IRq: pin high');
  write(Reg.ComIEnReg, 0x81);
  assert.is(read(Reg.Status1Reg) & 0x10, 0x10);
  assert.is(chip.irqPin, false);
  write(Reg.ComIEnReg, 0x01);
  assert.is(chip.irqPin, true, 'IRqInv = 0: pin high on IRq');
  write(Reg.ComIrqReg, 0x01);
  assert.is(chip.irqPin, false);
  write(Reg.DivIEnReg, 0x04);
  write(Reg.DivIrqReg, 0x84);
  assert.is(read(Reg.Status1Reg) & 0x10, 0x10, 'CRCIRq enabled by CRCIEn');
  assert.is(chip.irqPin, true);
});

test.run();
