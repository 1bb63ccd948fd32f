// Record payloads: every kind round-trips through the builder and the strict parser; every rule is enforced.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CborMap, decodeCbor, encodeCbor, type CborValue } from '../../firmware/records/cbor.js';
import { RecordError } from '../../firmware/records/errors.js';
import { decodePayload, encodePayload } from '../../firmware/records/record.js';
import type { RecordPayload, ScanEvidence } from '../../firmware/records/kinds.js';
import { genuineScan, T0 } from '../../sim/sweeps/fixtures.js';

const header = { device: 'scanner-0001', seq: 7, prev: new Uint8Array(32).fill(0xab), time: T0, boot: 3 };

const samples: RecordPayload[] = [
  { ...header, seq: 0, prev: new Uint8Array(32), kind: 'boot', firmware: '0.1.0', reset: 'power-on' },
  { ...header, kind: 'login', inspector: 'badge-0042' },
  { ...header, kind: 'login', inspector: 'badge-0042', site: '4012345000009' },
  { ...header, kind: 'logout', inspector: 'badge-0042' },
  { ...header, kind: 'scan', ...genuineScan() },
  { ...header, kind: 'scan', ...genuineScan(), seal: undefined, digitalLink: undefined, verdict: 'unknown', reasons: ['no-seal'] },
  { ...header, kind: 'checkpoint', count: 7, head: header.prev },
  { ...header, kind: 'fault', reason: 'torn-tail', lost: [[5, 6]], discardedBytes: 120, where: [{ segment: 'seg-0003', offset: 4000, length: 120 }] },
  { ...header, kind: 'fault', reason: 'bad-crc', lost: [], discardedBytes: 0, where: [] },
];

/** A comparable form: bytes as arrays, undefined optional fields dropped (the parser returns them absent). */
function plain(p: RecordPayload): unknown {
  return JSON.parse(JSON.stringify(p, (_k, v) => (v instanceof Uint8Array ? Array.from(v) : v)));
}

test('every kind round-trips: what the builder emits, the parser returns unchanged', () => {
  for (const p of samples) {
    const bytes = encodePayload(p);
    assert.equal(plain(decodePayload(bytes)), plain(p), p.kind);
    assert.is(Buffer.from(encodePayload(decodePayload(bytes))).toString('hex'), Buffer.from(bytes).toString('hex'));
  }
});

const code = fc.stringMatching(/^[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}$/);
const evidence: fc.Arbitrary<ScanEvidence> = fc.record(
  {
    uid: fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 7, maxLength: 7 }), fc.uint8Array({ minLength: 10, maxLength: 10 })),
    tagType: code,
    seal: fc.uint8Array({ maxLength: 200 }),
    digitalLink: fc.webUrl(),
    originality: fc.constantFrom('valid', 'invalid', 'unreadable', 'not-supported'),
    tamper: fc.constantFrom('closed', 'open', 'unreadable', 'no-loop'),
    verdict: fc.constantFrom('genuine', 'tampered', 'clone-suspect', 'invalid-seal', 'unknown', 'unreadable'),
    reasons: fc.array(code, { maxLength: 4 }),
    originalitySig: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    inspector: fc.string({ minLength: 1, maxLength: 20 }),
    site: fc.string({ minLength: 1, maxLength: 20 }),
  },
  { requiredKeys: ['uid', 'tagType', 'originality', 'tamper', 'verdict', 'reasons', 'inspector', 'site'] },
);

test('generated scan evidence round-trips', () => {
  fc.assert(
    fc.property(evidence, fc.nat(), (e, seq) => {
      const p: RecordPayload = { ...header, seq: seq + 1, kind: 'scan', ...e };
      assert.equal(plain(decodePayload(encodePayload(p))), plain(p));
    }),
    { numRuns: 1000 },
  );
});

/** A valid scan payload's map after `change` (which edits it in place or returns a replacement). */
function payloadWith(change: (m: CborMap) => CborMap | void, base: RecordPayload = samples[4]): Uint8Array {
  const m = decodeCbor(encodePayload(base)) as CborMap;
  const copy = new CborMap(m.entries().map(([k, v]) => [k, v] as [number | string, CborValue]));
  return encodeCbor(change(copy) || copy);
}

function refused(bytes: Uint8Array, pattern: RegExp): void {
  try {
    decodePayload(bytes);
    assert.unreachable('accepted');
  } catch (e) {
    if (!(e instanceof RecordError)) throw e;
    assert.match(e.message, pattern);
  }
}

test('the parser refuses missing, unknown and mistyped keys, naming the key', () => {
  const without = (key: number) => payloadWith((m) => new CborMap(m.entries().filter(([k]) => k !== key) as Array<[number, CborValue]>));
  refused(without(16), /key 16 \(verdict\) is missing/);
  refused(without(4), /key 4 \(kind\) must be one of/);
  refused(payloadWith((m) => m.set(99, 1)), /key 99 is not defined for kind scan/);
  refused(payloadWith((m) => m.set('1', 1)), /key "1" is not defined/);
  refused(payloadWith((m) => m.set(30, 1)), /key 30 is not defined for kind scan/);
  refused(payloadWith((m) => m.set(2, -1)), /key 2 \(seq\) must be an unsigned integer/);
  refused(payloadWith((m) => m.set(3, new Uint8Array(31))), /key 3 \(prev\) must be a 32-byte/);
  refused(payloadWith((m) => m.set(1, 'has space')), /key 1 \(device\)/);
  refused(payloadWith((m) => m.set(1, 'x'.repeat(65))), /key 1 \(device\)/);
  refused(payloadWith((m) => m.set(10, new Uint8Array(5))), /key 10 \(uid\) must be a 4, 7 or 10-byte/);
  refused(payloadWith((m) => m.set(16, 'fine')), /key 16 \(verdict\) must be one of genuine/);
  refused(payloadWith((m) => m.set(17, ['Not A Code'])), /key 17 \(reasons\)/);
  refused(payloadWith((m) => m.set(11, '')), /key 11 \(tagType\)/);
  refused(payloadWith((m) => m.set(7, '')), /key 7 \(inspector\) must be text/);
  refused(encodeCbor([1, 2]), /payload is not a map/);
  refused(Uint8Array.of(0xa1, 0x01), /CBOR/);
});

