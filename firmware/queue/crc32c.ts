// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78, init and final XOR 0xFFFFFFFF), the checksum of iSCSI
// (RFC 3720 appendix B.4), ext4 metadata and Vector's disk buffer. Slicing-by-8 tables (8 KiB) so that boot recovery
// can verify tens of megabytes in well under 100 ms on a Pi; plain ES5 so it also runs on Espruino. The Espruino
// images define SEALSCAN_SMALL_TABLES (scripts/espruino/build.ts): there one 1 KiB table, one byte per step, since
// each KiB of table is some 70 of a few thousand variables and a queue there is a few segments of 8 KiB.

declare const SEALSCAN_SMALL_TABLES: boolean | undefined;

const SLICES = typeof SEALSCAN_SMALL_TABLES !== 'undefined' && SEALSCAN_SMALL_TABLES ? 1 : 8;

const POLY = 0x82f63b78;

function buildTables(): Int32Array {
  const t = new Int32Array(256 * SLICES);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  // Table s holds the CRC of a byte followed by s zero bytes, so eight input bytes fold in one step.
  for (let n = 0; n < 256 && SLICES > 1; n++) {
    let c = t[n];
    for (let s = 1; s < 8; s++) {
      c = t[c & 0xff] ^ (c >>> 8);
      t[s * 256 + n] = c;
    }
  }
  return t;
}

const T = buildTables();

/**
 * CRC-32C of `bytes[start, end)` as an unsigned 32-bit number. Pass a previous result as `crc` to continue a
 * running checksum over a following range: `crc32c(b, 0, n)` equals `crc32c(b, k, n, crc32c(b, 0, k))`.
 */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length, crc = 0): number {
  let c = ~crc;
  let i = start;
  const last8 = SLICES > 1 ? end - 8 : start - 1;
  for (; i <= last8; i += 8) {
    c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    c =
      T[1792 + (c & 0xff)] ^
      T[1536 + ((c >>> 8) & 0xff)] ^
      T[1280 + ((c >>> 16) & 0xff)] ^
      T[1024 + (c >>> 24)] ^
      T[768 + bytes[i + 4]] ^
      T[512 + bytes[i + 5]] ^
      T[256 + bytes[i + 6]] ^
      T[bytes[i + 7]];
  }
  // One table: eight bytes per pass all the same, since on Espruino the loop's own test and step cost as much as a byte.
  const t = T;
  for (const last = SLICES > 1 ? start - 1 : end - 8; i <= last; i += 8) {
    c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    c = t[(c ^ bytes[i + 1]) & 0xff] ^ (c >>> 8);
    c = t[(c ^ bytes[i + 2]) & 0xff] ^ (c >>> 8);
    c = t[(c ^ bytes[i + 3]) & 0xff] ^ (c >>> 8);
    c = t[(c ^ bytes[i + 4]) & 0xff] ^ (c >>> 8);
    c = t[(c ^ bytes[i + 5]) & 0xff] ^ (c >>> 8);
    c = t[(c ^ bytes[i + 6]) & 0xff] ^ (c >>> 8);
    c = t[(c ^ bytes[i + 7]) & 0xff] ^ (c >>> 8);
  }
  for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}
