import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Iso14443aTag } from '../../../sim/tags/picc.js';
import { getBit, setBit } from '../../../sim/tags/frames.js';
import type { RfField } from '../../../sim/rf/field.js';
import { anticoll, fieldWith, hexOf, hlta, reqa, select, send } from './helpers.js';

/**
 * A straightforward bitwise anticollision (ISO/IEC 14443-3 6.5.3, reference §4.4): at each cascade level, send the
 * known bits, keep the bits before a collision and choose 1 there, until the level is complete; SELECT; go on while
 * the SAK has the cascade bit. Returns the UID of the one tag it selected, or null when nothing answered REQA.
 */
function selectOne(field: RfField): Uint8Array | null {
  if (!send(field, reqa()).answer) return null;
  const uid: number[] = [];
  for (let level = 1; level <= 3; level++) {
    const known = new Uint8Array(5);
    let k = 0;
    for (let guard = 0; k < 40; guard++) {
      assert.ok(guard < 41, 'anticollision must converge');
      const ex = send(field, anticoll(level, known, k));
      assert.ok(ex.answer, `someone answers at level ${level} with ${k} bits`);
      const take = ex.collisionBit >= 0 ? ex.collisionBit : ex.answer!.bits;
      for (let i = 0; i < take; i++) setBit(known, k + i, getBit(ex.answer!.bytes, i));
      k += take;
      if (ex.collisionBit >= 0) {
        assert.ok(k < 32, 'never a collision inside the BCC');
        setBit(known, k, 1);
        k += 1;
      }
    }
    assert.is(known[0] ^ known[1] ^ known[2] ^ known[3], known[4], 'BCC');
    const sak = send(field, select(level, known)).answer!.bytes[0];
    const cascade = (sak & 0x04) !== 0;
    uid.push(...(cascade ? known.subarray(1, 4) : known.subarray(0, 4)));
    if (!cascade) break;
  }
  send(field, hlta());
  return Uint8Array.from(uid);
}

/** Random UIDs of 4, 7 or 10 bytes; the first byte of the last level is never the cascade tag 88h (ISO rule). */
const uidArb = fc.oneof(fc.constant(4), fc.constant(7), fc.constant(10)).chain((n) =>
  fc.uint8Array({ minLength: n, maxLength: n }).filter((u) => u[n - 4] !== 0x88),
);

test('property: the bitwise anticollision loop finds every UID exactly once', () => {
  fc.assert(
    fc.property(fc.uniqueArray(uidArb, { minLength: 1, maxLength: 8, selector: (u) => hexOf(u) }), (uids) => {
      const tags = uids.map((u) => new Iso14443aTag({ uid: u }));
      const field = fieldWith(...tags);
      const found: string[] = [];
      for (let round = 0; round <= uids.length; round++) {
        const uid = selectOne(field);
        if (!uid) break;
        found.push(hexOf(uid));
      }
      assert.equal(found.slice().sort(), uids.map((u) => hexOf(u)).sort());
      assert.ok(tags.every((t) => t.state === 'HALT'));
    }),
    { numRuns: 200 },
  );
});

test('property: UIDs forced to share long prefixes still separate', () => {
  const prefix = [0x04, 0xaa, 0xbb, 0xcc, 0xdd, 0xee];
  fc.assert(
    fc.property(fc.uniqueArray(fc.integer({ min: 0, max: 255 }), { minLength: 2, maxLength: 6 }), (lastBytes) => {
      const uids = lastBytes.map((b) => Uint8Array.from([...prefix, b]));
      const field = fieldWith(...uids.map((u) => new Iso14443aTag({ uid: u })));
      const found: string[] = [];
      for (let round = 0; round < uids.length + 1; round++) {
        const uid = selectOne(field);
        if (!uid) break;
        found.push(hexOf(uid));
      }
      assert.equal(found.sort(), uids.map((u) => hexOf(u)).sort());
    }),
    { numRuns: 100 },
  );
});

test.run();
