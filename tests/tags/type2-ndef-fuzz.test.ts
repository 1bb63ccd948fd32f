// Property test over more than 100,000 hostile Type 2 memory images: the parser returns a message or a known
// finding inside the image, never throws; whatever it accepts can be written back within the image's bounds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { FINDING_CODES } from '../../firmware/tags/findings.js';
import { encodeNdefMessage, type NdefRecord } from '../../firmware/tags/ndef.js';
import { parseType2Ndef, planNdefWrite } from '../../firmware/tags/type2-ndef.js';
import { ndefAddresses } from '../../firmware/tags/tlv-scan.js';

const codes = new Set<string>(FINDING_CODES);
const seen = new Map<string, number>();

function recordsKey(records: NdefRecord[]): string {
  return JSON.stringify(records.map((r) => [r.tnf, [...r.type], [...r.id], [...r.payload]]));
}

/** The property every image must satisfy. */
function check(image: Uint8Array): void {
  const r = parseType2Ndef(image);
  const key = r.ok ? 'ok' : r.finding.code;
  seen.set(key, (seen.get(key) ?? 0) + 1);
  if (!r.ok) {
    assert.ok(codes.has(r.finding.code), r.finding.code);
    assert.ok(r.finding.offset >= -1 && r.finding.offset <= image.length, `offset ${r.finding.offset} in ${image.length}`);
    assert.type(r.finding.message, 'string');
    return;
  }
  const { layout, message, records } = r.value;
  assert.ok(layout.dataEnd <= image.length);
  // The message was copied a run between reserved areas at a time; the byte-by-byte walk must find the same bytes.
  const addresses = ndefAddresses(layout, layout.ndef!);
  assert.is(addresses.length, message.length);
  addresses.forEach((a, i) => {
    assert.ok(a >= 16 && a < layout.dataEnd);
    assert.is(image[a], message[i], `message byte ${i} at ${a}`);
  });
  // Re-encode: never longer than what was read (we always use the shortest forms), and it fits back in.
  const again = records.length ? encodeNdefMessage(records) : { ok: true as const, value: new Uint8Array(0) };
  assert.ok(again.ok);
  if (!again.ok) return;
  assert.ok(again.value.length <= message.length);
  const plan = planNdefWrite(image, again.value);
  if (!plan.ok) {
    assert.is(plan.finding.code, 'READ_ONLY');
    assert.ok(layout.cc.writeAccess !== 0);
    return;
  }
  const written = image.slice();
  for (const w of plan.value.writes) {
    assert.ok(w.page >= 4 && w.page * 4 + 4 <= layout.dataEnd, `page ${w.page}`);
    written.set(w.data, w.page * 4);
  }
  const back = parseType2Ndef(written);
  assert.ok(back.ok, back.ok ? '' : back.finding.code + ' ' + back.finding.message);
  if (back.ok) assert.is(recordsKey(back.value.records), recordsKey(records));
}

const recordArb: fc.Arbitrary<NdefRecord> = fc.record({
  tnf: fc.integer({ min: 1, max: 4 }),
  type: fc.uint8Array({ minLength: 1, maxLength: 6 }),
  id: fc.uint8Array({ maxLength: 3 }),
  payload: fc.oneof({ weight: 5, arbitrary: fc.uint8Array({ maxLength: 60 }) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 250, maxLength: 320 }) }),
});

/** Control TLVs (and NULL/proprietary TLVs) a valid image may start with. */
const prefixArb = fc.array(
  fc.oneof(
    fc.constant([0x00]),
    fc.constant([0xfd, 0x02, 0x11, 0x22]),
    fc.integer({ min: 8, max: 15 }).map((page) => [0x01, 0x03, (page << 4) | 0x01, 0x10, 0x02]), // 2 lock bytes
    fc.integer({ min: 8, max: 15 }).map((page) => [0x02, 0x03, page << 4, 0x04, 0x02]), // 4 reserved bytes
  ),
  { maxLength: 3 },
);

