// ISO/IEC 14443-3A activation through the real driver and the register-level chip: cascade levels 1-3, collision
// resolution with several tags, inventory, halt, and recovery after every kind of fault.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { world, hex, bytes } from '../../sim/sweeps/world.js';
import { Iso14443aTag, Ntag213, MifareClassic1K } from '../../sim/tags/index.js';
import { dropAnswers, corruptAnswers, pullAwayAfterBytes, weakField } from '../../sim/faults.js';
import type { Iso14443aReader } from '../../hal/iso14443a/reader.js';

const READ = (page: number) => Uint8Array.of(0x30, page);
const CRC = { txCrc: true, rxCrc: true };

function readPages(reader: Iso14443aReader, first: number, count: number): number[] {
  const out: number[] = [];
  for (let p = first; p < first + count; p += 4) {
    const r = reader.transceive(READ(p), CRC);
    if (!r.ok) throw new Error(`READ ${p}: ${r.message}`);
    out.push(...r.value.bytes.slice(0, Math.min(16, (first + count - p) * 4)));
  }
  return out;
}

test('activate: 4-, 7- and 10-byte UIDs over one, two and three cascade levels', async () => {
  for (const uid of ['11223344', '04E141124C2880', '0102030405060708090A']) {
    const tag = new Iso14443aTag({ uid: bytes(uid), sak: 0x20 });
    const w = await world([tag]);
    const a = await w.reader.activate();
    assert.ok(a.ok, a.ok ? '' : a.message);
    if (!a.ok) continue;
    assert.is(hex(a.value.uid), uid.toLowerCase());
    assert.is(a.value.sak, 0x20);
    assert.is(tag.state, 'ACTIVE');
  }
});

test('three NTAGs whose UIDs share their first bytes: all found, selected and read', async () => {
  const uids = ['04A1B2C3D4E5F6', '04A1B2C3D4E507', '04A1B2C3112233'];
  const tags = uids.map((u, i) => new Ntag213({ uid: bytes(u), userData: [0x03, 0x03, 0xd0, 0x00, 0x00 + i, 0xfe] }));
  const w = await world(tags);
  const read: { [uid: string]: number[] } = {};
  const inv = await w.reader.inventory({
    onTag: (a) => {
      // GET_VERSION first, as the Type 2 layer does: other tags still READY from the shared anticollision prefix
      // drop to IDLE on it, instead of taking READ 00h as their shortcut to ACTIVE and answering too.
      const v = w.reader.transceive(Uint8Array.of(0x60), CRC);
      assert.ok(v.ok, v.ok ? '' : v.message);
      read[hex(a.uid)] = readPages(w.reader, 0, 45);
    },
  });
  assert.ok(inv.ok, inv.ok ? '' : inv.message);
  if (!inv.ok) return;
  assert.equal(inv.value.map((a) => hex(a.uid)).sort(), uids.map((u) => u.toLowerCase()).sort());
  for (const tag of tags) {
    const expected = Array.from(tag.dump());
    // PWD and PACK read back as zeros (NTAG21x data sheet 8.8.3).
    expected.fill(0, 43 * 4, 45 * 4);
    assert.equal(read[hex(tag.uid)], expected, `memory of ${hex(tag.uid)}`);
    assert.is(tag.state, 'HALT');
  }
});

test('10-byte UIDs sharing CL1 and CL2 are told apart at cascade level 3', async () => {
  const uids = ['0102030405060708090A', '0102030405060708090B', '01020304050611223344'];
  const w = await world(uids.map((u) => new Iso14443aTag({ uid: bytes(u) })));
  const inv = await w.reader.inventory();
  assert.ok(inv.ok, inv.ok ? '' : inv.message);
  if (inv.ok) assert.equal(inv.value.map((a) => hex(a.uid)).sort(), uids.map((u) => u.toLowerCase()).sort());
});

