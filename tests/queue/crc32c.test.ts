// CRC-32C: known answers from RFC 3720 B.4 and the CRC catalogue, a bit-at-a-time reference, and an independent
// library (@aws-crypto/crc32c) as oracle.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { crc32c as oracle } from '@aws-crypto/crc32c';
import { crc32c } from '../../firmware/queue/crc32c.js';
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const ascii = (s: string) => new Uint8Array(Buffer.from(s, 'latin1'));

test('known answers', () => {
  assert.is(crc32c(ascii('123456789')), 0xe3069283); // check value of CRC-32/ISCSI
  assert.is(crc32c(new Uint8Array(0)), 0);
  // RFC 3720 B.4: 32 bytes of zeros, of ones, incrementing, decrementing.
  assert.is(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.is(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.is(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.is(crc32c(Uint8Array.from({ length: 32 }, (_, i) => 31 - i)), 0x113fdb5c);
});

/** Polynomial division one bit at a time: slow, obviously right, shares no table with the code under test. */
function bitwise(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) {
    c ^= x;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

test('agrees with a bitwise reference and with @aws-crypto/crc32c on any input and range', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const whole = crc32c(bytes);
      assert.is(whole, bitwise(bytes));
      assert.is(whole, oracle(bytes));
      const s = bytes.length ? a % bytes.length : 0;
      const e = s + (bytes.length - s ? b % (bytes.length - s + 1) : 0);
      assert.is(crc32c(bytes, s, e), oracle(bytes.subarray(s, e)), 'range');
      assert.is(crc32c(bytes, s, bytes.length, crc32c(bytes, 0, s)), whole, 'running checksum');
    }),
    { numRuns: 2000 },
  );
});

test('the Espruino build (SEALSCAN_SMALL_TABLES: one table, eight bytes a pass) agrees with the oracle', async () => {
  const source = fileURLToPath(new URL('../../firmware/queue/crc32c.js', import.meta.url));
  const out = await build({ entryPoints: [source], bundle: true, format: 'esm', write: false, define: { SEALSCAN_SMALL_TABLES: 'true' }, logLevel: 'silent' });
  const text = out.outputFiles[0].text;
  assert.match(text, /SLICES = true \? 1 : 8/, 'the define reaches the table size');
  const small = (await import('data:text/javascript,' + encodeURIComponent(text))) as { crc32c: typeof crc32c };
  assert.is(small.crc32c(ascii('123456789')), 0xe3069283);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), fc.nat(), (b, x, y) => {
      const start = b.length ? x % b.length : 0;
      const end = start + (b.length - start ? y % (b.length - start + 1) : 0);
      assert.is(small.crc32c(b, start, end), oracle(b.subarray(start, end)) >>> 0);
      assert.is(small.crc32c(b, start, end), crc32c(b, start, end));
    }),
    { numRuns: 500 },
  );
});

test.run();