/** A valid NDEF image: CC for `ccSize`, optional leading TLVs, a message written by our own planner. */
const validImageArb = fc
  .record({
    ccSize: fc.constantFrom(0x06, 0x12, 0x3e),
    access: fc.constantFrom(0x00, 0x00, 0x00, 0x0f),
    prefix: prefixArb,
    records: fc.array(recordArb, { minLength: 1, maxLength: 3 }),
    header: fc.uint8Array({ minLength: 12, maxLength: 12 }),
  })
  .map(({ ccSize, access, prefix, records, header }) => {
    const size = 16 + ccSize * 8 + 20; // config pages after the data area
    const m = new Uint8Array(size);
    m.set(header, 0);
    m.set([0xe1, 0x10, ccSize, 0x00], 12);
    const flat = ([] as number[]).concat(...prefix);
    m.set(flat.slice(0, ccSize * 8), 16);
    if (16 + flat.length < m.length) m[16 + flat.length] = 0xfe;
    const msg = encodeNdefMessage(records);
    // A message too large for the area is replaced by the empty NDEF TLV, so every image here is valid.
    let plan = planNdefWrite(m, msg.ok ? msg.value : new Uint8Array(0));
    if (!plan.ok) plan = planNdefWrite(m, new Uint8Array(0));
    if (plan.ok) for (const w of plan.value.writes) m.set(w.data, w.page * 4);
    m[15] = access; // read-only tags exist too; set after writing
    return m;
  });

