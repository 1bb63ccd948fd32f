// The record builder checks values with the parser's rules instead of parsing what it wrote (so that a device needs
// no CBOR decoding per record). Held here to the way it used to work, which is the guarantee itself: build the map,
// encode it, and run the strict parser on the bytes. On random payloads, valid and broken, both accept the same ones
// with the same bytes, and refuse the same ones.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { CborMap, encodeCbor, type CborValue } from '../../firmware/records/cbor.js';
import { RecordError } from '../../firmware/records/errors.js';
import { decodePayload, encodePayload, PAYLOAD_MAX_ITEMS } from '../../firmware/records/record.js';
import { headerFields, kindFields, RECORD_KINDS, type RecordPayload } from '../../firmware/records/kinds.js';
import { genuineScan, T0 } from '../../sim/sweeps/fixtures.js';
import { toHex } from '../../hal/hex.js';

/** The builder as it was: the fields into a map, encoded, then parsed; any throw is a refusal. */
function viaParser(p: RecordPayload): Uint8Array | 'refused' {
  try {
    const source = p as unknown as { [name: string]: unknown };
    const fields = headerFields().concat(kindFields(p.kind) || []);
    const m = new CborMap();
    for (const f of fields) {
      const v = source[f.name];
      if (v === undefined) continue;
      let c = v as CborValue;
      if (f.type === 'ranges') c = (v as number[][]).map((r) => [r[0], r[1]]);
      if (f.type === 'spans') c = (v as Array<{ segment: string; offset: number; length: number }>).map((s) => [s.segment, s.offset, s.length]);
      m.set(f.key, c);
    }
    const bytes = encodeCbor(m);
    decodePayload(bytes);
    return bytes;
  } catch {
    return 'refused';
  }
}

function viaBuilder(p: RecordPayload): Uint8Array | 'refused' {
  try {
    return encodePayload(p);
  } catch (e) {
    if (!(e instanceof RecordError) || e.code !== 'BAD_INPUT') throw new Error('not a BAD_INPUT RecordError: ' + String(e));
    return 'refused';
  }
}

function same(p: RecordPayload): void {
  const a = viaParser(p);
  const b = viaBuilder(p);
  assert.is(typeof b === 'string' ? b : toHex(b), typeof a === 'string' ? a : toHex(a));
}

const header = { device: 'scanner-0001', seq: 700, prev: new Uint8Array(32).fill(0xab), time: T0, boot: 3 };
const bases: RecordPayload[] = [
  { ...header, seq: 0, prev: new Uint8Array(32), kind: 'boot', firmware: '0.1.0', reset: 'power-on' },
  { ...header, kind: 'login', inspector: 'badge-0042', site: '4012345000009' },
  { ...header, kind: 'logout', inspector: 'badge-0042' },
  { ...header, kind: 'scan', ...genuineScan(), step: 'receiving' },
  { ...header, kind: 'checkpoint', count: 700, head: header.prev },
  { ...header, kind: 'fault', reason: 'torn-tail', lost: [[5, 6]], discardedBytes: 120, where: [{ segment: 'seg-0003', offset: 4000, length: 120 }] },
  { ...header, kind: 'commission', site: '4012345000009', uid: new Uint8Array(7).fill(4), digitalLink: 'https://id.gs1.org/01/09506000134352/21/A1', sealHash: new Uint8Array(32).fill(9), issuerKeyId: new Uint8Array(4).fill(1) },
];

const names = [...new Set([...headerFields(), ...RECORD_KINDS.flatMap((k) => kindFields(k)!)].map((f) => f.name))];

