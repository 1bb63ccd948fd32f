// NDEF on Type 2 memory images: CC, TLVs (incl. Lock/Memory Control), reading, planning writes, hostile memory.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { encodeNdefMessage, ndefRecord } from '../../firmware/tags/ndef.js';
import { uriRecord } from '../../firmware/tags/ndef-records.js';
import { parseType2Ndef, planNdefWrite } from '../../firmware/tags/type2-ndef.js';
import { controlArea, parseCapabilityContainer } from '../../firmware/tags/tlv.js';
import { ndefAddresses } from '../../firmware/tags/tlv-scan.js';
import { FINDING_CODES, type FindingCode } from '../../firmware/tags/findings.js';
import { blankNtag213, formattedNtag213 } from './memory-tag.js';
import { hexLiteral, toHex } from '../../hal/hex.js';


function ok<T>(r: { ok: true; value: T } | { ok: false; finding: { code: string; message: string } }): T {
  if (!r.ok) throw new Error('expected ok, got ' + r.finding.code + ': ' + r.finding.message);
  return r.value;
}

function fail(r: { ok: boolean; finding?: { code: string; offset: number } }): { code: string; offset: number } {
  if (r.ok) throw new Error('expected a finding');
  return r.finding!;
}

/** Applies a plan's writes to a copy of `image`. */
function apply(image: Uint8Array, writes: { page: number; data: Uint8Array }[], count = writes.length): Uint8Array {
  const m = image.slice();
  for (const w of writes.slice(0, count)) m.set(w.data, w.page * 4);
  return m;
}

/** An image with CC `cc` and data area bytes `data` from byte 16, padded to `size` bytes. */
function image(cc: string, data: string, size = 64): Uint8Array {
  const m = new Uint8Array(size);
  m.set(hexLiteral(cc), 12);
  m.set(hexLiteral(data), 16);
  return m;
}

const nxp = () => ok(encodeNdefMessage([ok(uriRecord('https://nxp.com'))]));

test('reference worked example: "https://nxp.com" at page 4 is 03 0C D1 01 08 55 04 6E 78 70 2E 63 6F 6D FE', () => {
  const plan = ok(planNdefWrite(formattedNtag213(), nxp()));
  assert.is(toHex(plan.image.subarray(16, 31), ' '), '03 0c d1 01 08 55 04 6e 78 70 2e 63 6f 6d fe'.toLowerCase());
  // The factory TLV 03 00 already says "empty", so the length page is written once, last.
  assert.equal(plan.writes.map((w) => w.page), [5, 6, 7, 4]);
  const read = ok(parseType2Ndef(plan.image));
  assert.is(toHex(read.message, ' '), toHex(nxp(), ' '));
  assert.is(read.records.length, 1);
});

test('formatting a blank tag writes the CC last; without formatCc a blank tag is CC_BLANK', () => {
  const blank = blankNtag213();
  assert.is(fail(planNdefWrite(blank, nxp())).code, 'CC_BLANK');
  const plan = ok(planNdefWrite(blank, nxp(), { formatCc: [0xe1, 0x10, 0x12, 0x00] }));
  assert.is(plan.writes[plan.writes.length - 1].page, 3);
  assert.equal([...plan.writes[plan.writes.length - 1].data], [0xe1, 0x10, 0x12, 0x00]);
  assert.ok(plan.writes.every((w) => w.page >= 3));
  assert.is(plan.capacity, 142);
  const back = ok(parseType2Ndef(apply(blank, plan.writes)));
  assert.is(toHex(back.message, ' '), toHex(nxp(), ' '));
  // a formatted tag never gets its CC rewritten
  const again = ok(planNdefWrite(apply(blank, plan.writes), nxp(), { formatCc: [0xe1, 0x10, 0x12, 0x00] }));
  assert.equal(again.writes, []);
});

