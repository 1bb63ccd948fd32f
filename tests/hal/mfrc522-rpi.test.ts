// Third-party drivers against the simulator: the unmodified npm package mfrc522-rpi reads the UID and a data block of
// a virtual MIFARE Classic 1K through SimMfrc522, exactly as its README example does on a Raspberry Pi.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MFRC522 } from '../helpers/mfrc522-rpi.js';
import { VirtualClock } from '../../sim/clock.js';
import { RfField } from '../../sim/rf/field.js';
import { SimMfrc522 } from '../../sim/mfrc522/index.js';
import { MifareClassic1K } from '../../sim/tags/index.js';

const UID = [0x59, 0xe5, 0x97, 0x1a];
const KEY = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
const DATA = Array.from({ length: 16 }, (_, i) => 0x30 + i);

function rig() {
  const clock = new VirtualClock();
  const field = new RfField();
  const chip = new SimMfrc522({ clock, field });
  const card = new MifareClassic1K({ uid: UID, blocks: { 8: DATA } });
  field.place(card);
  return { chip, card, field, mfrc: new MFRC522(chip) };
}

test('README flow: reset, findCard, getUid, selectCard, authenticate, getDataForBlock, stopCrypto', () => {
  const { mfrc } = rig();
  mfrc.reset();
  assert.is(mfrc.findCard().status, true);
  const uid = mfrc.getUid();
  assert.ok(uid.status);
  assert.equal(uid.data, [...UID, UID[0] ^ UID[1] ^ UID[2] ^ UID[3]], 'UID + BCC');
  assert.is(mfrc.selectCard(uid.data), 0x08, 'SAK of a Classic 1K');
  assert.ok(mfrc.authenticate(8, KEY, uid.data));
  assert.equal(mfrc.getDataForBlock(8), DATA);
  mfrc.stopCrypto();
});

test('a wrong key fails authentication; the next poll works again', () => {
  const { mfrc } = rig();
  mfrc.reset();
  assert.ok(mfrc.findCard().status);
  const uid = mfrc.getUid();
  mfrc.selectCard(uid.data);
  assert.not.ok(mfrc.authenticate(8, [1, 2, 3, 4, 5, 6], uid.data));
  mfrc.reset();
  assert.ok(mfrc.findCard().status);
  const again = mfrc.getUid();
  mfrc.selectCard(again.data);
  assert.ok(mfrc.authenticate(8, KEY, again.data));
  assert.equal(mfrc.getDataForBlock(8), DATA);
});

test('writeDataToBlock through mfrc522-rpi changes the virtual card', () => {
  const { mfrc, card } = rig();
  mfrc.reset();
  mfrc.findCard();
  const uid = mfrc.getUid();
  mfrc.selectCard(uid.data);
  assert.ok(mfrc.authenticate(9, KEY, uid.data));
  const bytes = Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  const log = console.log;
  console.log = () => {}; // the library logs each write
  try {
    mfrc.writeDataToBlock(9, bytes);
  } finally {
    console.log = log;
  }
  assert.equal(Array.from(card.block(9)), bytes);
});

test('package exports: sealscan/hal and sealscan/sim resolve by name to the built code', async () => {
  const hal = await import('sealscan/hal');
  const sim = await import('sealscan/sim');
  assert.type(hal.Mfrc522, 'function');
  assert.type(hal.Iso14443aReader, 'function');
  assert.type(sim.SimMfrc522, 'function');
  assert.type(sim.RfField, 'function');
  assert.type(sim.Ntag215, 'function');
  const clock = new sim.VirtualClock();
  const field = new sim.RfField();
  const driver = new hal.Mfrc522(new sim.SimMfrc522({ clock, field }), clock);
  assert.is((await driver.init()).name, 'MFRC522 v2.0');
});

test.run();
