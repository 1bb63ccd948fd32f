// COSE envelopes: an independent library (@auth0/cose) verifies ours; our strict verifier refuses every
// alteration, including the ones that library lets through.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Mac0, Sign1 } from '@auth0/cose';
import { CborMap, CborTag, encodeCbor, type CborValue } from '../../firmware/records/cbor.js';
import { buildCose, parseCose, toBeSigned, verifyCose, type VerifyKey } from '../../firmware/records/cose.js';
import { RecordError } from '../../firmware/records/errors.js';
import { encodeUtf8 } from '../../firmware/records/utf8.js';
import { ed25519PublicKeyObject } from '../../hal/node/crypto.js';
import type { CoseAlg } from '../../hal/keys.js';
import { crypto, ed25519Device, hmacDevice, type TestDevice } from '../../sim/sweeps/fixtures.js';
import { toHex } from '../../hal/hex.js';

const ed = ed25519Device('scanner-0001');
const mac = hmacDevice('scanner-0002');
const payload = encodeCbor(new CborMap([[1, 'x'], [2, 0]]));

function refuses(bytes: Uint8Array, kid: string, key: VerifyKey, code: string): void {
  try {
    verifyCose(bytes, kid, key, crypto);
    assert.unreachable('accepted');
  } catch (e) {
    if (!(e instanceof RecordError)) throw e;
    assert.is(e.code, code, e.message);
  }
}

/** An envelope with the given headers, correctly signed, so only the header rule can reject it. */
function envelope(dev: TestDevice, tag: number, prot: CborMap, unprot: CborMap, alg: CoseAlg = dev.signer.coseAlg): Uint8Array {
  const protectedBytes = encodeCbor(prot);
  const sig = dev.signer.sign(toBeSigned(alg, protectedBytes, payload));
  return encodeCbor(new CborTag(tag, [protectedBytes, unprot, payload, sig]));
}

test('our COSE_Sign1 (Ed25519) verifies with @auth0/cose and with our verifier', async () => {
  const bytes = buildCose(ed.signer, ed.id, payload);
  assert.is(toHex(bytes.subarray(0, 5)), 'd28451a201'); // tag 18, array(4), bstr(17) {1: ...
  const msg = Sign1.decode(bytes);
  await msg.verify(ed25519PublicKeyObject((ed.key as { publicKey: Uint8Array }).publicKey));
  assert.is(toHex(msg.payload), toHex(payload));
  assert.is(toHex(verifyCose(bytes, ed.id, ed.key, crypto)), toHex(payload));
  assert.equal(parseCose(bytes).kid, ed.id);
});

test('our COSE_Mac0 (HMAC-SHA256) verifies with @auth0/cose and with our verifier', async () => {
  const bytes = buildCose(mac.signer, mac.id, payload);
  assert.is(toHex(bytes.subarray(0, 2)), 'd184');
  await Mac0.decode(bytes).verify((mac.key as { hmacKey: Uint8Array }).hmacKey);
  assert.is(toHex(verifyCose(bytes, mac.id, mac.key, crypto)), toHex(payload));
});

test('a flipped bit anywhere in a real record is refused (Sign1 and Mac0)', () => {
  for (const dev of [ed, mac]) {
    const good = buildCose(dev.signer, dev.id, payload);
    for (let bit = 0; bit < good.length * 8; bit++) {
      const bad = good.slice();
      bad[bit >> 3] ^= 1 << (bit & 7);
      assert.throws(() => verifyCose(bad, dev.id, dev.key, crypto), (e: unknown) => e instanceof RecordError, `bit ${bit}`);
    }
  }
});

test('alg only in the unprotected header: @auth0/cose accepts it, we refuse it', async () => {
  const kid = encodeUtf8(mac.id);
  const bytes = envelope(mac, 17, new CborMap([[4, kid]]), new CborMap([[1, 5]]), 5);
  await Mac0.decode(bytes).verify((mac.key as { hmacKey: Uint8Array }).hmacKey); // the library's gap
  refuses(bytes, mac.id, mac.key, 'ALG_UNPROTECTED');
  refuses(envelope(mac, 17, new CborMap([[1, 5], [4, kid]]), new CborMap([[1, 5]])), mac.id, mac.key, 'ALG_UNPROTECTED');
  refuses(envelope(mac, 17, new CborMap([[1, 5]]), new CborMap([[4, kid]])), mac.id, mac.key, 'KID_UNPROTECTED');
  refuses(envelope(mac, 17, new CborMap([[1, 5], [4, kid]]), new CborMap([[33, 'x']])), mac.id, mac.key, 'UNPROTECTED_NOT_EMPTY');
});

