import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { MifareClassic1K } from '../../../sim/tags/classic1k.js';
import { valueBlock } from '../../../sim/tags/classic-value.js';
import { decodeAccessBits, encodeAccessBits } from '../../../sim/tags/classic-access.js';
import type { RfField } from '../../../sim/rf/field.js';
import { activate, cmd, fieldWith, hlta, nibble, reqa, send, silent, std, wupa } from './helpers.js';

const ACK = 0xa;
const UID = Uint8Array.of(0x59, 0xe5, 0x97, 0x1a);
const FF6 = Uint8Array.from(new Array(6).fill(0xff));
const KEY_B = Uint8Array.of(0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5);

/** Sector 1 with key A = FF…, key B = B0…B5, access conditions per block. */
function trailer(conditions: number[]): number[] {
  return [...FF6, ...encodeAccessBits(conditions), 0x69, ...KEY_B];
}

function session(tag: MifareClassic1K, keyType: 0x60 | 0x61, block: number, key: Uint8Array): RfField {
  const field = fieldWith(tag);
  activate(field, tag.uid);
  assert.is(field.authenticate(keyType, block, key, tag.uid), 'ok');
  return field;
}

/** Encrypted command helpers (the chip would have MFCrypto1On set). */
const ecmd = (f: RfField, b: number[]): number[] => cmd(f, b, true);
const enib = (f: RfField, b: number[]): number | null => nibble(f, b, true);

test('identification: ATQA 04 00, SAK 08h, manufacturer block with UID, BCC, SAK, ATQA; transport trailers', () => {
  const tag = new MifareClassic1K({ uid: UID });
  const field = fieldWith(tag);
  assert.equal([...send(field, reqa()).answer!.bytes], [0x04, 0x00]);
  send(field, wupa());
  assert.equal(activate(field, UID), [0x08]);
  assert.equal([...tag.block(0).subarray(0, 8)], [0x59, 0xe5, 0x97, 0x1a, 0x31, 0x08, 0x04, 0x00], 'RPI README dump');
  assert.equal([...tag.block(7)], [...FF6, 0xff, 0x07, 0x80, 0x69, ...FF6]);
  assert.equal(decodeAccessBits(0xff, 0x07, 0x80), [0, 0, 0, 1]);
  assert.equal([...encodeAccessBits([0, 0, 0, 1])], [0xff, 0x07, 0x80]);
});

test('auth ok opens an encrypted session; READ of a data block and of the trailer (key A hidden)', () => {
  const tag = new MifareClassic1K({ uid: UID, blocks: { 4: new Array(16).fill(0x42) } });
  const field = session(tag, 0x60, 4, FF6);
  assert.equal(tag.authenticatedSector, { sector: 1, key: 'A' });
  assert.equal(ecmd(field, [0x30, 0x04]), new Array(16).fill(0x42));
  assert.equal(ecmd(field, [0x30, 0x07]), [0, 0, 0, 0, 0, 0, 0xff, 0x07, 0x80, 0x69, ...FF6], 'transport: key B readable by A');
});

test('wrong key: rejected, tag IDLE and silent; wrong UID bytes also fail', () => {
  const tag = new MifareClassic1K({ uid: UID });
  const field = fieldWith(tag);
  activate(field, UID);
  assert.is(field.authenticate(0x60, 4, Uint8Array.of(1, 2, 3, 4, 5, 6), UID), 'rejected');
  assert.is(tag.state, 'IDLE');
  assert.is(tag.authenticatedSector, null);
  assert.is(field.authenticate(0x60, 4, FF6, UID), 'no-answer', 'not ACTIVE any more');
  activate(field, UID);
  assert.is(field.authenticate(0x60, 4, FF6, Uint8Array.of(1, 2, 3, 4)), 'rejected');
});

