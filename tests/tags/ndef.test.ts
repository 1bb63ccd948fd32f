// NDEF message codec and the well-known URI/Text records.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { decodeNdefMessage, encodeNdefMessage, ndefRecord, type NdefRecord } from '../../firmware/tags/ndef.js';
import { decodeTextRecord, decodeUriRecord, textRecord, uriPrefix, uriPrefixes, uriRecord } from '../../firmware/tags/ndef-records.js';
import { FINDING_CODES } from '../../firmware/tags/findings.js';
import { hexLiteral, toHex } from '../../hal/hex.js';


function ok<T>(r: { ok: true; value: T } | { ok: false; finding: { code: string; message: string } }): T {
  if (!r.ok) throw new Error('expected ok, got ' + r.finding.code + ': ' + r.finding.message);
  return r.value;
}

function code(r: { ok: boolean; finding?: { code: string } }): string {
  return r.ok ? 'ok' : r.finding!.code;
}

test('reference worked example: "https://nxp.com" is D1 01 08 55 04 6E 78 70 2E 63 6F 6D', () => {
  const msg = ok(encodeNdefMessage([ok(uriRecord('https://nxp.com'))]));
  assert.is(toHex(msg, ' '), 'd1 01 08 55 04 6e 78 70 2e 63 6f 6d');
  const back = ok(decodeNdefMessage(msg));
  assert.is(back.length, 1);
  assert.is(ok(decodeUriRecord(back[0])), 'https://nxp.com');
});

test('URI prefix table: 36 codes 00h–23h, longest prefix chosen, each round-trips', () => {
  const URI_PREFIXES = uriPrefixes();
  assert.is(URI_PREFIXES.length, 0x24);
  assert.is(URI_PREFIXES[0x02], 'https://www.');
  assert.is(URI_PREFIXES[0x1e], 'urn:epc:id:');
  assert.is(URI_PREFIXES[0x23], 'urn:nfc:');
  // The lookup by code agrees with the table, and has nothing above 23h.
  for (let c = 0; c < 0x24; c++) assert.is(uriPrefix(c), URI_PREFIXES[c], String(c));
  for (const c of [0x24, 0x25, 0xff]) assert.is(uriPrefix(c), undefined, String(c));
  assert.is(ok(uriRecord('https://www.example.com')).payload[0], 0x02);
  assert.is(ok(uriRecord('urn:epc:id:sgtin:1')).payload[0], 0x1e);
  assert.is(ok(uriRecord('urn:x')).payload[0], 0x13);
  assert.is(ok(uriRecord('gopher://x')).payload[0], 0x00);
  for (let c = 1; c < URI_PREFIXES.length; c++) {
    const uri = URI_PREFIXES[c] + 'rest/é';
    const r = ok(uriRecord(uri));
    assert.is(r.payload[0], c, uri);
    assert.is(ok(decodeUriRecord(r)), uri);
  }
});

test('URI findings: reserved prefix code, empty payload, bad UTF-8, wrong type', () => {
  assert.is(code(decodeUriRecord(ndefRecord(1, 'U', hexLiteral('24 61')))), 'URI_PREFIX');
  assert.is(code(decodeUriRecord(ndefRecord(1, 'U', new Uint8Array(0)))), 'RECORD_PAYLOAD');
  const bad = decodeUriRecord(ndefRecord(1, 'U', hexLiteral('04 61 c3 28')));
  assert.is(code(bad), 'UTF8');
  if (!bad.ok) assert.is(bad.finding.offset, 2);
  assert.is(code(decodeUriRecord(ndefRecord(1, 'T', hexLiteral('04 61')))), 'RECORD_TYPE');
  assert.is(code(decodeUriRecord(ndefRecord(2, 'U', hexLiteral('04 61')))), 'RECORD_TYPE');
  assert.is(code(uriRecord('https://\ud800')), 'UTF8');
});

test('Text record: status byte, language, UTF-8 and UTF-16 text', () => {
  const t = ok(textRecord('Hello World', 'en'));
  assert.is(toHex(t.payload, ' '), '02 65 6e 48 65 6c 6c 6f 20 57 6f 72 6c 64');
  assert.equal(ok(decodeTextRecord(t)), { text: 'Hello World', language: 'en', encoding: 'utf-8' });
  assert.equal(ok(decodeTextRecord(ok(textRecord('Grüße', 'de')))).text, 'Grüße');
  const be = ndefRecord(1, 'T', hexLiteral('82 65 6e 00 48 00 69'));
  assert.equal(ok(decodeTextRecord(be)), { text: 'Hi', language: 'en', encoding: 'utf-16' });
  const le = ndefRecord(1, 'T', hexLiteral('82 65 6e ff fe 48 00 69 00'));
  assert.is(ok(decodeTextRecord(le)).text, 'Hi');
  assert.is(code(decodeTextRecord(ndefRecord(1, 'T', hexLiteral('82 65 6e 00')))), 'UTF8');
  assert.is(code(decodeTextRecord(ndefRecord(1, 'T', hexLiteral('05 65 6e')))), 'RECORD_PAYLOAD');
  assert.is(code(decodeTextRecord(ndefRecord(1, 'T', new Uint8Array(0)))), 'RECORD_PAYLOAD');
  assert.is(code(textRecord('x', '')), 'RECORD_PAYLOAD');
});

