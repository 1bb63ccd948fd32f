// RFC 8949 Appendix A examples that fall inside our profile, byte for byte; the ones outside it refused.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CborError, CborMap, CborTag, decodeCbor, encodeCbor, type CborValue } from '../../firmware/records/cbor.js';
import { toHex, hexLiteral } from '../../hal/hex.js';

const m = (...pairs: Array<[number | string, CborValue]>) => new CborMap(pairs);
const b = (s: string) => hexLiteral(s);

const accepted: Array<[CborValue, string]> = [
  [0, '00'], [1, '01'], [10, '0a'], [23, '17'], [24, '1818'], [25, '1819'], [100, '1864'], [1000, '1903e8'],
  [1000000, '1a000f4240'], [1000000000000, '1b000000e8d4a51000'],
  [-1, '20'], [-10, '29'], [-100, '3863'], [-1000, '3903e7'],
  [new CborTag(2, b('010000000000000000')), 'c249010000000000000000'],
  [false, 'f4'], [true, 'f5'], [null, 'f6'],
  [new CborTag(0, '2013-03-21T20:04:00Z'), 'c074323031332d30332d32315432303a30343a30305a'],
  [new CborTag(1, 1363896240), 'c11a514b67b0'],
  [new CborTag(23, b('01020304')), 'd74401020304'],
  [new CborTag(24, b('6449455446')), 'd818456449455446'],
  [new CborTag(32, 'http://www.example.com'), 'd82076687474703a2f2f7777772e6578616d706c652e636f6d'],
  [new Uint8Array(0), '40'], [b('01020304'), '4401020304'],
  ['', '60'], ['a', '6161'], ['IETF', '6449455446'], ['"\\', '62225c'], ['\u00fc', '62c3bc'], ['\u6c34', '63e6b0b4'], ['\ud800\udd51', '64f0908591'],
  [[], '80'], [[1, 2, 3], '83010203'], [[1, [2, 3], [4, 5]], '8301820203820405'],
  [Array.from({ length: 25 }, (_, i) => i + 1), '98190102030405060708090a0b0c0d0e0f101112131415161718181819'],
  [m(), 'a0'], [m([1, 2], [3, 4]), 'a201020304'], [m(['a', 1], ['b', [2, 3]]), 'a26161016162820203'],
  [['a', m(['b', 'c'])], '826161a161626163'],
  [m(['a', 'A'], ['b', 'B'], ['c', 'C'], ['d', 'D'], ['e', 'E']), 'a56161614161626142616361436164614461656145'],
];

test('Appendix A examples inside the profile encode and decode byte for byte', () => {
  for (const [value, expected] of accepted) {
    assert.is(toHex(encodeCbor(value)), expected, expected);
    assert.is(toHex(encodeCbor(decodeCbor(hexLiteral(expected)))), expected, expected);
  }
  assert.equal(decodeCbor(hexLiteral('a201020304')), m([1, 2], [3, 4]));
  assert.is((decodeCbor(hexLiteral('3903e7')) as number), -1000);
});

const refused: Array<[string, string]> = [
  ['1bffffffffffffffff', 'INT_RANGE'], ['3bffffffffffffffff', 'INT_RANGE'], // 2^64 - 1 and -2^64
  ['f90000', 'FLOAT'], ['f93c00', 'FLOAT'], ['fa47c35000', 'FLOAT'], ['fb3ff199999999999a', 'FLOAT'], ['c1fb41d452d9ec200000', 'FLOAT'],
  ['f7', 'SIMPLE'], ['f0', 'SIMPLE'], ['f8ff', 'SIMPLE'],
  ['5f42010243030405ff', 'INDEFINITE'], ['7f657374726561646d696e67ff', 'INDEFINITE'], ['9fff', 'INDEFINITE'],
  ['9f018202039f0405ffff', 'INDEFINITE'], ['83018202039f0405ff', 'INDEFINITE'], ['bf61610161629f0203ffff', 'INDEFINITE'],
  ['bf6346756ef563416d7421ff', 'INDEFINITE'],
];

test('Appendix A examples outside the profile (bignums beyond 2^53, floats, undefined, simple, indefinite) are refused', () => {
  for (const [input, code] of refused) {
    try {
      decodeCbor(hexLiteral(input));
      assert.unreachable(input + ' was accepted');
    } catch (e) {
      assert.instance(e, CborError, input);
      assert.is((e as CborError).code, code, input);
    }
  }
});

test.run();