test('select(uid) wakes a halted tag and selects exactly it', async () => {
  const a = new Ntag213({ uid: bytes('04000000000001') });
  const b = new Ntag213({ uid: bytes('04000000000002') });
  const w = await world([a, b]);
  const inv = await w.reader.inventory();
  assert.ok(inv.ok && inv.value.length === 2);
  const s = await w.reader.select(b.uid);
  assert.ok(s.ok, s.ok ? '' : s.message);
  assert.is(b.state, 'ACTIVE*');
  const page0 = await w.reader.transceive(Uint8Array.of(0x60), CRC); // GET_VERSION: a fresh command for READY tags
  assert.ok(page0.ok);
  const p = await readPages(w.reader, 0, 4);
  assert.equal(p.slice(0, 3), [0x04, 0x00, 0x00]);
  assert.equal(p.slice(4, 8), [0x00, 0x00, 0x00, 0x02]);
  assert.ok((await w.reader.halt()).ok);
  assert.is(b.state, 'HALT');
});

test('inventory of random tag sets finds every UID exactly once (property)', async () => {
  const uidArb = fc.oneof(
    fc.uint8Array({ minLength: 4, maxLength: 4 }).filter((u) => u[0] !== 0x88),
    fc.uint8Array({ minLength: 6, maxLength: 6 }).map((u) => Uint8Array.of(0x04, ...u)),
    fc.uint8Array({ minLength: 10, maxLength: 10 }).filter((u) => u[0] !== 0x88 && u[3] !== 0x88),
  );
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(uidArb, { minLength: 1, maxLength: 5, selector: (u) => hex(u).slice(0, 8) }), async (uids) => {
      const w = await world(uids.map((u) => new Iso14443aTag({ uid: u })));
      const inv = await w.reader.inventory();
      if (!inv.ok) throw new Error(inv.message);
      assert.equal(inv.value.map((a) => hex(a.uid)).sort(), uids.map(hex).sort());
    }),
    { numRuns: 150 },
  );
});

test('no tag: activate times out fast in virtual time', async () => {
  const w = await world();
  const t0 = w.clock.now();
  const a = await w.reader.activate();
  assert.not.ok(a.ok);
  if (!a.ok) assert.is(a.reason, 'timeout');
  const ms = w.clock.now() - t0;
  assert.ok(ms >= 1 && ms < 2, `REQA timeout took ${ms} ms of virtual time; the timer is set to 1 ms`);
  const inv = await w.reader.inventory();
  assert.ok(inv.ok && inv.value.length === 0);
});

async function activeNtag(fault?: (w: Awaited<ReturnType<typeof world>>, tag: Ntag213) => void) {
  const tag = new Ntag213({ uid: bytes('04E141124C2880') });
  const w = await world([tag]);
  const a = await w.reader.activate();
  assert.ok(a.ok, a.ok ? '' : a.message);
  fault?.(w, tag);
  return { w, tag };
}

test('fault: a dropped answer is a timeout; the next read succeeds', async () => {
  const { w, tag } = await activeNtag((w, tag) => dropAnswers(tag, 1));
  const r = await w.reader.transceive(READ(4), CRC);
  assert.not.ok(r.ok);
  if (!r.ok) assert.is(r.reason, 'timeout');
  const again = await w.reader.transceive(READ(4), CRC);
  assert.ok(again.ok, again.ok ? '' : again.message);
  if (again.ok) assert.equal(Array.from(again.value.bytes), Array.from(tag.dump().slice(16, 32)));
});

test('fault: a flipped bit is a CRC error, a bad parity bit a parity error; the next read succeeds', async () => {
  for (const kind of ['flip', 'parity'] as const) {
    const { w, tag } = await activeNtag((w, tag) => corruptAnswers(tag, { kind, count: 1, bit: 13 }));
    const r = await w.reader.transceive(READ(4), CRC);
    assert.not.ok(r.ok);
    if (!r.ok) assert.is(r.reason, kind === 'flip' ? 'crc' : 'parity');
    const again = await w.reader.transceive(READ(4), CRC);
    assert.ok(again.ok, again.ok ? '' : again.message);
    if (again.ok) assert.equal(Array.from(again.value.bytes), Array.from(tag.dump().slice(16, 32)));
  }
});