test('tearing order: a Terminator where the TLV starts, the other pages, that page last; prefixes read old, none or new', () => {
  const first = ok(planNdefWrite(formattedNtag213(), ok(encodeNdefMessage([ndefRecord(2, 'a/b', new Uint8Array(40).fill(1))]))));
  const old = first.image;
  const next = ok(encodeNdefMessage([ndefRecord(2, 'a/b', new Uint8Array(60).fill(2))]));
  const plan = ok(planNdefWrite(old, next));
  assert.is(plan.writes[0].page, 4);
  assert.is(plan.writes[0].data[0], 0xfe);
  assert.is(plan.writes[plan.writes.length - 1].page, 4);
  for (let k = 0; k <= plan.writes.length; k++) {
    const r = parseType2Ndef(apply(old, plan.writes, k));
    if (k === 0) assert.is(ok(r).records[0].payload[0], 1);
    else if (k < plan.writes.length) assert.is(fail(r).code, 'NDEF_TLV_MISSING', 'prefix ' + k);
    else assert.is(toHex(ok(r).message, ' '), toHex(next, ' '));
  }
  // only pages that change: rewriting the same message writes nothing
  assert.equal(ok(planNdefWrite(plan.image, next)).writes, []);
});

test('3-byte TLV length: a 300-byte message on an NTAG215-sized area', () => {
  const m = new Uint8Array(135 * 4);
  m.set([0xe1, 0x10, 0x3e, 0x00, 0x03, 0x00, 0xfe], 12);
  const msg = ok(encodeNdefMessage([ndefRecord(2, 'x/y', new Uint8Array(300).fill(9))]));
  const plan = ok(planNdefWrite(m, msg));
  assert.equal([...plan.image.subarray(16, 20)], [0x03, 0xff, msg.length >> 8, msg.length & 0xff]);
  assert.is(plan.image[20 + msg.length], 0xfe);
  const back = ok(parseType2Ndef(plan.image));
  assert.is(back.layout.ndef?.lengthBytes, 3);
  assert.is(toHex(back.message, ' '), toHex(msg, ' '));
  assert.is(plan.capacity, 496 - 4);
});

test('Lock and Memory Control TLVs: their bytes are skipped when reading and writing', () => {
  // Lock Control: page 6 × 4 + 2 = byte 26, 16 bits = 2 bytes; Memory Control: page 9 × 4 = byte 36, 4 bytes.
  const lock = controlArea('lock', 0x62, 0x10, 0x02, 16);
  assert.equal([lock.from, lock.to], [26, 28]);
  const m = image('e1 10 06 00', '01 03 62 10 02 02 03 90 04 02 aa bb 03 00 fe', 64);
  m.set([0xaa, 0xbb], 26);
  m.set([0xcc, 0xcc, 0xcc, 0xcc], 36);
  const empty = ok(parseType2Ndef(m));
  assert.equal(empty.records, []);
  assert.equal(empty.layout.reserved.map((r) => [r.kind, r.from, r.to]), [['lock', 26, 28], ['memory', 36, 40]]);
  assert.is(empty.layout.ndef?.offset, 28); // the NDEF TLV starts after the lock bytes
  const msg = ok(encodeNdefMessage([ndefRecord(2, 'a/b', Uint8Array.from({ length: 20 }, (_, i) => i + 1))]));
  const plan = ok(planNdefWrite(m, msg));
  assert.equal([...plan.image.subarray(26, 28)], [0xaa, 0xbb]);
  assert.equal([...plan.image.subarray(36, 40)], [0xcc, 0xcc, 0xcc, 0xcc]);
  const back = ok(parseType2Ndef(plan.image));
  assert.is(toHex(back.message, ' '), toHex(msg, ' '));
  assert.ok(ndefAddresses(back.layout, back.layout.ndef!).every((a) => a < 36 || a >= 40));
  // bytes 28..63 minus the 4 reserved at 36..39 = 32 usable: 30 bytes of message after T and a 1-byte L
  assert.is(plan.capacity, 30);
  const tooBig = fail(planNdefWrite(m, ok(encodeNdefMessage([ndefRecord(2, 'a/b', new Uint8Array(26))]))));
  assert.is(tooBig.code, 'NDEF_TOO_LARGE');
});