test('header flags: MB/ME, SR for short payloads, a 4-byte length from 256 bytes on, IL only with an ID', () => {
  const big = new Uint8Array(300).fill(7);
  const msg = ok(
    encodeNdefMessage([
      ndefRecord(1, 'U', hexLiteral('04 61')),
      ndefRecord(2, 'text/plain', big, hexLiteral('69 64')),
      ndefRecord(4, 'example.com:seal', new Uint8Array(0)),
    ]),
  );
  assert.is(msg[0], 0x91); // MB | SR | TNF 1
  const second = 3 + 1 + 2;
  assert.is(msg[second], 0x0a); // no MB/ME/SR, IL, TNF 2
  assert.equal([...msg.subarray(second + 2, second + 6)], [0, 0, 1, 0x2c]);
  assert.is(msg[second + 6], 2); // ID length
  const third = second + 7 + 10 + 2 + 300;
  assert.is(msg[third], 0x54); // ME | SR | TNF 4
  const back = ok(decodeNdefMessage(msg));
  assert.is(back.length, 3);
  assert.equal([...back[1].id], [0x69, 0x64]);
  assert.is(back[1].payload.length, 300);
});

test('a long-form record with a short payload is accepted when reading', () => {
  const r = ok(decodeNdefMessage(hexLiteral('c1 01 00 00 00 02 55 04 61')));
  assert.equal([...r[0].payload], [4, 0x61]);
});

test('an empty message (NDEF TLV of length 0) has no records', () => {
  assert.equal(ok(decodeNdefMessage(new Uint8Array(0))), []);
});

const hostile: Array<[string, string, number]> = [
  ['51 01 01 55 00', 'NDEF_FLAGS', 0], // no MB
  ['91 01 01 55 00 d1 01 01 55 00', 'NDEF_FLAGS', 5], // MB on the second record
  ['b1 01 01 55 00', 'NDEF_CHUNKED', 0],
  ['d7 00 00', 'NDEF_TNF', 0], // TNF 7
  ['d6 00 00', 'NDEF_TNF', 0], // TNF 6 outside a chunk
  ['d0 01 00 55', 'NDEF_TNF', 0], // empty with a type
  ['d5 01 00 55', 'NDEF_TNF', 0], // unknown with a type
  ['d1 00 01 00', 'NDEF_TNF', 0], // well-known without a type
  ['d1 01', 'NDEF_TRUNCATED', 0],
  ['c1 01 00 00', 'NDEF_TRUNCATED', 0],
  ['d9 01 01', 'NDEF_TRUNCATED', 0], // IL set, no ID length
  ['91 01 01 55 00', 'NDEF_TRUNCATED', 5], // no ME before the end
  ['d1 01 05 55 00', 'NDEF_LENGTH', 0],
  ['c1 01 ff ff ff ff 55', 'NDEF_LENGTH', 0], // 4 GiB payload
  ['d9 01 01 ff 55 00', 'NDEF_LENGTH', 0], // ID of 255 bytes
  ['d1 01 01 55 00 00 00', 'NDEF_TRAILING', 5],
];

test('hostile messages give the right finding at the right offset', () => {
  for (const [h, expected, offset] of hostile) {
    const r = decodeNdefMessage(hexLiteral(h));
    assert.is(code(r), expected, h);
    if (!r.ok) assert.is(r.finding.offset, offset, h);
  }
});

test('encoder refusals: empty list, oversized type or ID, TNF rules', () => {
  assert.is(code(encodeNdefMessage([])), 'NDEF_EMPTY');
  assert.is(code(encodeNdefMessage([ndefRecord(2, new Uint8Array(256), new Uint8Array(0))])), 'NDEF_FIELD_SIZE');
  assert.is(code(encodeNdefMessage([ndefRecord(2, 'a', new Uint8Array(0), new Uint8Array(256))])), 'NDEF_FIELD_SIZE');
  assert.is(code(encodeNdefMessage([ndefRecord(7, '', new Uint8Array(0))])), 'NDEF_TNF');
  assert.is(code(encodeNdefMessage([ndefRecord(1, '', new Uint8Array(1))])), 'NDEF_TNF');
  assert.is(code(encodeNdefMessage([ndefRecord(0, '', new Uint8Array(1))])), 'NDEF_TNF');
});

const recordArb: fc.Arbitrary<NdefRecord> = fc.oneof(
  fc.record({ tnf: fc.constant(0), type: fc.constant(new Uint8Array(0)), id: fc.constant(new Uint8Array(0)), payload: fc.constant(new Uint8Array(0)) }),
  fc.record({
    tnf: fc.integer({ min: 1, max: 4 }),
    type: fc.uint8Array({ minLength: 1, maxLength: 20 }),
    id: fc.uint8Array({ maxLength: 5 }),
    payload: fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ minLength: 250, maxLength: 600 })),
  }),
  fc.record({ tnf: fc.constant(5), type: fc.constant(new Uint8Array(0)), id: fc.uint8Array({ maxLength: 3 }), payload: fc.uint8Array({ maxLength: 30 }) }),
);

test('property: encode → decode gives the records back', () => {
  fc.assert(
    fc.property(fc.array(recordArb, { minLength: 1, maxLength: 5 }), (records) => {
      const msg = ok(encodeNdefMessage(records));
      const back = ok(decodeNdefMessage(msg));
      assert.equal(back.map((r) => [r.tnf, [...r.type], [...r.id], [...r.payload]]), records.map((r) => [r.tnf, [...r.type], [...r.id], [...r.payload]]));
    }),
    { numRuns: 500 },
  );
});

test('property: random bytes decode to records or a known finding inside the range, never a throw', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(8), (b, cut) => {
      const end = Math.max(0, b.length - cut);
      const r = decodeNdefMessage(b, 0, end);
      if (!r.ok) {
        assert.ok(FINDING_CODES.includes(r.finding.code));
        assert.ok(r.finding.offset >= 0 && r.finding.offset <= end, `${r.finding.offset} of ${end}`);
      }
    }),
    { numRuns: 5000 },
  );
});

test.run();
