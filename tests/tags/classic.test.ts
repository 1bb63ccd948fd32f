// MIFARE Classic 1K: framing with a scripted Pcd, access bits and value blocks, and the behavioural card of sim/tags.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { MifareClassic1K } from '../../firmware/tags/classic.js';
import {
  decodeAccessBits, decodeValueBlock, defaultKey, encodeAccessBits, encodeValueBlock, sectorTrailer, TRANSPORT_ACCESS,
  type AccessConditions,
} from '../../firmware/tags/classic-blocks.js';
import { isFinding } from '../../firmware/tags/findings.js';
import { HalError } from '../../hal/errors.js';
import { RfField } from '../../sim/rf/field.js';
import { MifareClassic1K as SimClassic, encodeAccessBits as simEncodeAccessBits } from '../../sim/tags/index.js';
import { Iso14443aReader } from '../../hal/iso14443a/reader.js';
import { DirectPcd } from '../helpers/direct-pcd.js';
import { ScriptPcd, ack, activation, data, nak, sequence, silence } from './script-pcd.js';

function ok<T>(r: { ok: true; value: T } | { ok: false; message?: string; finding?: { code: string; message: string } }): T {
  if (!r.ok) throw new Error(r.finding ? r.finding.code + ': ' + r.finding.message : String(r.message));
  return r.value;
}

const KEY_B = Uint8Array.of(0xb0, 0xb1, 0xb2, 0xb3, 0xb4, 0xb5);

test('authentication uses the 4-byte UID as is and the last four bytes of a 7-byte UID', async () => {
  const pcd = new ScriptPcd(sequence([]));
  ok(await new MifareClassic1K(pcd, activation([1, 2, 3, 4], 0x08)).authenticate(7, 'B', KEY_B));
  ok(await new MifareClassic1K(pcd, activation([4, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66], 0x08)).authenticate(0, 'A', defaultKey()));
  assert.equal(pcd.auths, [
    { keyType: 'B', block: 7, key: [...KEY_B], uid: [1, 2, 3, 4] },
    { keyType: 'A', block: 0, key: [0xff, 0xff, 0xff, 0xff, 0xff, 0xff], uid: [0x33, 0x44, 0x55, 0x66] },
  ]);
  pcd.authResult = { ok: false, reason: 'auth', message: 'wrong key' };
  const bad = await new MifareClassic1K(pcd, activation([1, 2, 3, 4])).authenticate(4, 'A', defaultKey());
  assert.ok(!bad.ok && bad.reason === 'auth');
});

test('READ 30h and the two-phase WRITE A0h: frames, CRC flags, ACK per phase, NAK codes', async () => {
  const block = Uint8Array.from({ length: 16 }, (_, i) => i);
  const pcd = new ScriptPcd(sequence([data(block), ack(), ack(), nak(0x4), ack(), nak(0x5)]));
  const card = new MifareClassic1K(pcd, activation([1, 2, 3, 4], 0x08));
  assert.equal([...ok(await card.readBlock(4))], [...block]);
  ok(await card.writeBlock(5, block));
  assert.equal(pcd.frames(), [[0x30, 4], [0xa0, 5], [...block]]);
  assert.equal(pcd.calls.map((c) => [c.options.txCrc, c.options.rxCrc]), [[true, true], [true, false], [true, false]]);
  const refused = await card.writeBlock(6, block);
  assert.ok(!refused.ok && !isFinding(refused) && refused.reason === 'nak' && refused.nak === 4 && refused.message.includes('WRITE block 6 (command)'));
  const second = await card.writeBlock(6, block);
  assert.ok(!second.ok && !isFinding(second) && second.nak === 5 && second.message.includes('(data)'));
});

test('a trailer with malformed access bits is refused before anything is sent', async () => {
  const pcd = new ScriptPcd(sequence([]));
  const card = new MifareClassic1K(pcd, activation([1, 2, 3, 4], 0x08));
  const t = sectorTrailer(defaultKey(), TRANSPORT_ACCESS, defaultKey());
  t[7] ^= 0x01; // one inverted bit no longer matches
  const r = await card.writeBlock(7, t);
  assert.ok(isFinding(r) && r.finding.code === 'CLASSIC_ACCESS_BITS' && r.finding.offset === 7);
  assert.is(pcd.calls.length, 0);
  // the same bytes in a data block are just data
  pcd.handler = sequence([ack(), ack()]);
  ok(await card.writeBlock(6, t));
});

test('value commands: INC/DEC/RESTORE are ACKed then silent; a NAK after the operand fails; TRANSFER ACKs', async () => {
  const pcd = new ScriptPcd(sequence([ack(), silence(), ack(), silence(), ack(), silence(), ack(), ack(), nak(0x4)]));
  const card = new MifareClassic1K(pcd, activation([1, 2, 3, 4], 0x08));
  ok(await card.increment(8, 0x01020304));
  ok(await card.decrement(8, 5));
  ok(await card.restore(8));
  ok(await card.transfer(9));
  assert.equal(pcd.frames(), [[0xc1, 8], [4, 3, 2, 1], [0xc0, 8], [5, 0, 0, 0], [0xc2, 8], [0, 0, 0, 0], [0xb0, 9]]);
  const r = await card.increment(8, 1);
  assert.ok(!r.ok && r.reason === 'nak' && r.message.includes('INCREMENT block 8 (operand)'));
  let thrown: unknown;
  try {
    await card.increment(8, -1);
  } catch (e) {
    thrown = e;
  }
  assert.ok(thrown instanceof HalError && thrown.code === 'BAD_ARGUMENT');
});