test('TLVs before the NDEF TLV are kept; NULL TLVs are padding; proprietary TLVs are stepped over', () => {
  const m = image('e1 10 06 00', '00 00 fd 02 aa bb 03 00 fe');
  const r = ok(parseType2Ndef(m));
  assert.equal(r.layout.tlvs.map((t) => [t.type, t.offset]), [[0xfd, 18], [0x03, 22]]);
  const plan = ok(planNdefWrite(m, nxp()));
  assert.equal([...plan.image.subarray(16, 23)], [0, 0, 0xfd, 2, 0xaa, 0xbb, 0x03]);
  // No NDEF TLV and no Terminator: the new TLV goes after the last TLV, over the NULL padding.
  const bare = image('e1 10 06 00', 'fd 01 77 00 00 00');
  assert.is(fail(parseType2Ndef(bare)).code, 'NDEF_TLV_MISSING');
  const p2 = ok(planNdefWrite(bare, nxp()));
  assert.equal([...p2.image.subarray(16, 21)], [0xfd, 1, 0x77, 0x03, 0x0c]);
});

test('a corrupt NDEF TLV length does not block a rewrite, but malformed TLVs before it do', () => {
  const corrupt = image('e1 10 06 00', '03 ff 01 00 d1');
  assert.is(fail(parseType2Ndef(corrupt)).code, 'TLV_LENGTH');
  const back = ok(parseType2Ndef(ok(planNdefWrite(corrupt, nxp())).image));
  assert.is(toHex(back.message, ' '), toHex(nxp(), ' '));
  assert.is(fail(planNdefWrite(image('e1 10 06 00', '01 02 00 00 03 00'), nxp())).code, 'TLV_CONTROL');
});

// Hand-made hostile memories, one or more per finding code the image parser can give, with the expected address.
const hostile: Array<[string, () => Uint8Array, string, number]> = [
  ['image shorter than the CC', () => new Uint8Array(10), 'IMAGE_SHORT', 10],
  ['blank CC', () => image('00 00 00 00', ''), 'CC_BLANK', 12],
  ['wrong magic', () => image('e2 10 06 00', '03 00 fe'), 'CC_MAGIC', 12],
  ['mapping version 2.0', () => image('e1 20 06 00', '03 00 fe'), 'CC_VERSION', 13],
  ['empty data area', () => image('e1 10 00 00', '03 00 fe'), 'CC_SIZE', 14],
  ['data area past the image', () => image('e1 10 12 00', '03 00 fe', 64), 'CC_SIZE', 14],
  ['not readable', () => image('e1 10 06 80', '03 00 fe'), 'CC_NO_READ', 15],
  ['length byte cut by the end of the data area', () => { const m = image('e1 10 01 00', '00 00 00 00 00 00 00 03', 24); return m; }, 'TLV_TRUNCATED', 23],
  ['3-byte length cut', () => image('e1 10 01 00', '00 00 00 00 00 03 ff 01', 24), 'TLV_TRUNCATED', 21],
  ['value past the end', () => image('e1 10 01 00', '03 07 d1 01 01', 24), 'TLV_LENGTH', 16],
  ['reserved length FFFFh', () => image('e1 10 06 00', '03 ff ff ff'), 'TLV_LENGTH', 16],
  ['proprietary TLV longer than the area', () => image('e1 10 06 00', 'fd ff 01 00'), 'TLV_LENGTH', 16],
  ['Lock Control of length 2', () => image('e1 10 06 00', '01 02 40 10 03 00 fe'), 'TLV_CONTROL', 16],
  ['Memory Control reserving itself', () => image('e1 10 06 00', '02 03 40 04 02 03 00 fe'), 'TLV_RESERVED_OVERLAP', 16],
  ['Lock Control reserving bytes already read', () => image('e1 10 06 00', '00 00 00 01 03 40 08 02 03 00 fe'), 'TLV_RESERVED_OVERLAP', 19],
  ['Terminator before any NDEF TLV', () => image('e1 10 06 00', 'fe 03 00'), 'NDEF_TLV_MISSING', 16],
  ['only NULL TLVs', () => image('e1 10 06 00', ''), 'NDEF_TLV_MISSING', 16],
  ['record without MB', () => image('e1 10 06 00', '03 05 51 01 01 55 00 fe'), 'NDEF_FLAGS', 18],
  ['chunked record', () => image('e1 10 06 00', '03 05 b1 01 01 55 00 fe'), 'NDEF_CHUNKED', 18],
  ['reserved TNF', () => image('e1 10 06 00', '03 03 d7 00 00 fe'), 'NDEF_TNF', 18],
  ['TLV shorter than the record header', () => image('e1 10 06 00', '03 02 d1 01 01 55 00 fe'), 'NDEF_TRUNCATED', 18],
  ['TLV shorter than the payload', () => image('e1 10 06 00', '03 04 d1 01 05 55 00 fe'), 'NDEF_LENGTH', 18],
  ['TLV longer than the records', () => image('e1 10 06 00', '03 07 d1 01 01 55 00 fe fe'), 'NDEF_TRAILING', 23],
  ['last record without ME', () => image('e1 10 06 00', '03 05 91 01 01 55 00 fe'), 'NDEF_TRUNCATED', 23],
];

