import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { corruptAnswers, dropAnswers, pullAwayAfterBytes, weakField } from '../../../sim/faults.js';
import { Ntag213 } from '../../../sim/tags/ntag21x.js';
import { Iso14443aTag } from '../../../sim/tags/picc.js';
import { checkCrcA } from '../../../hal/iso14443a/crc-a.js';
import { activate, anticoll, cmd, fieldWith, reqa, send, std } from './helpers.js';

test('no fault armed: everything falls through to the normal model', () => {
  const tag = new Ntag213();
  const field = fieldWith(tag);
  const dispose = dropAnswers(tag, 0);
  activate(field, tag.uid);
  assert.is(cmd(field, [0x30, 0x04]).length, 16);
  dispose();
  dispose();
});

test('dropAnswers on a tag: the next N answers are lost, the tag still moves on, then answers return', () => {
  const tag = new Iso14443aTag({ uid: [1, 2, 3, 4] });
  const field = fieldWith(tag);
  dropAnswers(tag, 2);
  assert.is(send(field, reqa()).answer, null);
  assert.is(tag.state, 'READY', 'the tag heard the REQA');
  assert.is(send(field, anticoll(1, new Uint8Array(5), 0)).answer, null);
  assert.ok(send(field, anticoll(1, new Uint8Array(5), 0)).answer, 'third answer gets through');
});

test('dropAnswers on the field drops whole exchanges; the disposer disarms it early', () => {
  const tag = new Ntag213();
  const field = fieldWith(tag);
  const dispose = dropAnswers(field, 5);
  assert.is(send(field, reqa()).answer, null);
  dispose();
  assert.is(send(field, reqa()).answer, null, 'tag was READY: this REQA drops it to IDLE');
  assert.ok(send(field, reqa()).answer);
});

test('corruptAnswers: a flipped bit breaks the CRC of the next answer only; parity kind marks parityError', () => {
  const tag = new Ntag213();
  const field = fieldWith(tag);
  activate(field, tag.uid);
  corruptAnswers(tag, { bit: 9 });
  const bad = send(field, std([0x30, 0x00])).answer!;
  assert.not.ok(checkCrcA(bad.bytes));
  assert.is(bad.bytes[1], tag.uid[1] ^ 0x02);
  const good = send(field, std([0x30, 0x00])).answer!;
  assert.ok(checkCrcA(good.bytes));
  corruptAnswers(field, { kind: 'parity', count: 1 });
  const p = send(field, std([0x30, 0x00])).answer!;
  assert.ok(p.parityError);
  assert.ok(checkCrcA(p.bytes), 'bits intact');
  assert.not.ok(send(field, std([0x30, 0x00])).answer!.parityError);
});

test('pullAwayAfterBytes: the answer is cut after N bytes and the tag leaves the field, powered off', () => {
  const tag = new Ntag213();
  const field = fieldWith(tag);
  activate(field, tag.uid); // ATQA and SAKs are not counted: the fault is not armed yet
  pullAwayAfterBytes(field, tag, 5);
  const ex = send(field, std([0x30, 0x04]));
  assert.is(ex.answer!.bits, 40);
  assert.not.ok(checkCrcA(ex.answer!.bytes));
  assert.is(tag.state, 'OFF');
  assert.equal(field.tags(), []);
  assert.is(send(field, reqa()).answer, null);
});

test('pullAwayAfterBytes counts bytes across answers; 0 bytes loses the next answer entirely', () => {
  const tag = new Ntag213();
  const field = fieldWith(tag);
  pullAwayAfterBytes(field, tag, 7); // ATQA 2 + SAK 3 = 5, then 2 bytes of the next SAK
  send(field, reqa());
  const cl1 = [0x88, ...tag.uid.subarray(0, 3), 0x88 ^ tag.uid[0] ^ tag.uid[1] ^ tag.uid[2]];
  assert.is(send(field, std([0x93, 0x70, ...cl1])).answer!.bits, 24);
  assert.ok(field.tags().includes(tag));
  const cl2 = [...tag.uid.subarray(3), tag.uid[3] ^ tag.uid[4] ^ tag.uid[5] ^ tag.uid[6]];
  assert.is(send(field, std([0x95, 0x70, ...cl2])).answer!.bits, 16);
  assert.not.ok(field.tags().includes(tag));

  const t2 = new Ntag213();
  const f2 = fieldWith(t2);
  pullAwayAfterBytes(f2, t2, 0);
  assert.is(send(f2, reqa()).answer, null);
  assert.is(t2.state, 'OFF');
});

test('weak field: ATQA gets through, longer answers carry parity errors; the disposer restores the field', () => {
  const tag = new Ntag213();
  const field = fieldWith(tag);
  const dispose = weakField(field);
  assert.is(field.weakLimit, 2);
  const atqa = send(field, reqa()).answer!;
  assert.not.ok(atqa.parityError);
  const uid = send(field, anticoll(1, new Uint8Array(5), 0)).answer!;
  assert.ok(uid.parityError, '5-byte UID answer is damaged');
  dispose();
  assert.is(field.weakLimit, false);
  assert.not.ok(send(field, anticoll(1, new Uint8Array(5), 0)).answer!.parityError);
});

test('hooks compose and can replace an answer outright', () => {
  const tag = new Iso14443aTag({ uid: [1, 2, 3, 4] });
  const field = fieldWith(tag);
  const seen: number[] = [];
  const d1 = tag.addFault((frame, _ctx, next) => {
    seen.push(frame.bits);
    return next();
  });
  const d2 = field.addFault(() => ({ answer: { bytes: Uint8Array.of(0xff, 0xff), bits: 16 }, collisionBit: 3, delayUs: 1 }));
  const ex = send(field, reqa());
  assert.is(ex.collisionBit, 3);
  assert.equal(seen, [], 'the field hook did not call next(): the tags never heard the frame');
  d2();
  send(field, reqa());
  assert.equal(seen, [7]);
  d1();
});

test.run();