/** Values of every shape a field could wrongly (or rightly) hold. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(1.5, -0, NaN, Infinity, 2 ** 53, 2 ** 53 - 1, 699, 700, 701),
  fc.string({ maxLength: 6 }),
  fc.constantFrom('', 'a-b', 'A', 'seal-unchecked', 'x'.repeat(33), 'x'.repeat(1025), 'bad\ud800', 'genuine', 'torn-tail', 'receiving', 'power-on', 'valid', 'closed', 'has space', 'ok.id:1_-'),
  fc.uint8Array({ maxLength: 40 }),
  fc.constantFrom(4, 7, 10, 31, 32, 33).map((n) => new Uint8Array(n).fill(0xab)),
  fc.constant(new Uint8Array(32)),
  fc.array(fc.oneof(fc.constantFrom('a', 'b-c', 'Bad'), fc.integer({ min: 0, max: 9 })), { maxLength: 3 }),
  fc.array(fc.tuple(fc.nat(800), fc.nat(800)).map(([a, b]) => [Math.min(a, b), Math.max(a, b)]), { maxLength: 3 }),
  fc.array(fc.record({ segment: fc.constantFrom('seg-1', '', 'x'.repeat(65)), offset: fc.nat(9), length: fc.constantFrom(0, 60, 120) }), { maxLength: 2 }),
  fc.constantFrom([[1, 2, 3]], [[2, 1]], [[1, 2], [3, 4]], [[1, 2], [2, 4]], [[0, 699]], [[0, 700]], [{ segment: 'a', offset: 0, length: 120 }], 'all', {}),
);

test('random payloads, valid and broken: the builder accepts exactly what the parser accepts, with the same bytes', () => {
  const mutation = fc.tuple(fc.constantFrom(...names), anyValue);
  fc.assert(
    fc.property(fc.constantFrom(...bases), fc.array(mutation, { maxLength: 3 }), (base, changes) => {
      const p = { ...base } as unknown as { [name: string]: unknown };
      for (const [name, v] of changes) p[name] = v;
      same(p as unknown as RecordPayload);
    }),
    { numRuns: 4000 },
  );
});

test('the unmutated payloads of every kind are accepted by both', () => {
  for (const p of bases) {
    const b = viaBuilder(p);
    assert.instance(b, Uint8Array, p.kind);
    same(p);
  }
});

test('the data item cap: a fault record just under, at and over it, as the parser counts items', () => {
  let seen = { under: 0, over: 0 };
  for (let n = 670; n <= 680; n++) {
    for (let m = 0; m <= 3; m++) {
      const lost: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) lost.push([3 * i, 3 * i]);
      const where = [];
      for (let i = 0; i < m; i++) where.push({ segment: 'seg-' + i, offset: i, length: 10 });
      const p: RecordPayload = { ...header, seq: 3 * n + 5, kind: 'fault', reason: 'bad-crc', lost, discardedBytes: 10 * m, where };
      // Items: the map, six header pairs, reason, lost (3 per range), discardedBytes, where (4 per span).
      const items = 1 + 12 + 2 + 2 + 3 * n + 2 + 2 + 4 * m;
      const b = viaBuilder(p);
      assert.is(typeof b === 'string', items > PAYLOAD_MAX_ITEMS, `${n} ranges, ${m} spans: ${items} items`);
      seen = typeof b === 'string' ? { ...seen, over: seen.over + 1 } : { ...seen, under: seen.under + 1 };
      same(p);
    }
  }
  assert.ok(seen.under > 0 && seen.over > 0);
});

test('refusals name the field', () => {
  const scan = bases[3];
  const cases: Array<[{ [k: string]: unknown }, RegExp]> = [
    [{ verdict: undefined }, /key 16 \(verdict\) is missing/],
    [{ kind: 'nonsense' }, /key 4 \(kind\) must be one of/],
    [{ seq: -1 }, /key 2 \(seq\) must be an unsigned integer/],
    [{ uid: new Uint8Array(5) }, /key 10 \(uid\) must be a 4, 7 or 10-byte/],
    [{ reasons: ['Not A Code'] }, /key 17 \(reasons\)/],
    [{ inspector: 'bad\ud800' }, /lone high surrogate/],
    [{ seq: 1.5 }, /1\.5/],
  ];
  for (const [change, pattern] of cases) {
    assert.throws(() => encodePayload({ ...scan, ...change } as RecordPayload), (e: unknown) => e instanceof RecordError && e.code === 'BAD_INPUT' && pattern.test(e.message), pattern.source);
  }
});

test("every kind's keys, header included, ascend and number fewer than 24: the builder writes them in table order under a one-byte map head", () => {
  for (const kind of RECORD_KINDS) {
    const own = kindFields(kind)!;
    const keys = headerFields().concat(own).map((f) => f.key);
    for (let i = 1; i < keys.length; i++) assert.ok(keys[i - 1] < keys[i], `${kind}: key ${keys[i]} after ${keys[i - 1]}`);
    assert.ok(keys.length < 24, `${kind}: ${keys.length} keys`);
  }
});

test('every kind has its fields, a key means one name and one type in every kind that uses it, and an unknown kind has none', () => {
  const seen = new Map<number, string>();
  for (const kind of RECORD_KINDS) {
    const own = kindFields(kind);
    assert.ok(own && own.length > 0, kind);
    for (const f of headerFields().concat(own!)) {
      const said = JSON.stringify([f.name, f.type]);
      assert.is(seen.get(f.key) ?? said, said, `${kind}: key ${f.key}`);
      seen.set(f.key, said);
    }
  }
  assert.is(kindFields('reboot'), undefined);
  assert.is(kindFields(''), undefined);
});

test.run();
