import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Iso14443aTag, cascadeLevels } from '../../../sim/tags/picc.js';
import { Ntag213 } from '../../../sim/tags/ntag21x.js';
import { sliceBits } from '../../../sim/tags/frames.js';
import { checkCrcA } from '../../../hal/iso14443a/crc-a.js';
import { activate, anticoll, badCrc, fieldWith, hlta, reqa, select, send, silent, std, wupa } from './helpers.js';

const UID4 = Uint8Array.of(0x12, 0x34, 0x56, 0x78);
const UID7 = Uint8Array.of(0x04, 0xe1, 0x41, 0x12, 0x4c, 0x28, 0x80);
const UID10 = Uint8Array.of(0x04, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09);

test('UID-CLn and BCC per cascade level (NTAGF example: BCC0 2Ch, BCC1 F6h)', () => {
  const cl = cascadeLevels(UID7);
  assert.equal([...cl[0]], [0x88, 0x04, 0xe1, 0x41, 0x2c]);
  assert.equal([...cl[1]], [0x12, 0x4c, 0x28, 0x80, 0xf6]);
  assert.is(cascadeLevels(UID10).length, 3);
  assert.throws(() => new Iso14443aTag({ uid: [1, 2, 3] }), /4, 7 or 10/);
});

test('REQA answers ATQA from IDLE only; a second REQA in READY drops the tag to IDLE silently', () => {
  const tag = new Iso14443aTag({ uid: UID4 });
  const field = fieldWith(tag);
  assert.is(tag.state, 'IDLE');
  const ex = send(field, reqa());
  assert.equal([...ex.answer!.bytes], [0x04, 0x00]);
  assert.is(ex.answer!.bits, 16);
  assert.is(tag.state, 'READY');
  assert.ok(silent(field, reqa()));
  assert.is(tag.state, 'IDLE');
  assert.ok(send(field, reqa()).answer, 'every other REQA is answered');
});

test('ATQA default carries the UID size; explicit ATQA and SAK are used', () => {
  const seven = new Iso14443aTag({ uid: UID7 });
  const ten = new Iso14443aTag({ uid: UID10, atqa: [0x48, 0x00], sak: 0x20 });
  assert.equal([...send(fieldWith(seven), reqa()).answer!.bytes], [0x44, 0x00]);
  const field = fieldWith(ten);
  assert.equal([...send(field, reqa()).answer!.bytes], [0x48, 0x00]);
  field.setField(false);
  field.setField(true);
  assert.equal(activate(field, UID10), [0x04, 0x04, 0x20]);
});

test('select through one, two and three cascade levels: SAK 04h until the last level', () => {
  for (const [uid, saks] of [
    [UID4, [0x08]],
    [UID7, [0x04, 0x08]],
    [UID10, [0x04, 0x04, 0x08]],
  ] as const) {
    const tag = new Iso14443aTag({ uid: uid, sak: 0x08 });
    const field = fieldWith(tag);
    send(field, reqa());
    cascadeLevels(uid).forEach((cl, i) => {
      assert.is(tag.cascadeLevel, i + 1);
      const ex = send(field, select(i + 1, cl));
      assert.ok(checkCrcA(ex.answer!.bytes));
      assert.is(ex.answer!.bytes[0], saks[i]);
    });
    assert.is(tag.state, 'ACTIVE');
  }
});

test('anticollision with NVB 20h returns UID-CLn + BCC; with k known bits it continues mid-byte', () => {
  const tag = new Iso14443aTag({ uid: UID7 });
  const field = fieldWith(tag);
  send(field, reqa());
  const cl1 = cascadeLevels(UID7)[0];
  const all = send(field, anticoll(1, cl1, 0));
  assert.equal([...all.answer!.bytes], [...cl1]);
  assert.is(all.answer!.bits, 40);
  for (const k of [1, 7, 8, 13, 31, 32]) {
    const ex = send(field, anticoll(1, cl1, k));
    assert.is(ex.answer!.bits, 40 - k, `k=${k}`);
    assert.equal([...ex.answer!.bytes], [...sliceBits(cl1, k, 40 - k)], `k=${k}`);
    assert.is(ex.collisionBit, -1);
  }
  const wrong = Uint8Array.from(cl1);
  wrong[1] ^= 0x01;
  assert.ok(silent(field, anticoll(1, wrong, 16)), 'a tag whose UID does not start with the bits stays silent');
  assert.is(tag.state, 'READY');
  // CL2 after selecting CL1
  send(field, select(1, cl1));
  const cl2 = cascadeLevels(UID7)[1];
  assert.equal([...send(field, anticoll(2, cl2, 0)).answer!.bytes], [...cl2]);
});

test('tags sharing a prefix collide at the first differing bit; the OR of colliding bits is reported', () => {
  const a = new Iso14443aTag({ uid: [0x10, 0x20, 0x30, 0x40] });
  const b = new Iso14443aTag({ uid: [0x10, 0x20, 0x38, 0x40] }); // differs in bit 3 of byte 2
  const field = fieldWith(a, b);
  send(field, reqa());
  const ex = send(field, anticoll(1, new Uint8Array(5), 0));
  assert.is(ex.collisionBit, 16 + 3);
  assert.is(ex.answer!.bytes[2], 0x38);
  // Resolve with bit 1: only b matches the 20 known bits.
  const known = Uint8Array.of(0x10, 0x20, 0x08);
  const ex2 = send(field, anticoll(1, known, 20));
  assert.is(ex2.collisionBit, -1);
  assert.ok(send(field, select(1, cascadeLevels(b.uid)[0])).answer);
  assert.is(b.state, 'ACTIVE');
  assert.is(a.state, 'READY', 'a non-matching SELECT leaves the other tag READY');
  send(field, hlta());
  assert.is(b.state, 'HALT');
  assert.is(a.state, 'IDLE', 'HLTA is an unexpected frame for a READY tag');
});

