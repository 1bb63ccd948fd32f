// Hostile input: every class of malformed or non-deterministic CBOR refused with its code and offset; random bytes
// and mutations of valid encodings either decode to something that re-encodes to exactly the input or throw CborError.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CborError, CborMap, CborTag, decodeCbor, encodeCbor, type CborValue } from '../../firmware/records/cbor.js';
import { cborValue } from './arbitraries.js';
import { toHex, hexLiteral } from '../../hal/hex.js';

function refuses(input: string, code: string, offset?: number): void {
  try {
    const v = decodeCbor(hexLiteral(input));
    assert.unreachable(`${input} decoded to ${JSON.stringify(v)}`);
  } catch (e) {
    if (!(e instanceof CborError)) throw e;
    assert.is(e.code, code, `${input}: ${e.message}`);
    if (offset !== undefined) {
      assert.is(e.offset, offset, `${input}: ${e.message}`);
      assert.match(e.message, `at byte ${offset}`);
    }
  }
}

const cases: Array<[string, string, string, number?]> = [
  ['empty input', '', 'TRUNCATED', 0],
  ['head cut off', '18', 'TRUNCATED', 0],
  ['8-byte argument cut off', '1b0000', 'TRUNCATED', 0],
  ['tag with nothing after it', 'd2', 'TRUNCATED', 1],
  ['item missing inside an array', '8201', 'LENGTH', 0],
  ['byte string followed by a stray byte', '42010000', 'TRAILING', 3],
  ['byte string longer than the input', '4301', 'LENGTH', 0],
  ['text string longer than the input', '7a0010000061', 'LENGTH', 0],
  ['absurd byte string length', '5affffffff', 'LENGTH', 0],
  ['absurd array count', '9b001fffffffffffff', 'LENGTH', 0],
  ['absurd map count', 'ba7fffffff00', 'LENGTH', 0],
  ['length beyond 2^53', '5bffffffffffffffff', 'INT_RANGE', 0],
  ['trailing byte', '0000', 'TRAILING', 1],
  ['23 in a one-byte argument', '1817', 'NON_SHORTEST', 0],
  ['255 in two bytes', '1900ff', 'NON_SHORTEST', 0],
  ['65535 in four bytes', '1a0000ffff', 'NON_SHORTEST', 0],
  ['2^32 - 1 in eight bytes', '1b00000000ffffffff', 'NON_SHORTEST', 0],
  ['negative non-shortest', '3817', 'NON_SHORTEST', 0],
  ['byte string length non-shortest', '580161', 'NON_SHORTEST', 0],
  ['array count non-shortest', '980100', 'NON_SHORTEST', 0],
  ['tag 18 in a one-byte argument', 'd81280', 'NON_SHORTEST', 0],
  ['nested non-shortest', '82011817', 'NON_SHORTEST', 2],
  ['indefinite byte string', '5f4101ff', 'INDEFINITE', 0],
  ['indefinite text', '7f6161ff', 'INDEFINITE', 0],
  ['indefinite array', '9f01ff', 'INDEFINITE', 0],
  ['indefinite map', 'bf0101ff', 'INDEFINITE', 0],
  ['stray break', 'ff', 'INDEFINITE', 0],
  ['integer with additional information 31', '1f', 'INDEFINITE', 0],
  ['reserved 28', '1c', 'RESERVED', 0],
  ['reserved 29 in a negative', '3d', 'RESERVED', 0],
  ['reserved 30 in a byte string', '5e', 'RESERVED', 0],
  ['reserved 28 in major 7', 'fc', 'RESERVED', 0],
  ['half float', 'f93c00', 'FLOAT', 0],
  ['single float', 'fa3f800000', 'FLOAT', 0],
  ['double float in an array', '81fb3ff0000000000000', 'FLOAT', 1],
  ['undefined', 'f7', 'SIMPLE', 0],
  ['simple(0)', 'e0', 'SIMPLE', 0],
  ['simple(32) in one byte', 'f820', 'SIMPLE', 0],
  ['2^53', '1b0020000000000000', 'INT_RANGE', 0],
  ['-(2^53)', '3b001fffffffffffff', 'INT_RANGE', 0],
  ['unsorted integer keys', 'a202010102', 'UNSORTED_KEYS', 3],
  ['text key before integer key', 'a26161010102', 'UNSORTED_KEYS', 4],
  ['longer text key first', 'a262626201616102', 'UNSORTED_KEYS', 5],
  ['negative key before positive', 'a220010102', 'UNSORTED_KEYS', 3],
  ['duplicate key', 'a201010102', 'DUPLICATE_KEY', 3],
  ['duplicate text key', 'a2616101616102', 'DUPLICATE_KEY', 4],
  ['byte-string key', 'a14001', 'BAD_KEY', 1],
  ['array key', 'a18001', 'BAD_KEY', 1],
  ['null key', 'a1f601', 'BAD_KEY', 1],
  ['lone continuation byte', '6180', 'BAD_UTF8', 1],
  ['0xff in text', '61ff', 'BAD_UTF8', 1],
  ['overlong slash', '62c0af', 'BAD_UTF8', 1],
  ['overlong three-byte', '63e08080', 'BAD_UTF8', 1],
  ['UTF-8 of a surrogate', '63eda080', 'BAD_UTF8', 1],
  ['above U+10FFFF', '64f4908080', 'BAD_UTF8', 1],
  ['sequence cut off', '6261c3', 'BAD_UTF8', 2],
  ['17 nested arrays', '81'.repeat(17) + '00', 'TOO_DEEP', 16],
  ['17 nested tags', 'd2'.repeat(17) + '00', 'TOO_DEEP', 16],
];

