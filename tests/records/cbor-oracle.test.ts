// Our deterministic encoder against cbor-x as an independent oracle, on generated values of our profile.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { Encoder } from 'cbor-x';
import { CborMap, decodeCbor, encodeCbor, type CborKey, type CborValue } from '../../firmware/records/cbor.js';
import { cborValue, normalise, toOracle } from './arbitraries.js';
import { toHex } from '../../hal/hex.js';

// Definite lengths, no records/packing, byte strings untagged, maps as Maps: cbor-x then writes shortest heads.
const oracle = new Encoder({ mapsAsObjects: false, useRecords: false, variableMapSize: true, tagUint8Array: false, pack: false, structuredClone: false });

test('10,000 generated values: our bytes equal cbor-x given the keys in deterministic order', () => {
  fc.assert(
    fc.property(cborValue, (v) => {
      assert.is(toHex(encodeCbor(v)), toHex(oracle.encode(toOracle(v))));
    }),
    { numRuns: 10000 },
  );
});

test('10,000 generated values: cbor-x reads our bytes as the value; we decode and re-encode them identically', () => {
  fc.assert(
    fc.property(cborValue, (v) => {
      const bytes = encodeCbor(v);
      assert.equal(normalise(oracle.decode(bytes)), normalise(toOracle(v)));
      assert.is(toHex(encodeCbor(decodeCbor(bytes))), toHex(bytes));
    }),
    { numRuns: 10000 },
  );
});

function shuffled<T>(a: readonly T[], seed: number): T[] {
  const out = a.slice();
  for (let i = out.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

function reorderMaps(v: CborValue, seed: number): CborValue {
  if (v instanceof CborMap) return new CborMap(shuffled(v.entries(), seed).map(([k, x]) => [k, reorderMaps(x, seed + 1)] as [CborKey, CborValue]));
  if (Array.isArray(v)) return v.map((x) => reorderMaps(x, seed + 1));
  return v;
}

test('the encoding does not depend on the insertion order of map keys (where cbor-x keeps insertion order)', () => {
  fc.assert(
    fc.property(cborValue, fc.integer({ min: 1, max: 1e6 }), (v, seed) => {
      assert.is(toHex(encodeCbor(reorderMaps(v, seed))), toHex(encodeCbor(v)));
    }),
    { numRuns: 2000 },
  );
  // And cbor-x itself would have written the unsorted order, which our decoder refuses.
  const unsorted = oracle.encode(new Map<unknown, unknown>([['a', 1], [1, 2]]));
  assert.throws(() => decodeCbor(unsorted), /UNSORTED_KEYS/);
});

test.run();