test('hostile memories: each gives its finding code at the expected address', () => {
  for (const [name, make, expected, offset] of hostile) {
    const f = fail(parseType2Ndef(make()));
    assert.is(f.code, expected, name);
    assert.is(f.offset, offset, name);
  }
});

test('message findings are addressed in the image, across reserved bytes', () => {
  // Memory Control reserves bytes 24..27; the message d1 01 01 55 00 00 00 lies at 23, 28..33: the two
  // trailing bytes start at message offset 5 = address 32.
  const m = image('e1 10 06 00', '02 03 60 04 02 03 07 d1 00 00 00 00 01 01 55 00 00 00 fe');
  m.set([0x91, 0x01, 0x99, 0x55], 24);
  const f = fail(parseType2Ndef(m));
  assert.is(f.code, 'NDEF_TRAILING');
  assert.is(f.offset, 32);
});

test('write refusals: read-only CC, message too large', () => {
  assert.is(fail(planNdefWrite(image('e1 10 06 0f', '03 00 fe'), nxp())).code, 'READ_ONLY');
  assert.is(fail(planNdefWrite(image('e1 10 06 00', '03 00 fe'), new Uint8Array(47))).code, 'NDEF_TOO_LARGE');
  assert.ok(planNdefWrite(image('e1 10 06 00', '03 00 fe'), new Uint8Array(46)).ok);
  assert.is(fail(parseCapabilityContainer(new Uint8Array(64), 40)).code, 'CC_BLANK');
});

test('FINDING_CODES lists every finding code exactly once (the compiler checks this table is complete)', () => {
  const all: Record<FindingCode, true> = {
    IMAGE_SHORT: true, CC_BLANK: true, CC_MAGIC: true, CC_VERSION: true, CC_SIZE: true, CC_NO_READ: true, READ_ONLY: true,
    TLV_TRUNCATED: true, TLV_LENGTH: true, TLV_CONTROL: true, TLV_RESERVED_OVERLAP: true, NDEF_TLV_MISSING: true,
    NDEF_TOO_LARGE: true, NDEF_EMPTY: true, NDEF_TRUNCATED: true, NDEF_LENGTH: true, NDEF_TRAILING: true, NDEF_FLAGS: true,
    NDEF_CHUNKED: true, NDEF_TNF: true, NDEF_FIELD_SIZE: true, RECORD_TYPE: true, RECORD_PAYLOAD: true, URI_PREFIX: true,
    UTF8: true, CLASSIC_ACCESS_BITS: true, CLASSIC_VALUE_FORMAT: true,
  };
  assert.equal([...FINDING_CODES].sort(), Object.keys(all).sort());
});

test.run();