test('fault: a tag pulled away mid-answer gives a CRC error; tapped again, it reads', async () => {
  const { w, tag } = await activeNtag((w, tag) => pullAwayAfterBytes(w.field, tag, 6));
  const r = await w.reader.transceive(READ(4), CRC);
  assert.not.ok(r.ok);
  if (!r.ok) {
    assert.is(r.reason, 'crc');
    assert.is(r.partial?.bytes.length, 6);
  }
  assert.is(w.field.tags().length, 0, 'the tag left the field');
  const gone = await w.reader.activate();
  assert.ok(!gone.ok && gone.reason === 'timeout');
  w.field.place(tag);
  const a = await w.reader.activate();
  assert.ok(a.ok, a.ok ? '' : a.message);
  const again = await w.reader.transceive(READ(4), CRC);
  assert.ok(again.ok);
});

test('fault: in a weak field the tag is seen but cannot be selected; with a good field it reads', async () => {
  const tag = new Ntag213({ uid: bytes('04E141124C2880') });
  const w = await world([tag]);
  const stop = weakField(w.field);
  const a = await w.reader.activate();
  assert.not.ok(a.ok);
  if (!a.ok) assert.is(a.reason, 'parity');
  stop();
  const inv = await w.reader.inventory();
  assert.ok(inv.ok && inv.value.length === 1, inv.ok ? '' : inv.message);
  const b = await w.reader.select(tag.uid);
  assert.ok(b.ok);
  const again = await w.reader.transceive(READ(0), CRC);
  assert.ok(again.ok);
});

test('a collision outside anticollision is a typed result with the collision position', async () => {
  const t1 = new Ntag213({ uid: bytes('04000000000001') });
  const t2 = new Ntag213({ uid: bytes('04000000000003') });
  const w = await world([t1, t2]);
  // Both tags READY at CL1: the anticollision answers collide in the UID bit where they differ (CL2's first byte
  // differs only at CL2, so at CL1 they agree); make them collide at CL2 instead.
  await w.reader.request(false);
  const cl1 = await w.reader.transceive(Uint8Array.of(0x93, 0x20), { timeoutUs: 1000 });
  assert.ok(cl1.ok, 'CL1 parts agree');
  const sel1 = await w.reader.transceive(Uint8Array.of(0x93, 0x70, 0x88, 0x04, 0x00, 0x00, 0x88 ^ 0x04), CRC);
  assert.ok(sel1.ok && sel1.value.bytes[0] === 0x04);
  const cl2 = await w.reader.transceive(Uint8Array.of(0x95, 0x20), { timeoutUs: 1000 });
  assert.not.ok(cl2.ok);
  if (!cl2.ok) {
    assert.is(cl2.reason, 'collision');
    assert.is(cl2.collisionBit, 25, 'UID byte 6 bit 1 is the 26th bit of UID-CL2');
  }
});

test('MIFARE Classic: authenticate, read a block, wrong key is a typed failure, then a new tap works', async () => {
  const card = new MifareClassic1K({ uid: bytes('59E5971A') });
  const w = await world([card]);
  const a = await w.reader.activate();
  assert.ok(a.ok && a.value.sak === 0x08);
  if (!a.ok) return;
  const key = bytes('FFFFFFFFFFFF');
  const auth = await w.reader.mifareAuthenticate('A', 4, key, a.value.uid);
  assert.ok(auth.ok, auth.ok ? '' : auth.message);
  const block = await w.reader.transceive(READ(4), CRC);
  assert.ok(block.ok);
  if (block.ok) assert.equal(Array.from(block.value.bytes), Array.from(card.block(4)));
  w.reader.stopCrypto1();
  assert.ok((await w.reader.halt()).ok);
  const b = await w.reader.activate({ wakeup: true });
  assert.ok(b.ok);
  const bad = await w.reader.mifareAuthenticate('A', 4, bytes('A0A1A2A3A4A5'), a.value.uid);
  assert.not.ok(bad.ok);
  if (!bad.ok) assert.is(bad.reason, 'auth');
  const c = await w.reader.activate();
  assert.ok(c.ok, 'after a failed authentication the card is IDLE and answers the next REQA');
});

test.run();
