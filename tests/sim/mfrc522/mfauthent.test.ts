import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { withCrcA } from '../../../hal/iso14443a/crc-a.js';
import { Reg } from '../../../sim/mfrc522/index.js';
import { FDT_PICC_TO_PCD_US, fdtPcdToPiccUs, frameUs, lastBit } from '../../../sim/rf/timing.js';
import { classicTag } from './fake-field.js';
import { rig, type Rig } from './helpers.js';

const UID = [0x59, 0xe5, 0x97, 0x1a];
const KEY = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const IdleIRq = 0x10;
const ErrIRq = 0x02;
const TimerIRq = 0x01;
const MFCrypto1On = 0x08;

function readerWithSelectedCard(): Rig & { tag: ReturnType<typeof classicTag> } {
  const r = rig();
  const tag = classicTag(UID, KEY, (b) => Array.from({ length: 16 }, (_, i) => b * 16 + i));
  r.field.add(tag);
  r.write(Reg.TModeReg, 0x80);
  r.write(Reg.TPrescalerReg, 0xa9);
  r.write(Reg.TReloadRegH, 0x03);
  r.write(Reg.TReloadRegL, 0xe8);
  r.write(Reg.ModeReg, 0x3d);
  r.write(Reg.TxControlReg, 0x83);
  const send = (bytes: number[], framing = 0) => {
    r.write(Reg.CommandReg, 0x00);
    r.write(Reg.FIFOLevelReg, 0x80);
    r.write(Reg.FIFODataReg, ...bytes);
    r.write(Reg.CommandReg, 0x0c);
    r.write(Reg.BitFramingReg, framing | 0x80);
  };
  send([0x26], 0x07);
  send([0x93, 0x20]);
  send([...withCrcA(Uint8Array.of(0x93, 0x70, ...UID, UID.reduce((a, b) => a ^ b)))]);
  assert.is(tag.state, 'active');
  return Object.assign(r, { tag });
}

function authenticate(r: Rig, key: number[], fifo = [0x60, 0x08, ...key, ...UID]): void {
  r.write(Reg.CommandReg, 0x00);
  r.write(Reg.ComIrqReg, 0x7f);
  r.write(Reg.FIFOLevelReg, 0x80);
  r.write(Reg.FIFODataReg, ...fifo);
  r.write(Reg.CommandReg, 0x0e);
}

test('MFAuthent with the right key: MFCrypto1On, IdleIRq, back to Idle; air time of the three passes', () => {
  const r = readerWithSelectedCard();
  const t0 = r.clock.now();
  authenticate(r, KEY);
  const elapsedUs = (r.clock.now() - t0) * 1000;
  assert.is(r.read(Reg.Status2Reg) & MFCrypto1On, MFCrypto1On);
  assert.ok(r.read(Reg.ComIrqReg) & IdleIRq);
  assert.is(r.read(Reg.CommandReg), 0x00);
  assert.is(r.read(Reg.ErrorReg), 0);
  assert.equal(r.field.auths, [{ keyType: 0x60, block: 8, key: KEY, uid4: UID }]);
  assert.is(r.chip.stats.authentications, 1);
  const auth = withCrcA(Uint8Array.of(0x60, 0x08));
  const air =
    frameUs(32) + fdtPcdToPiccUs(lastBit(auth, 32)) + frameUs(32) + FDT_PICC_TO_PCD_US + frameUs(64) + fdtPcdToPiccUs(0) + frameUs(32);
  assert.ok(elapsedUs >= air && elapsedUs < air + 100, `${elapsedUs} µs for ${air} µs of air`);
});

test('after authentication frames go out with crypto1 and the tag answers; clearing MFCrypto1On stops it', () => {
  const r = readerWithSelectedCard();
  authenticate(r, KEY);
  r.write(Reg.CommandReg, 0x00);
  r.write(Reg.FIFOLevelReg, 0x80);
  r.write(Reg.FIFODataReg, ...withCrcA(Uint8Array.of(0x30, 0x08)));
  r.write(Reg.CommandReg, 0x0c);
  r.write(Reg.BitFramingReg, 0x80);
  assert.equal(r.field.frames.at(-1)?.context, { crypto1: true });
  assert.is(r.read(Reg.FIFOLevelReg), 18);
  assert.is(r.read(Reg.FIFODataReg), 0x80);
  r.write(Reg.Status2Reg, 0x00);
  assert.is(r.read(Reg.Status2Reg) & MFCrypto1On, 0);
  r.write(Reg.Status2Reg, MFCrypto1On);
  assert.is(r.read(Reg.Status2Reg) & MFCrypto1On, 0, 'the host cannot set it');
});

test('MFAuthent with a wrong key: no IdleIRq, the timer ends the wait, MFCrypto1On stays 0', () => {
  const r = readerWithSelectedCard();
  const t0 = r.clock.now();
  authenticate(r, [0, 1, 2, 3, 4, 5]);
  assert.is(r.read(Reg.ComIrqReg) & (IdleIRq | TimerIRq), TimerIRq);
  assert.is(r.read(Reg.Status2Reg) & MFCrypto1On, 0);
  assert.is(r.read(Reg.CommandReg), 0x0e, 'still waiting');
  assert.is(r.read(Reg.Status2Reg) & 7, 4, 'ModemState RxWait');
  assert.ok(r.clock.now() - t0 > 25);
  assert.is(r.tag.state, 'idle', 'the card went silent');
  // FIFO access is blocked while MFAuthent runs.
  r.write(Reg.FIFODataReg, 0x26);
  assert.is(r.read(Reg.ErrorReg), 0x80);
  assert.is(r.read(Reg.FIFOLevelReg), 0);
});

test('a failed re-authentication clears a previous MFCrypto1On', () => {
  const r = readerWithSelectedCard();
  authenticate(r, KEY);
  authenticate(r, [0, 0, 0, 0, 0, 0]);
  assert.is(r.read(Reg.Status2Reg) & MFCrypto1On, 0);
});

test('MFAuthent with fewer than 12 FIFO bytes: ProtocolErr', () => {
  const r = readerWithSelectedCard();
  authenticate(r, KEY, [0x60, 0x08, ...KEY]);
  assert.is(r.read(Reg.ErrorReg), 0x01);
  assert.ok(r.read(Reg.ComIrqReg) & ErrIRq);
  assert.is(r.read(Reg.Status2Reg) & MFCrypto1On, 0);
  assert.equal(r.field.auths, []);
});

test('SoftReset switches the field off, which drops the tag, and clears MFCrypto1On', () => {
  const r = readerWithSelectedCard();
  authenticate(r, KEY);
  r.write(Reg.CommandReg, 0x0f);
  assert.is(r.field.fieldOn(), false);
  assert.is(r.tag.state, 'off');
  assert.is(r.read(Reg.Status2Reg), 0x00);
});

test('an authenticate fault hook can reject a good key', () => {
  const r = readerWithSelectedCard();
  r.chip.faults = { authenticate: () => 'rejected' };
  authenticate(r, KEY);
  assert.is(r.read(Reg.Status2Reg) & MFCrypto1On, 0);
  assert.ok(r.read(Reg.ComIrqReg) & TimerIRq);
});

test.run();
