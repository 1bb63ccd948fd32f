import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { crcA, crc16, withCrcA, checkCrcA } from '../../hal/iso14443a/crc-a.js';
import { hexLiteral } from '../../hal/hex.js';


// On-air CRC_A bytes from ISO 14443-3 captures and the NTAG data sheet (reference section 3.7).
const vectors: Array<[string, string]> = [
  ['00 00', 'A0 1E'],
  ['12 34', '26 CF'],
  ['50 00', '57 CD'],
  ['30 00', '02 A8'],
  ['60', 'F8 32'],
  ['3C 00', 'A2 01'],
  ['A4 00', '3F D6'],
  ['04', 'DA 17'],
  ['00', 'FE 51'],
  ['08', 'B6 DD'],
];

for (const [frame, crc] of vectors) {
  test(`CRC_A of ${frame} is ${crc}`, () => {
    const out = withCrcA(hexLiteral(frame));
    assert.equal(Array.from(out.slice(-2)), Array.from(hexLiteral(crc)));
    assert.ok(checkCrcA(out));
  });
}

test('a flipped bit anywhere breaks the check', () => {
  const f = withCrcA(hexLiteral('30 04'));
  for (let bit = 0; bit < f.length * 8; bit++) {
    const g = f.slice();
    g[bit >> 3] ^= 1 << (bit & 7);
    assert.not.ok(checkCrcA(g), `bit ${bit}`);
  }
});

test('crc16 honours the presets of ModeReg.CRCPreset', () => {
  assert.is(crc16(new Uint8Array(0), 0xffff), 0xffff);
  assert.is(crc16(new Uint8Array(0), 0x0000), 0x0000);
  assert.is(crcA(hexLiteral('60')), 0x32f8);
  assert.is.not(crc16(hexLiteral('60'), 0xffff), crcA(hexLiteral('60')));
});

test.run();