test('crypto context: plaintext during a session and ciphertext outside one are noise (silent, IDLE)', () => {
  const tag = new MifareClassic1K({ uid: UID });
  const field = session(tag, 0x60, 4, FF6);
  assert.ok(silent(field, std([0x30, 0x04]), false));
  assert.is(tag.state, 'IDLE');
  assert.is(tag.authenticatedSector, null);
  activate(field, UID);
  assert.ok(silent(field, std([0x30, 0x04]), true));
  assert.is(tag.state, 'IDLE');
  activate(field, UID);
  assert.is(nibble(field, [0x30, 0x04]), 0x4, 'plaintext READ without authentication: NAK');
});

test('HLTA is accepted encrypted and ends the session; plaintext HLTA during a session is noise', () => {
  const tag = new MifareClassic1K({ uid: UID });
  const field = session(tag, 0x60, 4, FF6);
  assert.ok(silent(field, hlta(), true));
  assert.is(tag.state, 'HALT');
  assert.is(tag.authenticatedSector, null);
  activate(field, UID, true);
  assert.is(field.authenticate(0x60, 4, FF6, UID), 'ok');
  send(field, hlta(), false);
  assert.is(tag.state, 'HALT', 'woken from HALT: the noise sends it back to HALT, not via HLTA');
  assert.ok(silent(field, reqa()));
});

test('access outside the authenticated sector: NAK 4h and IDLE; re-authentication moves the session', () => {
  const tag = new MifareClassic1K({ uid: UID });
  const field = session(tag, 0x60, 4, FF6);
  assert.is(enib(field, [0x30, 0x08]), 0x4);
  assert.is(tag.state, 'IDLE');
  activate(field, UID);
  assert.is(field.authenticate(0x60, 4, FF6, UID), 'ok');
  assert.is(field.authenticate(0x61, 9, FF6, UID), 'ok', 'nested authentication to sector 2');
  assert.equal(tag.authenticatedSector, { sector: 2, key: 'B' });
});

test('key B readable in the trailer: authentication completes but every access is refused (MF1S50 §8.7.3)', () => {
  const tag = new MifareClassic1K({ uid: UID });
  const field = session(tag, 0x61, 4, FF6);
  assert.is(enib(field, [0x30, 0x04]), 0x4);
});

test('WRITE two-phase with ACKs and an EEPROM delay; block 0 is read-only', () => {
  const tag = new MifareClassic1K({ uid: UID });
  const field = session(tag, 0x60, 5, FF6);
  assert.is(enib(field, [0xa0, 0x05]), ACK);
  const data = Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  const ex = send(field, std(data), true);
  assert.is(ex.answer!.bits, 4);
  assert.is(ex.answer!.bytes[0], ACK);
  assert.ok(ex.delayUs > 3000);
  assert.equal([...tag.block(5)], data);
  const f0 = session(new MifareClassic1K({ uid: UID }), 0x60, 0, FF6);
  assert.is(enib(f0, [0xa0, 0x00]), 0x4);
});

test('data block access conditions: 100 = read A|B, write B only; 011 = key B only', () => {
  const tag = new MifareClassic1K({ uid: UID, blocks: { 7: trailer([0b100, 0b011, 0b111, 0b011]) } });
  let field = session(tag, 0x60, 4, FF6);
  assert.is(ecmd(field, [0x30, 0x04]).length, 16);
  assert.is(enib(field, [0xa0, 0x04]), 0x4, 'key A may not write');
  field = session(tag, 0x60, 4, FF6);
  assert.is(enib(field, [0x30, 0x05]), 0x4, 'block 5 needs key B');
  field = session(tag, 0x61, 4, KEY_B);
  assert.is(enib(field, [0xa0, 0x04]), ACK);
  send(field, std(new Array(16).fill(7)), true);
  assert.is(ecmd(field, [0x30, 0x05]).length, 16);
  assert.is(enib(field, [0x30, 0x06]), 0x4, '111: nobody reads');
});