test('access bits: transport FF 07 80, all 4096 combinations round-trip and match the simulator encoder', () => {
  assert.equal([...encodeAccessBits(TRANSPORT_ACCESS)], [0xff, 0x07, 0x80]);
  assert.equal(ok(decodeAccessBits(Uint8Array.of(0xff, 0x07, 0x80))), [0, 0, 0, 1]);
  for (let n = 0; n < 4096; n++) {
    const c: AccessConditions = [n & 7, (n >> 3) & 7, (n >> 6) & 7, (n >> 9) & 7];
    const b = encodeAccessBits(c);
    assert.equal([...b], [...simEncodeAccessBits(c)]);
    assert.equal(ok(decodeAccessBits(b)), c);
  }
});

test('access bits: any single flipped bit is caught (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 7 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: 0, max: 23 }), (c, bit) => {
      const b = encodeAccessBits(c as AccessConditions);
      b[bit >> 3] ^= 1 << (bit & 7);
      const r = decodeAccessBits(b);
      assert.ok(!r.ok && r.finding.code === 'CLASSIC_ACCESS_BITS');
    }),
    { numRuns: 2000 },
  );
});

test('value blocks: format and decoding, negative values, damaged copies', () => {
  const v = encodeValueBlock(-2, 9);
  assert.equal([...v], [0xfe, 0xff, 0xff, 0xff, 1, 0, 0, 0, 0xfe, 0xff, 0xff, 0xff, 9, 0xf6, 9, 0xf6]);
  assert.equal(ok(decodeValueBlock(v)), { value: -2, address: 9 });
  fc.assert(
    fc.property(fc.integer({ min: -0x80000000, max: 0x7fffffff }), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 15 }), (value, adr, i) => {
      const b = encodeValueBlock(value, adr);
      assert.equal(ok(decodeValueBlock(b)), { value, address: adr });
      b[i] ^= 0x10;
      const r = decodeValueBlock(b);
      assert.ok(!r.ok && r.finding.code === 'CLASSIC_VALUE_FORMAT');
    }),
    { numRuns: 2000 },
  );
});

async function simCard(options: ConstructorParameters<typeof SimClassic>[0] = {}) {
  const sim = new SimClassic(options);
  const field = new RfField({ on: true });
  field.place(sim);
  const pcd = new DirectPcd(field);
  const reader = new Iso14443aReader(pcd);
  const act = ok(await reader.activate());
  return { sim, pcd, reader, act, card: new MifareClassic1K(reader, act) };
}

test('simulated card: activation, authenticate, read, write, and a wrong key gives auth', async () => {
  const { sim, reader, act, card, pcd } = await simCard({ uid: [0xde, 0xad, 0xbe, 0xef] });
  assert.is(act.sak, 0x08);
  ok(await card.authenticate(4, 'A', defaultKey()));
  assert.equal([...ok(await card.readBlock(4))], [...sim.block(4)]);
  const data16 = Uint8Array.from({ length: 16 }, (_, i) => 0xa0 + i);
  ok(await card.writeBlock(5, data16));
  assert.equal([...sim.block(5)], [...data16]);
  const trailer = ok(await card.readBlock(7));
  assert.equal([...trailer.subarray(0, 10)], [0, 0, 0, 0, 0, 0, 0xff, 0x07, 0x80, 0x69]); // key A never readable
  const outside = await card.readBlock(8); // another sector
  assert.ok(!outside.ok && outside.reason === 'nak');
  card.stop();
  ok(await reader.select(act.uid));
  const wrong = await card.authenticate(4, 'A', KEY_B);
  assert.ok(!wrong.ok && wrong.reason === 'auth');
  assert.is(pcd.crypto1, false);
});

test('simulated card: value block format, increment, decrement, restore and transfer', async () => {
  const { sim, card } = await simCard();
  ok(await card.authenticate(8, 'A', defaultKey()));
  ok(await card.writeValue(8, 100));
  assert.equal(ok(await card.readValue(8)), { value: 100, address: 8 });
  ok(await card.increment(8, 5));
  ok(await card.transfer(8));
  assert.is(ok(decodeValueBlock(sim.block(8))).value, 105);
  ok(await card.decrement(8, 110));
  ok(await card.transfer(8));
  assert.is(ok(await card.readValue(8)).value, -5);
  ok(await card.restore(8));
  ok(await card.transfer(9));
  assert.is(ok(decodeValueBlock(sim.block(9))).value, -5);
  const notValue = await card.readValue(10);
  assert.ok(isFinding(notValue) && notValue.finding.code === 'CLASSIC_VALUE_FORMAT');
});

test('simulated card: a new trailer takes effect; a malformed one never reaches the card', async () => {
  const { sim, reader, act, card, pcd } = await simCard();
  ok(await card.authenticate(12, 'A', defaultKey()));
  const newA = Uint8Array.of(1, 2, 3, 4, 5, 6);
  // blocks: read/write with A|B (000), value block 110 for block 2; trailer 011 (keys written with key B)
  ok(await card.writeBlock(15, sectorTrailer(newA, [0, 0, 6, 3], KEY_B)));
  assert.equal([...sim.block(15).subarray(0, 6)], [...newA]);
  const bad = sectorTrailer(newA, [0, 0, 0, 1], KEY_B);
  bad[8] = 0x00;
  const sent = pcd.log.length;
  const r = await card.writeBlock(15, bad);
  assert.ok(isFinding(r) && r.finding.code === 'CLASSIC_ACCESS_BITS');
  assert.is(pcd.log.length, sent);
  card.stop();
  await reader.resetField();
  ok(await reader.select(act.uid));
  ok(await card.authenticate(12, 'B', KEY_B));
  ok(await card.readBlock(12));
});

test.run();
