// hal/hex.ts, the one hex helper of the tree, against Node's Buffer as the oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { fromHex, hexByte, hexBytes, hexH, hexLiteral, parseHex, toHex, toHexUpper } from '../../hal/hex.js';

test('toHex and fromHex agree with Buffer and invert each other', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
      const h = Buffer.from(b).toString('hex');
      assert.is(toHex(b), h);
      assert.is(toHexUpper(b), h.toUpperCase());
      assert.equal(fromHex(h), b);
      assert.equal(fromHex(h.toUpperCase()), b);
    }),
  );
});

test('fromHex refuses odd lengths, separators and non-hex; parseHex allows white space', () => {
  for (const bad of ['0', 'abc', '0g', '04 e1', ' 04', '0x04']) assert.is(fromHex(bad), undefined, bad);
  assert.equal(parseHex(' 04 E1\n41 '), Uint8Array.of(0x04, 0xe1, 0x41));
  assert.is(parseHex('04 E'), undefined);
  assert.throws(() => hexLiteral('04 zz'), /not hex byte pairs/);
});

test('the notation for people: upper case, separators, truncation, "h" suffix', () => {
  assert.is(toHex([4, 0xe1, 0x41], ' '), '04 e1 41');
  assert.is(toHexUpper(Uint8Array.of(4, 0xe1), ':'), '04:E1');
  assert.is(hexByte(0x0a), '0A');
  assert.is(hexH(0x2a), '2Ah');
  assert.is(hexBytes(Uint8Array.of(1, 2, 3), 2), '01 02 …');
  assert.is(hexBytes(Uint8Array.of(1, 2)), '01 02');
});

test.run();
