import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withCrcA } from '../../../hal/iso14443a/crc-a.js';
import { Reg } from '../../../sim/mfrc522/index.js';
import type { AirFrame, PiccAnswer } from '../../../sim/rf/air.js';
import { exchangeUs, frameUs } from '../../../sim/rf/timing.js';
import { frameOf, scriptedTag } from './fake-field.js';
import { halError, rig, type Rig } from './helpers.js';

const TxIRq = 0x40;
const RxIRq = 0x20;
const ErrIRq = 0x02;
const TimerIRq = 0x01;

/** Driver-like setup: Arduino timer (25 ms, TAuto), CRC_A preset, antenna on. */
function reader(tmode = 0x80): Rig {
  const r = rig();
  r.write(Reg.TModeReg, tmode);
  r.write(Reg.TPrescalerReg, 0xa9);
  r.write(Reg.TReloadRegH, 0x03);
  r.write(Reg.TReloadRegL, 0xe8);
  r.write(Reg.TxASKReg, 0x40);
  r.write(Reg.ModeReg, 0x3d);
  r.write(Reg.TxControlReg, 0x83);
  return r;
}

interface Result {
  irq: number;
  error: number;
  fifo: number[];
  rxLastBits: number;
  coll: number;
}

/** The reference §3.2 cycle, then reading everything back the way drivers do. */
function transceive(r: Rig, data: number[], bitFraming = 0x00): Result {
  r.write(Reg.CommandReg, 0x00);
  r.write(Reg.ComIrqReg, 0x7f);
  r.write(Reg.FIFOLevelReg, 0x80);
  r.write(Reg.FIFODataReg, ...data);
  r.write(Reg.BitFramingReg, bitFraming);
  r.write(Reg.CommandReg, 0x0c);
  r.write(Reg.BitFramingReg, bitFraming | 0x80);
  const irq = r.read(Reg.ComIrqReg);
  const error = r.read(Reg.ErrorReg);
  const n = r.read(Reg.FIFOLevelReg);
  const fifo = n ? [...r.chip.transfer(Uint8Array.of(...Array(n).fill(0x92), 0)).slice(1)] : [];
  return { irq, error, fifo, rxLastBits: r.read(Reg.ControlReg) & 7, coll: r.read(Reg.CollReg) };
}

const answering = (fn: (f: AirFrame) => PiccAnswer | null) => scriptedTag('scripted', fn);

test('REQA: a 7-bit short frame; ATQA lands in the FIFO with RxIRq, synchronously', () => {
  const r = reader();
  r.field.add(answering((f) => (f.bits === 7 && f.bytes[0] === 0x26 ? { frame: frameOf([0x44, 0x00]) } : null)));
  const t0 = r.clock.now();
  const res = transceive(r, [0x26], 0x07);
  assert.equal(r.field.frames[0].frame, { bytes: Uint8Array.of(0x26), bits: 7 });
  assert.equal(r.field.frames[0].context, { crypto1: false });
  assert.equal(res.fifo, [0x44, 0x00]);
  assert.is(res.rxLastBits, 0);
  assert.is(res.error, 0);
  assert.is(res.irq & (TxIRq | RxIRq | ErrIRq | TimerIRq), TxIRq | RxIRq);
  assert.is(r.read(Reg.CommandReg), 0x0c, 'Transceive stays active');
  assert.is(r.read(Reg.Status2Reg) & 7, 1, 'ModemState: waiting for StartSend');
  const air = exchangeUs(Uint8Array.of(0x26), 7, 16, 0);
  assert.equal(r.chip.stats.exchanges, [{ txBytes: 1, frame: Uint8Array.of(0x26), txBits: 7, answerBits: 16, tagDelayUs: 0, airUs: air }]);
  assert.ok((r.clock.now() - t0) * 1000 > air, 'the clock moved by at least the air time');
});

test('TxLastBits sends only the low bits of the last byte', () => {
  const r = reader();
  transceive(r, [0x93, 0xff], 0x03);
  assert.equal(r.field.frames[0].frame, { bytes: Uint8Array.of(0x93, 0x07), bits: 11 });
});