for (const [name, input, code, offset] of cases) {
  test(`refuses ${name} (${code})`, () => refuses(input, code, offset));
}

test('16 levels of nesting are accepted, the limit is configurable downwards', () => {
  const deep = hexLiteral('81'.repeat(16) + '00');
  assert.is(toHex(encodeCbor(decodeCbor(deep))), toHex(deep));
  assert.throws(() => decodeCbor(hexLiteral('818100'), { maxDepth: 1 }), (e: unknown) => e instanceof CborError && e.code === 'TOO_DEEP');
});

function nested(levels: number): CborValue {
  let v: CborValue = 0;
  for (let i = 0; i < levels; i++) v = [v];
  return v;
}

test('the encoder refuses what has no deterministic form', () => {
  const bad: Array<[unknown, string]> = [
    [1.5, 'UNSUPPORTED'], [NaN, 'UNSUPPORTED'], [Infinity, 'UNSUPPORTED'], [2 ** 53, 'INT_RANGE'], [-(2 ** 53), 'INT_RANGE'],
    [undefined, 'UNSUPPORTED'], [{ a: 1 }, 'UNSUPPORTED'], ['\ud800', 'BAD_TEXT'], ['a\udc00', 'BAD_TEXT'],
    [new CborMap([[1, 1], [1, 2]]), 'DUPLICATE_KEY'], [new CborMap([[-0, 1], [0, 2]]), 'DUPLICATE_KEY'],
    [new CborMap([[new Uint8Array(1) as unknown as string, 1]]), 'BAD_KEY'],
    [new CborTag(1.5, 0), 'UNSUPPORTED'], [nested(17), 'TOO_DEEP'],
  ];
  for (const [v, code] of bad) {
    assert.throws(() => encodeCbor(v as CborValue), (e: unknown) => e instanceof CborError && e.code === code, String(code));
  }
  // Integer and text keys stay apart; set() replaces an equal key.
  const map = new CborMap().set(1, 'int').set('1', 'text').set(1, 'again');
  assert.is(map.size, 2);
  assert.is(toHex(encodeCbor(map)), 'a20165616761696e61316474657874');
  assert.is(toHex(encodeCbor(nested(16))), '81'.repeat(16) + '00');
});

/** Decodes `input`; the result must re-encode to exactly `input`, and any failure must be a CborError. */
function decodesExactlyOrRefuses(input: Uint8Array): void {
  let v: CborValue;
  try {
    v = decodeCbor(input);
  } catch (e) {
    if (e instanceof CborError) return;
    throw e;
  }
  assert.is(toHex(encodeCbor(v)), toHex(input));
}

test('random bytes: decoded exactly or refused with CborError, never anything else', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 48 }), decodesExactlyOrRefuses), { numRuns: 20000 });
  // Short inputs built from the interesting head bytes reach deeper than uniform bytes do.
  const heads = fc.constantFrom(0x00, 0x17, 0x18, 0x19, 0x1b, 0x20, 0x38, 0x40, 0x41, 0x58, 0x60, 0x61, 0x62, 0x78, 0x80, 0x81, 0x82, 0x98, 0xa0, 0xa1, 0xa2, 0xc0, 0xd2, 0xd8, 0xf4, 0xf5, 0xf6, 0xf7, 0xff, 0xc3, 0xe0, 0x80);
  fc.assert(fc.property(fc.array(heads, { maxLength: 24 }), (a) => decodesExactlyOrRefuses(Uint8Array.from(a))), { numRuns: 20000 });
});

const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);

test('mutations of valid encodings: decoded exactly or refused with CborError', () => {
  fc.assert(
    fc.property(cborValue, fc.array(mutation, { minLength: 1, maxLength: 4 }), (v, muts) => {
      let b = Array.from(encodeCbor(v));
      for (const m of muts) {
        const at = b.length ? m.at % b.length : 0;
        if (m.op === 'flip' && b.length) b[at] ^= 1 << m.bit;
        else if (m.op === 'set' && b.length) b[at] = m.byte;
        else if (m.op === 'insert') b.splice(at, 0, m.byte);
        else if (m.op === 'delete') b.splice(at, 1);
        else if (m.op === 'truncate') b = b.slice(0, at);
      }
      decodesExactlyOrRefuses(Uint8Array.from(b));
    }),
    { numRuns: 10000 },
  );
});

test.run();
