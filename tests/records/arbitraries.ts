// Shared generators for the record tests: CBOR values of our profile, and their cbor-x (oracle) counterparts.
import fc from 'fast-check';
import { Tag } from 'cbor-x';
import { CborMap, CborTag, type CborKey, type CborValue } from '../../firmware/records/cbor.js';
import { toHex } from '../../hal/hex.js';

const MAX = Number.MAX_SAFE_INTEGER;

/** Integers across every head size, with the boundaries dense. */
export const integer = fc.oneof(
  fc.integer({ min: -30, max: 30 }),
  fc.constantFrom(23, 24, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, MAX, -24, -25, -256, -257, -65536, -65537, -(2 ** 32), -(2 ** 32) - 1, -MAX),
  fc.integer(),
  fc.maxSafeInteger(),
);

export const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ minLength: 20, maxLength: 300 }));
export const bytes = fc.oneof(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ minLength: 20, maxLength: 300 }));
export const key: fc.Arbitrary<CborKey> = fc.oneof(integer, text);

// Tags cbor-x neither interprets nor mangles: it writes tags above 2^32 wrongly and gives meaning to 0-5, 14, 15,
// 27-29, 51, 64-87, 216-259, 27647-32767, 'Shrd' and 1811940352-2147483647 (cbor-x decode.js extension tables).
const tagNumber = fc.oneof(
  fc.constantFrom(17, 18, 61, 99, 1000, 65535, 65536, 2 ** 31, 2 ** 32 - 1),
  fc.integer({ min: 300, max: 27000 }),
  fc.integer({ min: 70000, max: 1800000000 }),
);

/** Values of our CBOR profile, maps built in random insertion order. */
export const cborValue: fc.Arbitrary<CborValue> = fc.letrec<{ value: CborValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', maxDepth: 5 },
    integer,
    text,
    bytes,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 5 }),
    fc
      .uniqueArray(fc.tuple(key, tie('value')), { selector: (kv) => typeof kv[0] + ':' + String(kv[0]), maxLength: 6 })
      .map((pairs) => new CborMap(pairs as Array<[CborKey, CborValue]>)),
    fc.tuple(tagNumber, tie('value')).map(([t, v]) => new CborTag(t, v)),
  ),
})).value;

/** RFC 8949 §4.2.1 key order, computed independently of our encoder: major type, then length/argument, then bytes. */
export function deterministicKeyOrder(a: CborKey, b: CborKey): number {
  const rank = (k: CborKey) => (typeof k === 'string' ? 3 : k < 0 ? 1 : 0);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (typeof a === 'number' && typeof b === 'number') return a >= 0 ? a - b : b - a;
  const ab = Buffer.from(a as string, 'utf8');
  const bb = Buffer.from(b as string, 'utf8');
  return ab.length - bb.length || Buffer.compare(ab, bb);
}

/** The value cbor-x must be given to write the deterministic encoding of `v`. */
export function toOracle(v: CborValue): unknown {
  if (typeof v === 'number') return Math.abs(v) >= 2 ** 32 && v !== -(2 ** 32) ? BigInt(v) : v;
  if (v instanceof CborMap) {
    const pairs = v.entries().slice().sort((x, y) => deterministicKeyOrder(x[0], y[0]));
    return new Map(pairs.map(([k, x]) => [toOracle(k), toOracle(x)]));
  }
  if (v instanceof CborTag) return new Tag(toOracle(v.value), v.tag);
  if (Array.isArray(v)) return v.map(toOracle);
  return v;
}

/** A comparable plain form of a decoded cbor-x value or of toOracle's output. */
export function normalise(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Uint8Array) return 'h:' + toHex(v);
  if (v instanceof Map) return [...v.entries()].map(([k, x]) => [normalise(k), normalise(x)]);
  if (v instanceof Tag) return { tag: v.tag, value: normalise(v.value) };
  if (Array.isArray(v)) return v.map(normalise);
  return v;
}