test('RxAlign: the answer continues the partial byte; low bits of the first FIFO byte are 0', () => {
  const r = reader();
  const cl = [0x88, 0x04, 0xe1, 0x41, 0x2c];
  // Anticollision with 3 known bits of the UID: the tag answers the other 37 bits.
  r.field.add(
    answering((f) => {
      if (f.bytes[0] !== 0x93) return null;
      const bits: number[] = [];
      for (let i = 3; i < 40; i++) bits.push((cl[i >> 3] >> (i & 7)) & 1);
      const bytes = new Uint8Array(5);
      bits.forEach((b, i) => (bytes[i >> 3] |= b << (i & 7)));
      return { frame: { bytes, bits: 37 } };
    }),
  );
  const res = transceive(r, [0x93, 0x23, cl[0]], 0x33);
  assert.is(r.field.frames[0].frame.bits, 19);
  assert.equal(res.fifo, [cl[0] & 0xf8, ...cl.slice(1)]);
  assert.is(res.rxLastBits, 0);
  assert.is(res.coll & 0x20, 0x20, 'no collision: CollPosNotValid');
});

test('RxLastBits = (RxAlign + bits) mod 8', () => {
  const r = reader();
  r.field.add(answering(() => ({ frame: frameOf([0xff, 0x03], 10) })));
  let res = transceive(r, [0x93, 0x25, 0x1f], 0x55);
  assert.equal(res.fifo, [0xe0, 0x7f]);
  assert.is(res.rxLastBits, 7);
  res = transceive(r, [0xa0], 0x00);
  assert.equal(res.fifo, [0xff, 0x03]);
  assert.is(res.rxLastBits, 2);
});

test('a 4-bit ACK is one FIFO byte with RxLastBits 4', () => {
  const r = reader();
  r.field.add(answering(() => ({ frame: frameOf([0x0a], 4) })));
  const res = transceive(r, [0xa2, 0x04, 1, 2, 3, 4, 0x5e, 0x3d]);
  assert.equal(res.fifo, [0x0a]);
  assert.is(res.rxLastBits, 4);
});

test('TxCRCEn appends CRC_A to the frame', () => {
  const r = reader();
  r.write(Reg.TxModeReg, 0x80);
  transceive(r, [0x30, 0x04]);
  assert.equal(r.field.frames[0].frame, { bytes: withCrcA(Uint8Array.of(0x30, 0x04)), bits: 32 });
  assert.is(r.chip.stats.exchanges[0].txBytes, 4);
});

test('RxCRCEn: a good CRC_A is checked and stripped; a bad or short one sets CRCErr and stays', () => {
  const r = reader();
  r.write(Reg.RxModeReg, 0x80);
  let answer = withCrcA(Uint8Array.from({ length: 16 }, (_, i) => i));
  r.field.add(answering(() => ({ frame: frameOf([...answer]) })));
  let res = transceive(r, [0x30, 0x04, 0x26, 0xee]);
  assert.equal(res.fifo, Array.from({ length: 16 }, (_, i) => i));
  assert.is(res.error, 0);
  assert.is(r.read(Reg.Status1Reg) & 0x40, 0x40, 'CRCOk');
  answer = answer.slice();
  answer[17] ^= 0x01;
  res = transceive(r, [0x30, 0x04, 0x26, 0xee]);
  assert.is(res.fifo.length, 18);
  assert.is(res.error, 0x04);
  assert.ok(res.irq & ErrIRq);
  answer = Uint8Array.of(0x0a);
  r.field.tags.length = 0;
  r.field.add(answering(() => ({ frame: frameOf([0x0a], 4) })));
  res = transceive(r, [0xa2, 0x04]);
  assert.equal(res.fifo, [0x0a]);
  assert.is(res.error, 0x04);
  assert.is(res.rxLastBits, 4);
});

function twoTags(r: Rig, a: number[], b: number[]): void {
  r.field.add(answering(() => ({ frame: frameOf(a) }))).add(answering(() => ({ frame: frameOf(b) })));
}

test('collision: CollErr, CollPos 1-based, bits from the first collision on read 0 (ValuesAfterColl = 0)', () => {
  const r = reader();
  r.write(Reg.CollReg, 0x00);
  twoTags(r, [0x11, 0x22, 0x33, 0x44, 0x44], [0x11, 0x2a, 0x33, 0x44, 0x4c]);
  const res = transceive(r, [0x93, 0x20]);
  // 22h vs 2Ah differ at bit 3 of byte 1: answer bit 11, CollPos 12.
  assert.is(res.error, 0x08);
  assert.ok(res.irq & ErrIRq);
  assert.ok(res.irq & RxIRq);
  assert.is(res.coll, 0x0c);
  assert.equal(res.fifo, [0x11, 0x02, 0x00, 0x00, 0x00]);
});