test('header rules: allow-listed alg matching the tag, exactly alg and kid, deterministic protected bytes', () => {
  const kid = encodeUtf8(ed.id);
  refuses(envelope(ed, 18, new CborMap([[1, -7], [4, kid]]), new CborMap()), ed.id, ed.key, 'ALG_NOT_ALLOWED');
  refuses(envelope(ed, 17, new CborMap([[1, -8], [4, kid]]), new CborMap()), ed.id, ed.key, 'ALG_NOT_ALLOWED');
  refuses(envelope(ed, 18, new CborMap([[4, kid]]), new CborMap()), ed.id, ed.key, 'ALG_NOT_ALLOWED');
  refuses(envelope(ed, 18, new CborMap([[1, -8]]), new CborMap()), ed.id, ed.key, 'BAD_PROTECTED');
  refuses(envelope(ed, 18, new CborMap([[1, -8], [4, kid], [3, 0]]), new CborMap()), ed.id, ed.key, 'BAD_PROTECTED');
  refuses(envelope(ed, 18, new CborMap([[1, -8], [4, Uint8Array.of(0xff)]]), new CborMap()), ed.id, ed.key, 'BAD_KID');
  // Protected header {4: kid, 1: -8}: keys out of order, signed correctly all the same.
  const unsorted = new Uint8Array([0xa2, 0x04, 0x40 + kid.length, ...kid, 0x01, 0x27]);
  const sig = ed.signer.sign(toBeSigned(-8, unsorted, payload));
  refuses(encodeCbor(new CborTag(18, [unsorted, new CborMap(), payload, sig])), ed.id, ed.key, 'CBOR');
});

test('wrong kid, wrong key, key for another alg, trailing byte, missing tag, bad shapes', () => {
  const good = buildCose(ed.signer, ed.id, payload);
  refuses(good, 'scanner-9999', ed.key, 'WRONG_KID');
  refuses(good, ed.id, ed25519Device(ed.id, 'another seed').key, 'BAD_SIGNATURE');
  refuses(good, ed.id, mac.key, 'ALG_NOT_ALLOWED');
  refuses(buildCose(mac.signer, mac.id, payload), mac.id, hmacDevice(mac.id, 'other').key, 'BAD_SIGNATURE');
  refuses(new Uint8Array([...good, 0x00]), ed.id, ed.key, 'CBOR');
  refuses(good.subarray(1), ed.id, ed.key, 'NOT_TAGGED');
  const parts = (v: CborValue[]) => encodeCbor(new CborTag(18, v));
  const p = parseCose(good);
  refuses(parts([p.protectedBytes, new CborMap(), payload]), ed.id, ed.key, 'NOT_COSE');
  refuses(parts([p.protectedBytes, new CborMap(), null, p.signature]), ed.id, ed.key, 'NOT_COSE');
  refuses(parts([p.protectedBytes, new CborMap(), payload, p.signature.subarray(1)]), ed.id, ed.key, 'BAD_SIGNATURE_LENGTH');
  refuses(encodeCbor(new CborTag(99, [p.protectedBytes, new CborMap(), payload, p.signature])), ed.id, ed.key, 'NOT_TAGGED');
});

test('signing is deterministic and a signer of the wrong length is refused', () => {
  assert.is(toHex(buildCose(ed.signer, ed.id, payload)), toHex(buildCose(ed.signer, ed.id, payload)));
  assert.throws(() => buildCose({ coseAlg: -8, sign: () => new Uint8Array(10) }, ed.id, payload), (e: unknown) => e instanceof RecordError && e.code === 'BAD_SIGNATURE_LENGTH');
});

test.run();
