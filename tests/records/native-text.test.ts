// hal/text.ts's native path (on Espruino, E.toUint8Array and E.toString, installed by the board): text encoded into
// CBOR and bytes decoded as UTF-8 come out exactly as without it, for any string and any bytes; the native path takes
// only short ASCII and leaves the rest to the loops. cbor-x is the oracle for the encoding.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { encode as cborX } from 'cbor-x';
import { encodeCbor } from '../../firmware/records/cbor.js';
import { decodeUtf8 } from '../../firmware/records/utf8.js';
import { asciiBytes, asciiText, useLatin1, type Latin1 } from '../../hal/text.js';

// Two models of the interpreter: an 8-bit build (one byte a character up to FFh) and a Unicode build (UTF-8 bytes).
const eightBit: Latin1 = {
  toBytes: (s) => new Uint8Array([...s].flatMap((c) => (c.charCodeAt(0) <= 0xff ? [c.charCodeAt(0)] : [...Buffer.from(c, 'utf8')]))),
  toText: (b) => Buffer.from(b).toString('latin1'),
};
const unicode: Latin1 = { toBytes: (s) => new Uint8Array(Buffer.from(s, 'utf8')), toText: (b) => Buffer.from(b).toString('latin1') };
let calls = 0;
const counted = (l: Latin1): Latin1 => ({ toBytes: (s) => (calls++, l.toBytes(s)), toText: (b) => (calls++, l.toText(b)) });

const strings = fc.oneof(fc.string({ maxLength: 80 }), fc.string({ unit: 'binary', maxLength: 80 }), fc.string({ unit: fc.constantFrom('a', 'é', 'Ā', '€', '😀', '-'), maxLength: 70 }));

function outcome(f: () => unknown): string {
  try {
    return 'ok ' + JSON.stringify(f(), (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v));
  } catch (e) {
    return 'error ' + (e as Error).message;
  }
}

test('property: CBOR text is the same bytes with either native model as without one, and what cbor-x writes', () => {
  fc.assert(
    fc.property(strings, (s) => {
      useLatin1(undefined);
      const plain = outcome(() => encodeCbor(s));
      for (const l of [eightBit, unicode]) {
        useLatin1(l);
        assert.is(outcome(() => encodeCbor(s)), plain, JSON.stringify(s));
      }
      useLatin1(undefined);
      if (plain.startsWith('ok')) assert.is(plain, 'ok ' + JSON.stringify(Buffer.from(cborX(s)).toString('hex')));
    }),
    { numRuns: 2000 },
  );
});

test('property: decodeUtf8 gives the same text, or the same error, with either native model as without one', () => {
  fc.assert(
    fc.property(fc.oneof(fc.uint8Array({ maxLength: 90 }), fc.uint8Array({ max: 0x7f, maxLength: 90 }), fc.string({ maxLength: 40 }).map((s) => new Uint8Array(Buffer.from(s, 'utf8')))), fc.nat(5), (b, cut) => {
      const start = Math.min(cut, b.length);
      useLatin1(undefined);
      const plain = outcome(() => decodeUtf8(b, start, b.length));
      for (const l of [eightBit, unicode]) {
        useLatin1(l);
        assert.is(outcome(() => decodeUtf8(b, start, b.length)), plain);
      }
      useLatin1(undefined);
    }),
    { numRuns: 2000 },
  );
});

test('the native path takes ASCII of 1 to 64 characters only, and nothing when no conversion is installed', () => {
  useLatin1(undefined);
  assert.is(asciiBytes('abc'), undefined);
  assert.is(asciiText(new Uint8Array([0x61])), undefined);
  useLatin1(counted(eightBit));
  try {
    calls = 0;
    assert.equal([...asciiBytes('seal-unchecked')!], [...Buffer.from('seal-unchecked')]);
    assert.is(asciiBytes('x'.repeat(64))!.length, 64);
    assert.is(calls, 2);
    assert.is(asciiBytes('x'.repeat(65)), undefined);
    assert.is(asciiBytes(''), undefined);
    assert.is(asciiBytes('café'), undefined);
    assert.is(asciiBytes('Ā'), undefined);
    assert.is(asciiText(Buffer.from('https://id.gs1.org/01/09506000134352')), 'https://id.gs1.org/01/09506000134352');
    assert.is(asciiText(new Uint8Array([0x61, 0xc3, 0xa9])), undefined);
    assert.is(asciiText(new Uint8Array(65).fill(0x61)), undefined);
    // A range: its own length counts, not the array's.
    assert.is(asciiText(new Uint8Array(100).fill(0x61), 10, 74), 'a'.repeat(64));
    assert.is(asciiText(new Uint8Array(100).fill(0x61), 10, 75), undefined);
    assert.is(asciiText(Buffer.from('xxabcxx'), 2, 5), 'abc');
  } finally {
    useLatin1(undefined);
  }
});

test.run();
