import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MFRC522 } from '../../helpers/mfrc522-rpi.js';
import { Reg } from '../../../sim/mfrc522/index.js';
import { classicTag } from './fake-field.js';
import { rig } from './helpers.js';

const UID = [0x59, 0xe5, 0x97, 0x1a];
const KEY = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const block = (b: number) => Array.from({ length: 16 }, (_, i) => (b * 16 + i) & 0xff);

function setup() {
  const r = rig();
  const tag = classicTag(UID, KEY, block);
  r.field.add(tag);
  const mfrc = new MFRC522(r.chip);
  return { ...r, tag, mfrc };
}

test('reset() configures the chip and switches the antenna on', () => {
  const { mfrc, chip, field } = setup();
  mfrc.reset();
  assert.is(chip.peek(Reg.TModeReg), 0x8d);
  assert.is(chip.peek(Reg.TPrescalerReg), 0x3e);
  assert.is(chip.peek(Reg.TReloadRegL), 30);
  assert.is(chip.peek(Reg.TxASKReg), 0x40);
  assert.is(chip.peek(Reg.ModeReg), 0x3d);
  assert.is(chip.peek(Reg.TxControlReg), 0x83);
  assert.is(field.fieldOn(), true);
  assert.equal(field.setFieldCalls.slice(-2), [false, true], 'SoftReset switched the field off first');
});

test('findCard() gets the 16-bit ATQA (04 00) of the card', () => {
  const { mfrc, field, chip } = setup();
  mfrc.reset();
  assert.equal(mfrc.findCard(), { status: true, bitSize: 16 });
  assert.equal(field.frames[0].frame, { bytes: Uint8Array.of(0x26), bits: 7 });
  assert.is(chip.stats.exchanges.at(-1)?.answerBits, 16);
  // The raw ATQA bytes through the library's own toCard:
  mfrc.reset();
  mfrc.writeRegister(Reg.BitFramingReg, 0x07);
  assert.equal(mfrc.toCard(0x0c, [0x26]), { status: true, data: [0x04, 0x00], bitSize: 16 });
});

test('findCard() with no card: status false after the chip timer fired', () => {
  const { mfrc, field, clock } = setup();
  field.tags.length = 0;
  mfrc.reset();
  const t0 = clock.now();
  assert.equal(mfrc.findCard(), { status: false, bitSize: 0 });
  assert.ok(clock.now() - t0 > 15, 'the ≈15.5 ms timer of mfrc522-rpi ran out in virtual time');
});

test('getUid, selectCard, authenticate and getDataForBlock run unchanged', () => {
  const { mfrc } = setup();
  mfrc.reset();
  assert.ok(mfrc.findCard().status);
  const uid = mfrc.getUid();
  assert.equal(uid, { status: true, data: [...UID, UID.reduce((a, b) => a ^ b)] });
  assert.is(mfrc.selectCard(uid.data), 0x08, 'SAK of a MIFARE Classic 1K');
  assert.is(mfrc.authenticate(8, KEY, uid.data), true);
  assert.equal(mfrc.getDataForBlock(8), block(8));
  mfrc.stopCrypto();
});

test('authenticate with a wrong key returns false', () => {
  const { mfrc, tag } = setup();
  mfrc.reset();
  mfrc.findCard();
  const uid = mfrc.getUid();
  mfrc.selectCard(uid.data);
  assert.is(mfrc.authenticate(8, [1, 2, 3, 4, 5, 6], uid.data), false);
  assert.is(tag.state, 'idle');
  // The next poll (reset() switches the field off and on) finds the card again.
  mfrc.reset();
  assert.ok(mfrc.findCard().status);
});

test('calculateCRC uses the CRC coprocessor (60h → F8 32)', () => {
  const { mfrc } = setup();
  mfrc.reset();
  assert.equal(mfrc.calculateCRC([0x60]), [0xf8, 0x32]);
});

test.run();
