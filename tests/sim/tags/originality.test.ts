import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  NXP_NTAG21X_PUBLIC_KEY,
  NXP_NTAG21X_VECTORS,
  NXP_ULTRALIGHT_EV1_PUBLIC_KEY,
  NXP_ULTRALIGHT_EV1_VECTORS,
  SIM_ORIGINALITY_PUBLIC_KEY,
  originalityPublicKey,
  signUid,
  verifyUidSignature,
  verifyUidSignaturePrehashed,
} from '../../../sim/tags/originality.js';
import { Ntag213 } from '../../../sim/tags/ntag21x.js';
import { UltralightEV1 } from '../../../sim/tags/ultralight-ev1.js';
import { activate, cmd, fieldWith } from './helpers.js';
import { createHash } from 'node:crypto';
import { originalityPublicKey as derivePublic, SIM_ORIGINALITY_PRIVATE_KEY as PRIV, SIM_ORIGINALITY_PUBLIC_KEY as PUB } from '../../../sim/tags/originality.js';

test('the simulator key written as hex is what it says: SHA-256 of its phrase, first 16 bytes, and its public point', () => {
  const expected = createHash('sha256').update('sealscan simulated NXP originality key').digest().subarray(0, 16);
  assert.is(Buffer.from(PRIV).toString('hex'), expected.toString('hex'));
  assert.is(Buffer.from(PUB).toString('hex'), Buffer.from(derivePublic(PRIV)).toString('hex'));
});

test('NXP vectors verify under the NXP keys (raw UID, lowS off) and fail with SHA-256 prehashing', () => {
  for (const v of NXP_NTAG21X_VECTORS) {
    assert.ok(verifyUidSignature(v.uid, v.signature, NXP_NTAG21X_PUBLIC_KEY));
    assert.not.ok(verifyUidSignaturePrehashed(v.uid, v.signature, NXP_NTAG21X_PUBLIC_KEY));
    assert.not.ok(verifyUidSignature(v.uid, v.signature, NXP_ULTRALIGHT_EV1_PUBLIC_KEY), 'wrong family key');
  }
  for (const v of NXP_ULTRALIGHT_EV1_VECTORS) {
    assert.ok(verifyUidSignature(v.uid, v.signature, NXP_ULTRALIGHT_EV1_PUBLIC_KEY));
    assert.not.ok(verifyUidSignaturePrehashed(v.uid, v.signature, NXP_ULTRALIGHT_EV1_PUBLIC_KEY));
  }
  const [a, b] = NXP_NTAG21X_VECTORS;
  assert.not.ok(verifyUidSignature(b.uid, a.signature, NXP_NTAG21X_PUBLIC_KEY), 'a signature copied to another UID');
});

test('public keys are 33 bytes 04 ‖ X ‖ Y; the simulator key is deterministic and signs verifiably', () => {
  for (const k of [NXP_NTAG21X_PUBLIC_KEY, NXP_ULTRALIGHT_EV1_PUBLIC_KEY, SIM_ORIGINALITY_PUBLIC_KEY]) {
    assert.is(k.length, 33);
    assert.is(k[0], 0x04);
  }
  const uid = Uint8Array.of(0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66);
  const sig = signUid(uid);
  assert.is(sig.length, 32);
  assert.equal([...signUid(uid)], [...sig], 'RFC 6979: same signature every time');
  assert.ok(verifyUidSignature(uid, sig, SIM_ORIGINALITY_PUBLIC_KEY));
  assert.not.ok(verifyUidSignature(uid, sig, NXP_NTAG21X_PUBLIC_KEY));
  const other = new Uint8Array(16).fill(7);
  assert.ok(verifyUidSignature(uid, signUid(uid, other), originalityPublicKey(other)));
  assert.not.ok(verifyUidSignature(uid, sig.subarray(0, 31), SIM_ORIGINALITY_PUBLIC_KEY), 'malformed: false, no throw');
  assert.not.ok(verifyUidSignature(uid, sig, new Uint8Array(33)), 'malformed key: false, no throw');
});

test('tags: the NXP vector path (genuine), a clone with a copied signature, and the default simulator signature', () => {
  const [v] = NXP_NTAG21X_VECTORS;
  const genuine = new Ntag213({ uid: v.uid, signature: v.signature });
  const clone = new Ntag213({ uid: [0x04, 1, 2, 3, 4, 5, 6], signature: v.signature });
  const ev1 = new UltralightEV1({ uid: NXP_ULTRALIGHT_EV1_VECTORS[1].uid, signature: NXP_ULTRALIGHT_EV1_VECTORS[1].signature });
  const readSig = (t: Ntag213 | UltralightEV1): Uint8Array => {
    const field = fieldWith(t);
    activate(field, t.uid);
    return Uint8Array.from(cmd(field, [0x3c, 0x00]));
  };
  assert.ok(verifyUidSignature(genuine.uid, readSig(genuine), NXP_NTAG21X_PUBLIC_KEY));
  assert.not.ok(verifyUidSignature(clone.uid, readSig(clone), NXP_NTAG21X_PUBLIC_KEY));
  assert.ok(verifyUidSignature(ev1.uid, readSig(ev1), NXP_ULTRALIGHT_EV1_PUBLIC_KEY));
  const plain = new UltralightEV1();
  assert.ok(verifyUidSignature(plain.uid, readSig(plain), SIM_ORIGINALITY_PUBLIC_KEY));
});

test.run();