test('trailer: key B hidden when not readable; writes change only permitted parts', () => {
  const tag = new MifareClassic1K({ uid: UID, blocks: { 7: trailer([0, 0, 0, 0b011]) } });
  let field = session(tag, 0x60, 7, FF6);
  const access = [...encodeAccessBits([0, 0, 0, 0b011]), 0x69];
  assert.equal(ecmd(field, [0x30, 0x07]), [0, 0, 0, 0, 0, 0, ...access, 0, 0, 0, 0, 0, 0], '011: key B not readable');
  assert.is(enib(field, [0xa0, 0x07]), 0x4, '011: key A may write nothing in the trailer');
  field = session(tag, 0x61, 7, KEY_B);
  assert.is(enib(field, [0xa0, 0x07]), ACK);
  const newKeyA = [1, 2, 3, 4, 5, 6];
  send(field, std([...newKeyA, ...access, 9, 9, 9, 9, 9, 9]), true);
  assert.equal([...tag.block(7)], [...newKeyA, ...access, 9, 9, 9, 9, 9, 9]);
  const f2 = fieldWith(tag);
  activate(f2, UID);
  assert.is(f2.authenticate(0x60, 4, FF6, UID), 'rejected', 'the old key A no longer works');
});

test('value blocks: DECREMENT/INCREMENT/RESTORE into the transfer buffer (no answer to part 2), TRANSFER writes it', () => {
  const tag = new MifareClassic1K({ uid: UID, blocks: { 4: valueBlock(100, 4), 5: valueBlock(0, 5) } });
  const field = session(tag, 0x60, 4, FF6);
  assert.is(enib(field, [0xc0, 0x04]), ACK);
  assert.ok(silent(field, std([30, 0, 0, 0]), true), 'part 2 is not acknowledged');
  assert.is(enib(field, [0xb0, 0x04]), ACK);
  assert.equal([...tag.block(4)], [...valueBlock(70, 4)]);
  assert.is(enib(field, [0xc1, 0x04]), ACK);
  send(field, std([5, 0, 0, 0]), true);
  assert.is(enib(field, [0xb0, 0x05]), ACK);
  assert.equal([...tag.block(5)], [...valueBlock(75, 4)], 'transfer keeps the source address byte');
  assert.is(enib(field, [0xc2, 0x05]), ACK);
  send(field, std([0, 0, 0, 0]), true);
  assert.is(enib(field, [0xb0, 0x06]), ACK);
  assert.equal([...tag.block(6)], [...valueBlock(75, 4)]);
});

test('value operations NAK on a block that is not a value block; with a valid transfer buffer the NAK is 0h', () => {
  const tag = new MifareClassic1K({ uid: UID, blocks: { 4: valueBlock(1, 4) } });
  const field = session(tag, 0x60, 4, FF6);
  assert.is(enib(field, [0xc1, 0x05]), 0x4);
  activate(field, UID);
  field.authenticate(0x60, 4, FF6, UID);
  enib(field, [0xc2, 0x04]);
  send(field, std([0, 0, 0, 0]), true);
  assert.is(enib(field, [0xc1, 0x05]), 0x0);
});

test('value conditions: 110 lets key A decrement but not increment; 001 read + decrement only', () => {
  const tag = new MifareClassic1K({
    uid: UID,
    blocks: { 4: valueBlock(10, 4), 5: valueBlock(10, 5), 7: trailer([0b110, 0b001, 0, 0b011]) },
  });
  let field = session(tag, 0x60, 4, FF6);
  assert.is(enib(field, [0xc1, 0x04]), 0x4);
  field = session(tag, 0x60, 4, FF6);
  assert.is(enib(field, [0xc0, 0x04]), ACK);
  field = session(tag, 0x61, 4, KEY_B);
  assert.is(enib(field, [0xc1, 0x04]), ACK);
  send(field, std([1, 0, 0, 0]), true);
  assert.is(enib(field, [0xb0, 0x05]), ACK, '001: transfer shares the decrement column (A|B)');
  assert.equal([...tag.block(5)], [...valueBlock(11, 4)]);
  assert.is(enib(field, [0xa0, 0x05]), 0x0, '001: no plain write (NAK 0h: transfer buffer valid)');
});

test.run();