const mutationArb = fc.record({
  image: validImageArb,
  edits: fc.array(fc.tuple(fc.nat({ max: 600 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
  cut: fc.option(fc.nat({ max: 600 }), { nil: undefined, freq: 6 }),
  lengthDelta: fc.option(fc.integer({ min: -3, max: 3 }), { nil: undefined }),
});

function mutate({ image, edits, cut, lengthDelta }: { image: Uint8Array; edits: [number, number][]; cut?: number; lengthDelta?: number }): Uint8Array {
  let m = image.slice();
  if (lengthDelta !== undefined) {
    // Corrupt a length: the NDEF TLV's, or a record's payload length right after it.
    const r = parseType2Ndef(m);
    if (r.ok && r.value.layout.ndef) {
      const n = r.value.layout.ndef;
      const at = n.lengthBytes === 1 ? n.offset + 1 : n.offset + 3;
      const addresses = ndefAddresses(r.value.layout, n);
      const target = lengthDelta % 2 === 0 && addresses.length > 2 ? addresses[2] : at;
      m[target] = (m[target] + lengthDelta) & 0xff;
    }
  }
  for (const [i, v] of edits) if (i < m.length) m[i] = v;
  if (cut !== undefined) m = m.slice(0, Math.min(cut, m.length));
  return m;
}

test('random bytes (≥ 20,000 images)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300, size: 'max' }), (m) => check(m)), { numRuns: 20000 });
});

test('a valid CC over random data areas (≥ 20,000 images)', () => {
  const arb = fc.integer({ min: 0, max: 0x24 }).chain((size) =>
    fc.tuple(fc.constant(size), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ minLength: Math.max(16, 16 + size * 8 - 4), maxLength: 16 + size * 8 + 24 })),
  );
  fc.assert(
    fc.property(arb, ([size, access, m]) => {
      m.set([0xe1, 0x10, size, access & 0x0f], 12);
      check(m);
    }),
    { numRuns: 20000 },
  );
});

/** One TLV as bytes, from plausible to nonsense: known and unknown types, 1- and 3-byte lengths, short values. */
const tlvArb = fc.oneof(
  fc.constant([0x00]),
  fc.constant([0xfe]),
  fc.tuple(fc.constantFrom(0x01, 0x02), fc.integer({ min: 0, max: 4 }), fc.uint8Array({ maxLength: 4 })).map(([t, l, v]) => [t, l, ...v]),
  fc.tuple(fc.constantFrom(0x03, 0xfd, 0x42), fc.integer({ min: 0, max: 40 }), fc.uint8Array({ maxLength: 40 })).map(([t, l, v]) => [t, l, ...v]),
  fc.tuple(fc.constantFrom(0x03, 0xfd), fc.integer({ min: 0, max: 0xffff }), fc.uint8Array({ maxLength: 8 })).map(([t, l, v]) => [t, 0xff, l >> 8, l & 0xff, ...v]),
);

test('random TLV sequences in a valid CC (≥ 10,000 images)', () => {
  fc.assert(
    fc.property(fc.constantFrom(0x02, 0x06, 0x12), fc.array(tlvArb, { maxLength: 8 }), (size, tlvs) => {
      const m = new Uint8Array(16 + size * 8);
      m.set([0xe1, 0x10, size, 0x00], 12);
      const flat = ([] as number[]).concat(...tlvs).slice(0, size * 8);
      m.set(flat, 16);
      check(m);
    }),
    { numRuns: 10000 },
  );
});

test('valid images with mutations, truncations and length corruptions (≥ 55,000 images)', () => {
  fc.assert(fc.property(mutationArb, (c) => check(mutate(c))), { numRuns: 55000 });
});

test('valid images stay valid (≥ 2,000 images)', () => {
  fc.assert(
    fc.property(validImageArb, (m) => {
      assert.ok(parseType2Ndef(m).ok);
      check(m);
    }),
    { numRuns: 2000 },
  );
});

test('tearing: every prefix of a plan reads as the old message, no message, or the new one (≥ 3,000 plans)', () => {
  fc.assert(
    fc.property(validImageArb, fc.array(recordArb, { minLength: 1, maxLength: 3 }), fc.boolean(), (image, records, blank) => {
      image[15] = 0x00; // writable
      if (blank) image.fill(0, 12, 16);
      const before = parseType2Ndef(image);
      const msg = encodeNdefMessage(records);
      assert.ok(msg.ok);
      if (!msg.ok) return;
      const plan = planNdefWrite(image, msg.value, blank ? { formatCc: [0xe1, 0x10, 0x3e, 0x00] } : undefined);
      if (!plan.ok) {
        assert.ok(['NDEF_TOO_LARGE', 'CC_SIZE'].includes(plan.finding.code), plan.finding.code);
        return;
      }
      const old = before.ok ? recordsKey(before.value.records) : 'none';
      const m = image.slice();
      const writes = plan.value.writes;
      writes.forEach((w, k) => {
        m.set(w.data, w.page * 4);
        const r = parseType2Ndef(m);
        if (k === writes.length - 1) {
          assert.ok(r.ok);
          if (r.ok) assert.is(recordsKey(r.value.records), recordsKey(records));
          return;
        }
        const seenNow = r.ok ? recordsKey(r.value.records) : r.finding.code;
        assert.ok([old, '[]', 'NDEF_TLV_MISSING', 'CC_BLANK'].includes(seenNow), `after write ${k + 1} of ${writes.length}: ${seenNow}`);
      });
    }),
    { numRuns: 3000 },
  );
});

test('the generators reached most finding codes', () => {
  // Guards the fuzz itself: if a generator stops producing a kind of damage, this fails.
  for (const code of ['ok', 'IMAGE_SHORT', 'CC_MAGIC', 'CC_SIZE', 'TLV_LENGTH', 'TLV_TRUNCATED', 'TLV_CONTROL', 'TLV_RESERVED_OVERLAP', 'NDEF_TLV_MISSING', 'NDEF_TRUNCATED', 'NDEF_LENGTH', 'NDEF_TRAILING', 'NDEF_FLAGS', 'NDEF_CHUNKED', 'NDEF_TNF']) {
    assert.ok((seen.get(code) ?? 0) > 0, code + ' never seen: ' + JSON.stringify([...seen]));
  }
});

test.run();