test('10-byte UIDs sharing CL1 and CL2 prefixes resolve at CL3', () => {
  const u1 = Uint8Array.from(UID10);
  const u2 = Uint8Array.from(UID10);
  u2[9] = 0x0b;
  const t1 = new Iso14443aTag({ uid: u1 });
  const t2 = new Iso14443aTag({ uid: u2 });
  const field = fieldWith(t1, t2);
  send(field, reqa());
  const [c1, c2, c3] = cascadeLevels(u1);
  assert.is(send(field, anticoll(1, c1, 0)).collisionBit, -1);
  assert.is(send(field, select(1, c1)).answer!.bytes[0], 0x04);
  assert.is(send(field, anticoll(2, c2, 0)).collisionBit, -1);
  assert.is(send(field, select(2, c2)).answer!.bytes[0], 0x04);
  const ex = send(field, anticoll(3, c3, 0));
  assert.is(ex.collisionBit, 24 + 1, 'byte 3 differs in bit 1 (09h vs 0Bh)');
  assert.ok(ex.collisionBit < 32);
  assert.ok(send(field, select(3, c3)).answer);
  assert.is(t1.state, 'ACTIVE');
  assert.is(t2.state, 'READY');
  assert.is(t2.cascadeLevel, 3);
});

test('HLTA halts an ACTIVE tag; only WUPA wakes it (READY*, ACTIVE*), and an unexpected frame returns it to HALT', () => {
  const tag = new Iso14443aTag({ uid: UID4 });
  const field = fieldWith(tag);
  activate(field, UID4);
  assert.ok(silent(field, hlta()));
  assert.is(tag.state, 'HALT');
  assert.ok(silent(field, reqa()), 'REQA does not wake a halted tag');
  assert.ok(send(field, wupa()).answer);
  assert.is(tag.state, 'READY*');
  send(field, select(1, cascadeLevels(UID4)[0]));
  assert.is(tag.state, 'ACTIVE*');
  assert.ok(silent(field, std([0x30, 0x00])), 'plain tag knows no commands');
  assert.is(tag.state, 'HALT');
  send(field, wupa());
  assert.ok(silent(field, wupa()), 'WUPA in READY* drops back silently');
  assert.is(tag.state, 'HALT');
});

test('SELECT with a bad CRC is ignored; with the wrong SEL code it is unexpected; with crypto1 it is noise', () => {
  const tag = new Iso14443aTag({ uid: UID4 });
  const field = fieldWith(tag);
  send(field, reqa());
  const cl = [...cascadeLevels(UID4)[0]];
  assert.ok(silent(field, badCrc([0x93, 0x70, ...cl])));
  assert.is(tag.state, 'READY');
  assert.ok(silent(field, std([0x95, 0x70, ...cl])));
  assert.is(tag.state, 'IDLE');
  send(field, reqa());
  assert.ok(silent(field, select(1, Uint8Array.from(cl)), true));
  assert.is(tag.state, 'IDLE');
  assert.ok(silent(field, reqa(), true), 'REQA with Crypto1 on is not understood (reference §9.6)');
  assert.is(tag.state, 'IDLE');
});

test('REQA or WUPA in ACTIVE: silently to IDLE; in ACTIVE*: silently to HALT', () => {
  const tag = new Iso14443aTag({ uid: UID7 });
  const field = fieldWith(tag);
  activate(field, UID7);
  assert.ok(silent(field, reqa()));
  assert.is(tag.state, 'IDLE');
  activate(field, UID7);
  assert.ok(silent(field, wupa()));
  assert.is(tag.state, 'IDLE');
  activate(field, UID7);
  send(field, hlta());
  activate(field, UID7, true);
  assert.is(tag.state, 'ACTIVE*');
  assert.ok(silent(field, reqa()));
  assert.is(tag.state, 'HALT');
});

test('HLTA with a bad CRC is ignored by a plain tag; field loss resets to IDLE', () => {
  const tag = new Iso14443aTag({ uid: UID4 });
  const field = fieldWith(tag);
  activate(field, UID4);
  send(field, badCrc([0x50, 0x00]));
  assert.is(tag.state, 'ACTIVE');
  field.setField(false);
  assert.is(tag.state, 'OFF');
  assert.ok(silent(field, reqa()));
  field.setField(true);
  assert.is(tag.state, 'IDLE');
});

test('Type 2 rule: READ 00h in READY (CL1 only) reads and activates the tag', () => {
  const tag = new Ntag213({ uid: UID7 });
  const field = fieldWith(tag);
  send(field, reqa());
  send(field, anticoll(1, new Uint8Array(5), 0));
  const ex = send(field, std([0x30, 0x00]));
  assert.ok(ex.answer);
  assert.is(ex.answer!.bits, 18 * 8);
  assert.equal([...ex.answer!.bytes.subarray(0, 3)], [0x04, 0xe1, 0x41]);
  assert.is(tag.state, 'ACTIVE');
  assert.ok(send(field, std([0x30, 0x01])).answer, 'further commands work in ACTIVE');
});

test.run();