test('collision with ValuesAfterColl = 1 keeps the superposed bits', () => {
  const r = reader();
  twoTags(r, [0x11, 0x22, 0x33, 0x44, 0x44], [0x11, 0x2a, 0x33, 0x44, 0x4c]);
  const res = transceive(r, [0x93, 0x20]);
  assert.is(res.coll, 0x8c);
  assert.equal(res.fifo, [0x11, 0x2a, 0x33, 0x44, 0x4c]);
});

test('CollPos counts from bit 0 of the first FIFO byte, RxAlign included', () => {
  const r = reader();
  r.write(Reg.CollReg, 0x00);
  twoTags(r, [0x00, 0x01], [0x00, 0x00]); // answers differ at answer bit 8
  const res = transceive(r, [0x93, 0x35, 0x01], 0x55);
  assert.is(res.coll, 5 + 8 + 1);
});

test('collision at position 32 reads CollPos 00h; beyond 32 sets CollPosNotValid', () => {
  const r = reader();
  r.write(Reg.CollReg, 0x00);
  twoTags(r, [1, 2, 3, 0x80, 0x82], [1, 2, 3, 0x00, 0x02]); // answer bit 31
  let res = transceive(r, [0x93, 0x20]);
  assert.is(res.coll, 0x00);
  assert.is(res.error, 0x08);
  r.field.tags.length = 0;
  twoTags(r, [1, 2, 3, 4, 0x04], [1, 2, 3, 4, 0x05]); // collision in the BCC, answer bit 32
  res = transceive(r, [0x93, 0x20]);
  assert.is(res.coll, 0x20);
  assert.is(res.error, 0x08);
});

test('a parity error in the answer sets ParityErr and keeps the data', () => {
  const r = reader();
  r.field.add(answering(() => ({ frame: frameOf([0x04, 0x00], 16, { parityError: true }) })));
  const res = transceive(r, [0x26], 0x07);
  assert.is(res.error, 0x02);
  assert.ok(res.irq & ErrIRq);
  assert.equal(res.fifo, [0x04, 0x00]);
});

test('an answer longer than the FIFO sets BufferOvfl and drops the rest', () => {
  const r = reader();
  const long = Array.from({ length: 70 }, (_, i) => i);
  r.field.add(answering(() => ({ frame: frameOf(long) })));
  const res = transceive(r, [0x3a, 0x00, 0x10]);
  assert.is(res.error, 0x10);
  assert.equal(res.fifo, long.slice(0, 64));
});

test('no answer with TAuto: the timer runs out (TimerIRq), the command keeps waiting', () => {
  const r = reader();
  const t0 = r.clock.now();
  const res = transceive(r, [0x26], 0x07);
  assert.is(res.irq & (TxIRq | RxIRq | TimerIRq), TxIRq | TimerIRq);
  assert.is(res.error, 0);
  assert.ok(r.clock.now() - t0 >= 25.025 + frameUs(7) / 1000, `${r.clock.now() - t0} ms`);
  assert.is(r.read(Reg.CommandReg), 0x0c);
  assert.is(r.read(Reg.Status2Reg) & 7, 4, 'ModemState RxWait');
  assert.is(r.chip.stats.exchanges[0].answerBits, null);
  // Writing the FIFO now (between last sent and last received bit) is a WrErr.
  r.write(Reg.FIFODataReg, 0x26);
  assert.is(r.read(Reg.ErrorReg), 0x80);
});

test('no answer without TAuto: no interrupt at all and no waiting', () => {
  const r = reader(0x00);
  const t0 = r.clock.now();
  const res = transceive(r, [0x26], 0x07);
  assert.is(res.irq & (RxIRq | TimerIRq | ErrIRq), 0);
  assert.ok(r.clock.now() - t0 < 1, 'only bus and TX time');
  r.clock.advance(100);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, 0);
});

