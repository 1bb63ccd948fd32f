// The sync worker's pure parts: backoff ceilings, full jitter bounds, Retry-After (seconds and the three HTTP-date
// forms), the batch body (byte-identical to encodeCbor, checked by property), and defensive reading of answers.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { backoffCeiling, DEFAULT_BACKOFF, encodeBatch, fullJitter, parseAck, parseHttpDate, retryAfterMs } from '../../firmware/sync/index.js';
import { encodeCbor } from '../../firmware/records/cbor.js';

const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

test('ceilings double from 1 s and stop at 5 min', () => {
  assert.equal([0, 1, 2, 3, 8, 9, 10, 50, 1e6].map((n) => backoffCeiling(DEFAULT_BACKOFF, n)), [1000, 2000, 4000, 8000, 256000, 300000, 300000, 300000, 300000]);
});

test('full jitter stays in [0, ceiling) for any random value, even a broken source', () => {
  fc.assert(fc.property(fc.nat({ max: 100 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (n, r) => {
    const w = fullJitter(DEFAULT_BACKOFF, n, () => r);
    return w >= 0 && w < backoffCeiling(DEFAULT_BACKOFF, n) && Number.isInteger(w);
  }));
  for (const r of [NaN, -1, 1, 7]) {
    const w = fullJitter(DEFAULT_BACKOFF, 3, () => r);
    assert.ok(w >= 0 && w < 8000, `${r} -> ${w}`);
  }
});

test('HTTP dates: IMF-fixdate, RFC 850 and asctime forms; anything else is refused', () => {
  const t = Date.UTC(1994, 10, 6, 8, 49, 37);
  assert.is(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'), t);
  assert.is(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'), t);
  assert.is(parseHttpDate('Sun Nov  6 08:49:37 1994'), t);
  for (const bad of ['', 'tomorrow', 'Sun, 06 Nov 1994 08:49:37 CET', 'Sun, 06 Foo 1994 08:49:37 GMT', 'Sun, 06 Anf 1994 08:49:37 GMT', 'Sun, 06 Ecn 1994 08:49:37 GMT', 'Sun, 36 Nov 1994 08:49:37 GMT', '1994-11-06T08:49:37Z']) {
    assert.is(parseHttpDate(bad), undefined, bad);
  }
});

test('Retry-After: seconds, a date relative to now, a past date is 0, garbage and absence are undefined', () => {
  const now = Date.UTC(2026, 10, 28, 10);
  assert.is(retryAfterMs('120', now), 120_000);
  assert.is(retryAfterMs(' 0 ', now), 0);
  assert.is(retryAfterMs('Sat, 28 Nov 2026 10:01:30 GMT', now), 90_000);
  assert.is(retryAfterMs('Sat, 28 Nov 2026 09:00:00 GMT', now), 0);
  assert.is(retryAfterMs('-5', now), undefined);
  assert.is(retryAfterMs('1.5', now), undefined);
  assert.is(retryAfterMs(undefined, now), undefined);
});

test('the batch body is the deterministic CBOR array of byte strings, byte for byte, with record offsets', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 70000 }), { maxLength: 30 }), (records) => {
    const b = encodeBatch(records);
    assert.equal(b.body, encodeCbor(records));
    records.forEach((r, i) => assert.equal(b.body.subarray(b.offsets[i], b.offsets[i] + b.lengths[i]), r));
  }), { numRuns: 60 });
});

test('answers are read defensively: not JSON, no devices, a bad ackedThrough, odd rejects', () => {
  assert.equal(parseAck(enc('<html>'), 'd'), { ok: false, message: 'answer is not JSON' });
  assert.is(parseAck(enc({}), 'd').ok, false);
  assert.is(parseAck(enc({ devices: { d: { ackedThrough: 'x' } } }), 'd').ok, false);
  assert.is(parseAck(enc({ devices: { d: { ackedThrough: -2 } } }), 'd').ok, false);
  assert.equal(parseAck(enc({ devices: {} }), 'd'), { ok: true, device: undefined, malformed: [] });
  const r = parseAck(enc({ devices: { d: { ackedThrough: 3, ackedHash: 'ab', rejected: [null, 5, { reason: 'fork', permanent: true, seq: 2 }, { reason: 'x' }] } }, malformed: [{ index: 1, reason: 'malformed', message: 'm' }, 'junk'] }), 'd');
  assert.equal(r, {
    ok: true,
    device: { ackedThrough: 3, ackedHash: 'ab', accepted: 0, duplicates: 0, rejected: [{ seq: 2, reason: 'fork', permanent: true, message: '' }] },
    malformed: [{ index: 1, reason: 'malformed', message: 'm' }],
  });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
    parseAck(b, 'd');
  }));
});

test('answers are read by own properties: device ids such as constructor, toString and __proto__', () => {
  const none = parseAck(enc({ devices: {}, malformed: [] }), 'constructor');
  assert.equal(none, { ok: true, device: undefined, malformed: [] }, 'Object.prototype.constructor is not an answer');
  for (const id of ['toString', '__proto__', 'constructor']) {
    const text = `{"devices":{${JSON.stringify(id)}:{"ackedThrough":4,"ackedHash":"ab","accepted":5,"duplicates":0,"rejected":[]}},"malformed":[]}`;
    const r = parseAck(enc(text), id);
    assert.ok(r.ok && r.device && r.device.ackedThrough === 4, id);
  }
});

test.run();
