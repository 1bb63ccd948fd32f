// Whatever a tag's memory holds, the verdict engine answers with a verdict and reasons: never an exception, never a
// hang, never "genuine" for memory that was not sealed by a trusted issuer for this UID.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { judge, type TrustConfig } from '../../firmware/seals/verdict.js';
import { LADDER } from '../../firmware/records/scan-reasons.js';
import { specFor } from '../../firmware/tags/type2-catalog.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import type { Type2Reading } from '../../firmware/scan/read-tag.js';
import { exampleBytes, EXAMPLE } from './seal-example.js';
import { hexLiteral } from '../../hal/hex.js';

const crypto = createNodeCrypto();
const spec = specFor('NTAG213');
const uid = hexLiteral(EXAMPLE.uid);
const issuerPub = crypto.ed25519!.publicKeyOf(hexLiteral(EXAMPLE.issuerSeed));
const trust: TrustConfig = { issuers: [{ name: 'example', publicKey: issuerPub }] };
const sealedTlv = hexLiteral(exampleBytes().tlv);

function image(data: Uint8Array, cc: number[] | null): Uint8Array {
  const m = new Uint8Array(45 * 4);
  m.set(uid.subarray(0, 3), 0);
  m.set(uid.subarray(3), 4);
  if (cc) m.set(cc, 12);
  m.set(data.subarray(0, 144), 16);
  return m;
}

function reading(memory: Uint8Array): Type2Reading {
  return {
    kind: 'type2',
    activation: { uid, atqa: Uint8Array.of(0x44, 0x00), sak: 0 },
    version: Uint8Array.from(spec.version ?? []),
    spec,
    memory,
    signature: new Uint8Array(32),
  };
}

const memories = fc.oneof(
  // Random bytes, with and without a valid CC.
  fc.uint8Array({ minLength: 144, maxLength: 144 }).map((d) => image(d, [0xe1, 0x10, 0x12, 0x00])),
  fc.tuple(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.uint8Array({ minLength: 144, maxLength: 144 })).map(([cc, d]) => image(d, Array.from(cc))),
  // The real seal with bytes flipped, overwritten, or cut.
  fc.tuple(fc.array(fc.tuple(fc.nat(sealedTlv.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 }), fc.nat(sealedTlv.length)).map(([edits, cut]) => {
    const d = new Uint8Array(144);
    d.set(sealedTlv.subarray(0, Math.max(cut, 2)));
    for (const [at, x] of edits) d[at] ^= x;
    return image(d, [0xe1, 0x10, 0x12, 0x00]);
  }),
  // TLV-shaped noise: plausible tags and lengths.
  fc.array(fc.tuple(fc.constantFrom(0x00, 0x01, 0x02, 0x03, 0xfd, 0xfe, 0xff), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 40 })), { maxLength: 8 }).map((tlvs) => {
    const d: number[] = [];
    for (const [t, l, v] of tlvs) d.push(t, l, ...v);
    return image(Uint8Array.from(d.slice(0, 144)), [0xe1, 0x10, 0x12, 0x00]);
  }),
);

test('100,000 hostile memories: always a verdict from the ladder, never genuine unless the seal is intact', () => {
  const intact = image(sealedTlv, [0xe1, 0x10, 0x12, 0x00]);
  const now = Date.UTC(2026, 10, 28);
  const base = judge(reading(intact), trust, { ...crypto, originality: undefined }, now);
  assert.is(base.verdict, 'genuine', JSON.stringify(base.findings));
  let genuine = 0;
  fc.assert(
    fc.property(memories, (m) => {
      const j = judge(reading(m), trust, { ...crypto, originality: undefined }, now);
      assert.ok(LADDER.includes(j.verdict));
      assert.ok(j.headline.length > 0);
      for (const f of j.findings) assert.ok(/^[a-z0-9-]{1,32}$/.test(f.code), f.code);
      if (j.verdict === 'genuine') {
        genuine++;
        // Only memories holding the very same link and seal bytes can pass.
        assert.is(j.digitalLink, EXAMPLE.link);
      }
    }),
    { numRuns: 100_000 },
  );
  assert.ok(genuine < 1000, `${genuine} mutated memories passed as genuine`);
});

test.run();
