// HMAC-SHA256 against node:crypto, UTF-8 against Node's own codec, and the Node crypto backend
// (Ed25519 raw keys, NXP originality vectors).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { hmacSha256 } from '../../firmware/records/hmac.js';
import { hmacSigner } from '../../firmware/records/signers.js';
import { hmacKeyProblem } from '../../hal/keys.js';
import { CborError } from '../../firmware/records/errors.js';
import { decodeUtf8, encodeUtf8 } from '../../firmware/records/utf8.js';
import { createNodeCrypto, nodeEd25519 } from '../../hal/node/crypto.js';
import { NXP_ORIGINALITY_KEYS, nxpOriginality, secp128r1Ecdsa } from '../../hal/node/originality.js';
import { toHex, hexLiteral } from '../../hal/hex.js';

const crypto = createNodeCrypto();

test('HMAC-SHA256 equals node:crypto createHmac for keys of every length and any message', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.uint8Array({ maxLength: 300 }), (key, msg) => {
      assert.is(toHex(hmacSha256(crypto, key, msg)), createHmac('sha256', key).update(msg).digest('hex'));
    }),
    { numRuns: 2000 },
  );
  // RFC 4231 test case 2.
  const tag = hmacSha256(crypto, new TextEncoder().encode('Jefe'), new TextEncoder().encode('what do ya want for nothing?'));
  assert.is(toHex(tag), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
});

test('an HMAC signer, which pads its key once, tags every message as node:crypto does, and a change to the key array afterwards does not reach it', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 100 }), fc.array(fc.uint8Array({ maxLength: 300 }), { minLength: 1, maxLength: 4 }), (key, msgs) => {
      fc.pre(hmacKeyProblem(key) === undefined);
      const signer = hmacSigner(crypto, key);
      const expected = msgs.map((m) => createHmac('sha256', key).update(m).digest('hex'));
      key.fill(0);
      assert.equal(msgs.map((m) => toHex(signer.sign(m))), expected);
    }),
    { numRuns: 300 },
  );
});

test('UTF-8 encoder and decoder agree with Node on every well-formed string', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
      const b = encodeUtf8(s);
      assert.is(toHex(b), Buffer.from(s, 'utf8').toString('hex'));
      assert.is(decodeUtf8(b, 0, b.length), s);
    }),
    { numRuns: 3000 },
  );
});

test('UTF-8 decoder refuses exactly what a fatal TextDecoder refuses', () => {
  const strict = new TextDecoder('utf-8', { fatal: true });
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), (b) => {
      let expected: string | null;
      try {
        expected = strict.decode(b);
      } catch {
        expected = null;
      }
      let actual: string | null;
      try {
        actual = decodeUtf8(b, 0, b.length);
      } catch (e) {
        assert.instance(e, CborError);
        actual = null;
      }
      assert.is(actual, expected);
    }),
    { numRuns: 20000 },
  );
});

test('Ed25519 backend: raw keys round-trip, RFC 8032 test 1, verify never throws', () => {
  const seed = hexLiteral('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60');
  const pub = nodeEd25519.publicKeyOf(seed);
  assert.is(toHex(pub), 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
  const sig = nodeEd25519.sign(seed, new Uint8Array(0));
  assert.is(toHex(sig), 'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b');
  assert.ok(nodeEd25519.verify(pub, new Uint8Array(0), sig));
  assert.not.ok(nodeEd25519.verify(pub, new Uint8Array(1), sig));
  assert.not.ok(nodeEd25519.verify(new Uint8Array(31), new Uint8Array(0), sig));
  assert.not.ok(nodeEd25519.verify(pub, new Uint8Array(0), sig.subarray(1)));
  const kp = nodeEd25519.generateKeyPair();
  assert.is(toHex(nodeEd25519.publicKeyOf(kp.privateKey)), toHex(kp.publicKey));
  assert.ok(nodeEd25519.verify(kp.publicKey, seed, nodeEd25519.sign(kp.privateKey, seed)));
  assert.is(crypto.randomBytes(16).length, 16);
});

test('NXP originality: the published vectors verify (un-hashed UID, high S), altered ones do not', () => {
  const ntag = hexLiteral(NXP_ORIGINALITY_KEYS.ntag21x);
  const ev1 = hexLiteral(NXP_ORIGINALITY_KEYS.ultralightEv1);
  const vectors: Array<[Uint8Array, string, string]> = [
    [ntag, '04E10CDA993C80', '8B76052EE42F5567BEB53238B3E3F9950707C0DCC956B5C5EFCFDB709B2D82B3'],
    [ntag, '04DB0BDA993C80', '6048EFD9417CD10F6B7F1818D471A7FE5B46868D2EABDC6307A1E0AAE139D8D0'],
    [ev1, '04C1285A373080', 'CEA2EB0B3C95D0844A95B824A7553703B3702378033BF0987899DB70151A19E7'],
    [ev1, '04C2285A373080', 'A561506723D422D29ED9F93E60D20B9ED1E05CC1BF81DA19FE500CA0B81CC0ED'],
  ];
  for (const [key, uid, sig] of vectors) {
    assert.ok(nxpOriginality.verify(key, hexLiteral(uid), hexLiteral(sig)), uid);
    const other = hexLiteral(uid);
    other[6] ^= 1;
    assert.not.ok(nxpOriginality.verify(key, other, hexLiteral(sig)), uid + ' altered');
    assert.not.ok(nxpOriginality.verify(key === ntag ? ev1 : ntag, hexLiteral(uid), hexLiteral(sig)), uid + ' other key');
  }
  assert.not.ok(nxpOriginality.verify(ntag, hexLiteral('04E10CDA993C80'), new Uint8Array(31)));
  assert.not.ok(nxpOriginality.verify(new Uint8Array(33), hexLiteral('04E10CDA993C80'), new Uint8Array(32)));
  // A simulator-owned test key signs virtual tags the same way.
  const priv = secp128r1Ecdsa.utils.randomSecretKey();
  const pub = secp128r1Ecdsa.getPublicKey(priv, false);
  const uid = hexLiteral('04112233445566');
  const sig = secp128r1Ecdsa.sign(uid, priv, { prehash: false });
  assert.ok(nxpOriginality.verify(pub, uid, sig));
});

test.run();
