import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RfField, superpose } from '../../../sim/rf/field.js';
import { fdtPcdToPiccUs } from '../../../sim/rf/timing.js';
import { Iso14443aTag } from '../../../sim/tags/picc.js';
import { Ntag213 } from '../../../sim/tags/ntag21x.js';
import { MifareClassic1K } from '../../../sim/tags/classic1k.js';
import { TYPE2_EEPROM_WRITE_US } from '../../../sim/tags/type2.js';
import { activate, fieldWith, reqa, send, std } from './helpers.js';

const FF6 = new Uint8Array(6).fill(0xff);

test('place/remove/tags and field power: tags power with the field and lose state when removed', () => {
  const field = new RfField();
  const a = new Iso14443aTag({ uid: [1, 2, 3, 4] });
  const b = new Iso14443aTag({ uid: [5, 6, 7, 8] });
  field.place(a);
  assert.is(a.state, 'OFF', 'the antenna is off after reset');
  assert.is(send(field, reqa()).answer, null);
  field.setField(true);
  assert.ok(field.fieldOn());
  assert.is(a.state, 'IDLE');
  field.place(b);
  field.place(b);
  assert.equal(field.tags(), [a, b]);
  assert.is(b.state, 'IDLE', 'a tag entering a live field powers on');
  activate(field, a.uid);
  assert.is(a.state, 'ACTIVE');
  field.remove(a);
  assert.is(a.state, 'OFF');
  assert.equal(field.tags(), [b]);
  field.remove(a);
  field.setField(false);
  assert.is(b.state, 'OFF');
  field.setField(true);
  assert.is(b.state, 'IDLE');
});

test('superpose: agreeing answers give no collision; the first differing bit is reported; longer answers continue', () => {
  const a = { bytes: Uint8Array.of(0b1010_0001, 0xff), bits: 16 };
  const b = { bytes: Uint8Array.of(0b1010_0101), bits: 8 };
  const r = superpose([a, b]);
  assert.is(r.collisionBit, 2);
  assert.is(r.answer.bits, 16);
  assert.equal([...r.answer.bytes], [0b1010_0101, 0xff]);
  assert.is(superpose([a, a]).collisionBit, -1);
  const p = superpose([{ ...b, parityError: true }, b]);
  assert.ok(p.answer.parityError);
});

test('ATQA collision between an NTAG (44 00) and a Classic (04 00)', () => {
  const field = fieldWith(new Ntag213(), new MifareClassic1K());
  const ex = send(field, reqa());
  assert.is(ex.collisionBit, 6);
  assert.equal([...ex.answer!.bytes], [0x44, 0x00]);
});

test('delayUs = FDT of the last request bit + the largest tag processing delay', () => {
  const tag = new Ntag213();
  const field = fieldWith(tag);
  const atqa = send(field, reqa()); // 26h: bit 6 is the last of 7 bits, = 0
  assert.is(atqa.delayUs, fdtPcdToPiccUs(0));
  field.setField(false);
  field.setField(true);
  activate(field, tag.uid);
  const frame = std([0xa2, 0x04, 1, 2, 3, 4]);
  const last = (frame.bytes[frame.bytes.length - 1] >> 7) & 1;
  const ex = send(field, frame);
  assert.is(ex.delayUs, fdtPcdToPiccUs(last) + TYPE2_EEPROM_WRITE_US);
  assert.ok(ex.delayUs > 4000, 'a write takes milliseconds');
  assert.is(send(field, std([0x99])).delayUs, 0, 'no answer: 0');
});

test('authenticate is routed to the ACTIVE Crypto1 tag only', () => {
  const c1 = new MifareClassic1K({ uid: [1, 2, 3, 4] });
  const c2 = new MifareClassic1K({ uid: [5, 6, 7, 8] });
  const ntag = new Ntag213();
  const field = fieldWith(c1, c2, ntag);
  assert.is(field.authenticate(0x60, 4, FF6, c1.uid), 'no-answer', 'nobody ACTIVE');
  activate(field, c1.uid);
  assert.is(field.authenticate(0x60, 4, FF6, c1.uid), 'ok');
  assert.equal(c1.authenticatedSector, { sector: 1, key: 'A' });
  assert.is(c2.authenticatedSector, null);
  field.setField(false);
  assert.is(field.authenticate(0x60, 4, FF6, c1.uid), 'no-answer', 'field off');
});

test.run();