test('key 18 (originalitySig) is optional: records without it decode as before, with it round-trip, and it is checked', () => {
  // Bytes of a scan record made before key 18 existed (the fixture has not changed): they still decode, unchanged.
  const old = encodePayload(samples[4]);
  const decoded = decodePayload(old);
  assert.is(decoded.kind === 'scan' && decoded.originalitySig, undefined);
  assert.is(Buffer.from(encodePayload(decoded)).toString('hex'), Buffer.from(old).toString('hex'));
  const sig = new Uint8Array(32).map((_b, i) => i + 1);
  const withSig = { ...samples[4], originality: 'not-supported', reasons: ['originality-unchecked'], originalitySig: sig } as RecordPayload;
  const bytes = encodePayload(withSig);
  assert.is(bytes.length, old.length + 35 + ('originality-unchecked'.length + 1) + ('not-supported'.length - 'valid'.length), 'key 18 costs 35 bytes (key, head, 32 bytes), plus the reason and the longer originality text');
  const back = decodePayload(bytes);
  assert.equal(back.kind === 'scan' ? Array.from(back.originalitySig!) : [], Array.from(sig));
  refused(payloadWith((m) => m.set(18, new Uint8Array(31))), /key 18 \(originalitySig\) must be a 32-byte byte string/);
  refused(payloadWith((m) => m.set(18, 'ab'.repeat(32))), /key 18 \(originalitySig\)/);
  refused(payloadWith((m) => m.set(18, sig), samples[3]), /key 18 is not defined for kind logout/);
});

test('the parser refuses inconsistent fields', () => {
  refused(encodeUnchecked({ ...samples[1], seq: 0 }), /seq 0 must have 32 zero bytes/);
  refused(encodeUnchecked({ ...samples[1], prev: new Uint8Array(32) }), /only seq 0 or a fault/);
  refused(encodeUnchecked({ ...header, kind: 'checkpoint', count: 6, head: header.prev }), /count 6 is not its own seq 7/);
  refused(encodeUnchecked({ ...header, kind: 'checkpoint', count: 7, head: new Uint8Array(32).fill(1) }), /head is not its own prev/);
  const fault = samples[7] as RecordPayload & { kind: 'fault' };
  refused(encodeUnchecked({ ...fault, lost: [[4, 4], [2, 2]] }), /sorted, disjoint/);
  refused(encodeUnchecked({ ...fault, lost: [[2, 4], [4, 5]] }), /sorted, disjoint/);
  refused(encodeUnchecked({ ...fault, lost: [[2, 3], [4, 5]] }), /not adjacent/);
  refused(encodeUnchecked({ ...fault, lost: [[5, 7]] }), /seq 7 lost, not below its own seq 7/);
  refused(encodeUnchecked({ ...fault, lost: [[5, 4]] }), /first <= last/);
  refused(encodeUnchecked({ ...fault, discardedBytes: 121 }), /add up to 120 bytes, discardedBytes says 121/);
});

/** The CBOR of a payload without the builder's check, to feed the parser what a forger might send. */
function encodeUnchecked(p: RecordPayload): Uint8Array {
  const m = new CborMap([[1, p.device], [2, p.seq], [3, p.prev], [4, p.kind], [5, p.time], [6, p.boot]]);
  if (p.kind === 'login' || p.kind === 'logout') m.set(7, p.inspector);
  if (p.kind === 'checkpoint') m.set(30, p.count).set(31, p.head);
  if (p.kind === 'fault') m.set(40, p.reason).set(41, p.lost).set(42, p.discardedBytes).set(43, p.where.map((w) => [w.segment, w.offset, w.length]));
  return encodeCbor(m);
}

test('the builder refuses what the parser would, with BAD_INPUT', () => {
  const bad: RecordPayload[] = [
    { ...header, kind: 'logout', inspector: '' },
    { ...header, seq: 1.5, kind: 'logout', inspector: 'a' },
    { ...header, kind: 'scan', ...genuineScan(), uid: new Uint8Array(3) },
    { ...header, kind: 'boot', firmware: '1', reset: 'meteor' as 'pin' },
    { ...header, kind: 'nonsense' } as unknown as RecordPayload,
    { ...header, kind: 'fault', reason: 'torn-tail', lost: 'all' as unknown as Array<[number, number]>, discardedBytes: 0, where: [] },
  ];
  for (const p of bad) {
    assert.throws(() => encodePayload(p), (e: unknown) => e instanceof RecordError && e.code === 'BAD_INPUT', JSON.stringify(p.kind));
  }
});

test.run();