test('a slow tag: TimerIRq fires but the answer is still received', () => {
  const r = reader();
  r.write(Reg.TReloadRegH, 0);
  r.write(Reg.TReloadRegL, 3); // 100 µs
  r.field.add(answering(() => ({ frame: frameOf([0x0a], 4), delayUs: 500 })));
  const res = transceive(r, [0xa2, 0x05, 1, 2, 3, 4]);
  assert.is(res.irq & (RxIRq | TimerIRq), RxIRq | TimerIRq);
  assert.equal(res.fifo, [0x0a]);
  assert.is(r.chip.stats.exchanges[0].tagDelayUs, 500);
});

test('a prompt answer stops the TAuto timer at its 5th bit: no TimerIRq later', () => {
  const r = reader();
  r.field.add(answering(() => ({ frame: frameOf([0x44, 0x00]) })));
  transceive(r, [0x26], 0x07);
  r.clock.advance(100);
  assert.is(r.read(Reg.ComIrqReg) & TimerIRq, 0);
  assert.is(r.read(Reg.Status1Reg) & 0x08, 0, 'TRunning = 0');
});

test('field off: nothing answers', () => {
  const r = reader();
  r.field.add(answering(() => ({ frame: frameOf([0x44, 0x00]) })));
  r.write(Reg.TxControlReg, 0x80);
  const res = transceive(r, [0x26], 0x07);
  assert.is(res.irq & (RxIRq | TimerIRq), TimerIRq);
  assert.equal(res.fifo, []);
});

test('RcvOff: the tag hears the frame but the receiver takes no answer', () => {
  const r = reader();
  r.field.add(answering(() => ({ frame: frameOf([0x44, 0x00]) })));
  transceive(r, [0x26], 0x07);
  r.write(Reg.CommandReg, 0x27); // NoCmdChange, RcvOff = 1
  r.write(Reg.FIFODataReg, 0x26);
  r.write(Reg.BitFramingReg, 0x87);
  assert.is(r.field.frames.length, 2);
  assert.is(r.read(Reg.FIFOLevelReg), 0, 'nothing received');
  assert.is(r.chip.stats.exchanges[1].answerBits, null);
});

test('Transceive stays active: a second StartSend sends the next frame', () => {
  const r = reader();
  r.field.add(answering((f) => ({ frame: frameOf([f.bytes[0] + 1]) })));
  transceive(r, [0x10]);
  r.write(Reg.FIFOLevelReg, 0x80);
  r.write(Reg.ComIrqReg, 0x7f);
  r.write(Reg.FIFODataReg, 0x20);
  r.write(Reg.BitFramingReg, 0x80);
  assert.ok(r.read(Reg.ComIrqReg) & RxIRq);
  assert.equal([...r.chip.fifoContents()], [0x21]);
});

test('the Transmit command sends and ends with IdleIRq; answers are not received', () => {
  const r = reader();
  r.field.add(answering(() => ({ frame: frameOf([0x44, 0x00]) })));
  r.write(Reg.ComIrqReg, 0x7f);
  r.write(Reg.FIFODataReg, 0x50, 0x00, 0x57, 0xcd);
  r.write(Reg.CommandReg, 0x04);
  assert.is(r.read(Reg.ComIrqReg) & (0x40 | 0x20 | 0x10), 0x40 | 0x10);
  assert.is(r.read(Reg.CommandReg), 0);
  assert.is(r.read(Reg.FIFOLevelReg), 0);
  assert.equal([...r.field.frames[0].frame.bytes], [0x50, 0x00, 0x57, 0xcd]);
});

test('StartSend with an empty FIFO is not modelled and says so', () => {
  const r = reader();
  r.write(Reg.CommandReg, 0x0c);
  const e = halError(() => r.write(Reg.BitFramingReg, 0x80));
  assert.is(e.code, 'UNMODELLED');
  assert.match(e.message, /empty FIFO/);
});

test('an exchange fault hook can corrupt the real answer', () => {
  const r = reader();
  r.field.add(answering(() => ({ frame: frameOf([0x44, 0x00]) })));
  r.chip.faults = {
    exchange: (_frame, _ctx, next) => {
      const ex = next();
      return ex.answer ? { ...ex, answer: { ...ex.answer, parityError: true } } : ex;
    },
  };
  assert.is(transceive(r, [0x26], 0x07).error, 0x02);
  r.chip.faults = {};
  assert.is(transceive(r, [0x26], 0x07).error, 0x00);
});

test.run();
