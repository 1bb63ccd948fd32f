// Weak keys: the Ed25519 public-key rule (hal/node/ed25519-keys.ts) against an independent BigInt derivation of
// the small-order encodings and against @noble/curves' own decoding; the verification primitive refusing such keys;
// the HMAC key rule; and the places a key enters without HTTP (the offline verifier, the key store, issuer files,
// device configuration files).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { createPublicKey, generateKeyPairSync, verify as opensslVerify } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { Ed25519KeyError, ed25519PublicKeyProblem } from '../../hal/node/ed25519-keys.js';
import { ed25519PublicKeyObject, nodeEd25519 } from '../../hal/node/crypto.js';
import { hmacSha256 } from '../../firmware/records/hmac.js';
import { hmacKeyProblem } from '../../hal/keys.js';
import { hmacSigner } from '../../firmware/records/signers.js';
import { RecordError } from '../../firmware/records/errors.js';
import { verifyRecords } from '../../firmware/records/verify.js';
import { RecordChain } from '../../firmware/records/chain.js';
import { FileKeyStore, KeyStoreError } from '../../hal/node/key-store.js';
import { IssuerKeyError, loadIssuerKey, loadTrustedIssuer } from '../../hal/node/issuer-files.js';
import { KeysFileError, parseKeysFile } from '../../upstream/keys-file.js';
import { crypto, T0 } from '../../sim/sweeps/fixtures.js';

const BIN = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
import { encode, FORGED_SIGNATURE, I, IDENTITY, mixedOrderKey, onCurve, P, smallOrderEncodings, smallOrderOf, torsionPoints } from './small-order.js';
import { toHex } from '../../hal/hex.js';

const SMALL_ORDER = /small-order/;
const msg = new TextEncoder().encode('any message at all');
const dir = tempDir('weak');
const honest = () => nodeEd25519.generateKeyPair().publicKey;

test('the derivation: eight distinct torsion points of orders 1, 2, 4, 4, 8, 8, 8, 8; fourteen encodings', () => {
  const pts = torsionPoints();
  assert.is((I * I) % P, P - 1n, 'I = sqrt(-1)');
  assert.is(new Set(pts.map((p) => `${p.x},${p.y}`)).size, 8);
  assert.ok(pts.every(onCurve));
  assert.equal(pts.map(smallOrderOf).sort(), [1, 2, 4, 4, 8, 8, 8, 8]);
  const enc = smallOrderEncodings();
  assert.is(enc.length, 14, enc.map((e) => e.label).join('; '));
  assert.is(new Set(enc.map((e) => toHex(e.bytes))).size, 14);
  // y = p and y = p + 1 are the only torsion y values whose y + p still fits below 2^255 (0 and 1).
  assert.ok(enc.some((e) => toHex(e.bytes) === toHex(encode(P, 0))) && enc.some((e) => toHex(e.bytes) === toHex(encode(P + 1n, 1))));
});

test('noble agrees: each of the fourteen decodes leniently to a small-order point; strict decoding refuses the six non-canonical ones', () => {
  let strict = 0;
  for (const { bytes, label } of smallOrderEncodings()) {
    assert.ok(ed25519.Point.fromBytes(bytes, true).isSmallOrder(), label);
    try {
      ed25519.Point.fromBytes(bytes, false);
      strict++;
    } catch {
      // y >= p, or x = 0 with the sign bit set
    }
  }
  // Refused: y = p and p + 1 with either sign bit, y = 1 and p - 1 with the sign bit (x = 0 there).
  assert.is(strict, 8);
});

test('the rule refuses every small-order encoding as small order, naming why', () => {
  for (const { bytes, label } of smallOrderEncodings()) {
    const why = ed25519PublicKeyProblem(bytes);
    assert.ok(why && SMALL_ORDER.test(why), `${label}: ${why}`);
    assert.match(why!, 'no private key can sign for it');
  }
});

test('the rule refuses wrong lengths, points not on the curve, non-canonical y, and mixed-order keys', () => {
  assert.match(ed25519PublicKeyProblem(new Uint8Array(31)) ?? '', /32 bytes/);
  assert.match(ed25519PublicKeyProblem(new Uint8Array(33)) ?? '', /32 bytes/);
  let notOnCurve = 0;
  let nonCanonical = 0;
  for (let y = 2n; y < 40n; y++) {
    let decodes = true;
    try {
      ed25519.Point.fromBytes(encode(y, 0), true);
    } catch {
      decodes = false;
    }
    if (!decodes) {
      notOnCurve++;
      assert.match(ed25519PublicKeyProblem(encode(y, 0)) ?? '', /not a point on Ed25519/, String(y));
    }
    if (y < 19n && decodes) {
      // y + p encodes the same point as y: refused as non-canonical.
      nonCanonical++;
      assert.match(ed25519PublicKeyProblem(encode(P + y, 0)) ?? '', /non-canonical/, 'p + ' + y);
    }
  }
  assert.ok(notOnCurve > 0 && nonCanonical > 0, `${notOnCurve} off the curve, ${nonCanonical} non-canonical`);
  for (let i = 0; i < 20; i++) {
    const mixed = mixedOrderKey(honest());
    assert.match(ed25519PublicKeyProblem(mixed) ?? '', /prime-order subgroup/);
  }
});

const byNoble = (bytes: Uint8Array): boolean => {
  try {
    const p = ed25519.Point.fromBytes(bytes, false);
    return !p.isSmallOrder() && p.isTorsionFree();
  } catch {
    return false;
  }
};

test('property: for random 32-byte strings the rule accepts exactly what noble decodes strictly to a torsion-free point of large order', () => {
  let accepted = 0;
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
      const ok = ed25519PublicKeyProblem(bytes) === undefined;
      if (ok) accepted++;
      return ok === byNoble(bytes);
    }),
    { numRuns: 1000 },
  );
  // About half of all strings decode; of those, 7 in 8 have a torsion component. So both answers occur.
  assert.ok(accepted > 0 && accepted < 500, `${accepted} of 1000 accepted`);
  // The same, with torsion-free and mixed-order points made on purpose (random strings rarely give the first).
  const torsion = ed25519.Point.fromAffine(torsionPoints().find((p) => smallOrderOf(p) === 8)!);
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 48 }), fc.integer({ min: 0, max: 7 }), (k, t) => {
      let p = ed25519.Point.BASE.multiply(BigInt(k));
      for (let i = 0; i < t; i++) p = p.add(torsion);
      const bytes = p.toBytes();
      return (ed25519PublicKeyProblem(bytes) === undefined) === (t === 0) && byNoble(bytes) === (t === 0);
    }),
    { numRuns: 300 },
  );
});

test('property: keys generated by node:crypto are always accepted', () => {
  fc.assert(
    fc.property(fc.integer(), () => {
      const { publicKey } = generateKeyPairSync('ed25519');
      const raw = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }).subarray(12));
      return ed25519PublicKeyProblem(raw) === undefined;
    }),
    { numRuns: 1000 },
  );
});

test('the hole: plain OpenSSL verifies R = identity, S = 0 under the identity key; nodeEd25519.verify does not', () => {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), IDENTITY]);
  assert.ok(opensslVerify(null, msg, createPublicKey({ key: spki, format: 'der', type: 'spki' }), FORGED_SIGNATURE), 'OpenSSL alone accepts the forgery');
  assert.is(nodeEd25519.verify(IDENTITY, msg, FORGED_SIGNATURE), false);
  for (const { bytes, label } of smallOrderEncodings()) assert.is(nodeEd25519.verify(bytes, msg, FORGED_SIGNATURE), false, label);
  // Twice: the second answer comes from the cached verdict.
  assert.is(nodeEd25519.verify(IDENTITY, msg, FORGED_SIGNATURE), false);
  const pair = nodeEd25519.generateKeyPair();
  assert.ok(nodeEd25519.verify(pair.publicKey, msg, nodeEd25519.sign(pair.privateKey, msg)), 'honest keys still verify');
});

test('ed25519PublicKeyObject throws Ed25519KeyError naming the problem, every time', () => {
  for (let i = 0; i < 2; i++) {
    assert.throws(() => ed25519PublicKeyObject(IDENTITY), (e: unknown) => e instanceof Ed25519KeyError && SMALL_ORDER.test(e.message) && SMALL_ORDER.test(e.reason));
    assert.throws(() => ed25519PublicKeyObject(mixedOrderKey(honest())), (e: unknown) => e instanceof Ed25519KeyError && /prime-order subgroup/.test(e.message));
    assert.throws(() => ed25519PublicKeyObject(new Uint8Array(31)), (e: unknown) => e instanceof Ed25519KeyError && /32 bytes/.test(e.message));
  }
  const pub = honest();
  assert.is(ed25519PublicKeyObject(pub), ed25519PublicKeyObject(pub), 'the same cached KeyObject');
});

test('HMAC key rule: 32..64 bytes, not all zero', () => {
  assert.match(hmacKeyProblem(new Uint8Array(16)) ?? '', /at least 32 bytes/);
  assert.match(hmacKeyProblem(new Uint8Array(31).fill(7)) ?? '', /at least 32 bytes/);
  assert.match(hmacKeyProblem(new Uint8Array(65).fill(7)) ?? '', /at most 64 bytes/);
  assert.match(hmacKeyProblem(new Uint8Array(32)) ?? '', /all zero/);
  assert.match(hmacKeyProblem(new Uint8Array(64)) ?? '', /all zero/);
  assert.is(hmacKeyProblem(crypto.randomBytes(32)), undefined);
  assert.is(hmacKeyProblem(crypto.randomBytes(64)), undefined);
  const oneBit = new Uint8Array(32);
  oneBit[31] = 1;
  assert.is(hmacKeyProblem(oneBit), undefined, 'the rule catches placeholders, it does not estimate entropy');
  assert.throws(() => hmacSigner(crypto, new Uint8Array(32)), (e: unknown) => e instanceof RecordError && e.code === 'WEAK_KEY');
});

test('the offline verifier: records under a weak HMAC key fail as WEAK_KEY; under a small-order Ed25519 key as bad signatures', () => {
  const zero = new Uint8Array(32);
  const macWithZero = RecordChain.start({ coseAlg: 5, sign: (m) => hmacSha256(crypto, zero, m) }, crypto, 'esp-0007', 1);
  const macs = [macWithZero.append({ kind: 'boot', firmware: '0.1.0', reset: 'power-on' }, T0).bytes];
  const forged = RecordChain.start({ coseAlg: -8, sign: () => FORGED_SIGNATURE }, crypto, 'scanner-0001', 1);
  const sigs = [forged.append({ kind: 'boot', firmware: '0.1.0', reset: 'power-on' }, T0).bytes, forged.append({ kind: 'login', inspector: 'x' }, T0 + 1).bytes];
  const report = verifyRecords([...macs, ...sigs], (id) => (id === 'esp-0007' ? { alg: 5, hmacKey: zero } : { alg: -8, publicKey: IDENTITY }), crypto);
  assert.is(report.ok, false);
  const [esp, scanner] = report.devices;
  assert.is(esp.verified, 0);
  assert.is(esp.invalid[0].code, 'WEAK_KEY');
  assert.match(esp.invalid[0].message, /hmacKey.*all zero/);
  assert.is(scanner.verified, 0);
  assert.is(scanner.badSignatures.length, 2);
});

test('key store: an HMAC key file holding 32 zero bytes is refused with KeyStoreError naming file and field', () => {
  const store = new FileKeyStore(mkdtempSync(join(dir, 'store-')));
  writeFileSync(store.pathOf('esp-1'), JSON.stringify({ format: 'sealscan-device-key/1', device: 'esp-1', alg: 'hmac-sha256', key: '00'.repeat(32) }), { mode: 0o600 });
  assert.throws(
    () => store.load('esp-1'),
    (e: unknown) => e instanceof KeyStoreError && e.code === 'KEY_FILE_INVALID' && e.message.includes(store.pathOf('esp-1')) && /field "key".*all zero/.test(e.message),
  );
});

test('keys file of sealscan verify: small-order, mixed-order and weak HMAC keys are refused naming the entry', () => {
  const cases: Array<[object, RegExp]> = [
    [{ alg: 'ed25519', publicKey: toHex(IDENTITY) }, /devices\["d1"\]\.publicKey: is a small-order Ed25519 point/],
    [{ alg: 'ed25519', publicKey: toHex(encode(P + 1n, 0)) }, /devices\["d1"\]\.publicKey: is a small-order Ed25519 point/],
    [{ alg: 'ed25519', publicKey: toHex(mixedOrderKey(honest())) }, /devices\["d1"\]\.publicKey: .*prime-order subgroup/],
    [{ alg: 'hmac-sha256', hmacKey: '00'.repeat(32) }, /devices\["d1"\]\.hmacKey: is all zero bytes/],
  ];
  for (const [entry, rx] of cases) assert.throws(() => parseKeysFile(JSON.stringify({ devices: { d1: entry } })), (e: unknown) => e instanceof KeysFileError && rx.test(e.message), JSON.stringify(entry));
});

function issuerFiles(publicKey: Uint8Array): { pub: string; priv: string } {
  const d = mkdtempSync(join(dir, 'issuer-'));
  const pub = join(d, 'weak.issuer.json');
  const priv = join(d, 'weak.issuer-key.json');
  writeFileSync(pub, JSON.stringify({ format: 'sealscan-issuer/1', name: 'weak', publicKey: toHex(publicKey), keyId: '00000000' }));
  writeFileSync(priv, JSON.stringify({ format: 'sealscan-issuer-key/1', name: 'weak', privateKey: '11'.repeat(32), publicKey: toHex(publicKey) }), { mode: 0o600 });
  return { pub, priv };
}

test('issuer files (check --trust, seal --key, device configs): a small-order key is refused naming the file', () => {
  for (const key of [IDENTITY, new Uint8Array(32), encode(P, 1)]) {
    const { pub, priv } = issuerFiles(key);
    assert.throws(() => loadTrustedIssuer(pub), (e: unknown) => e instanceof IssuerKeyError && e.message.includes(pub) && /publicKey: is a small-order/.test(e.message));
    assert.throws(() => loadTrustedIssuer(priv), (e: unknown) => e instanceof IssuerKeyError && e.message.includes(priv) && /publicKey: is a small-order/.test(e.message));
    assert.throws(() => loadIssuerKey(priv), (e: unknown) => e instanceof IssuerKeyError && e.message.includes(priv) && /publicKey: is a small-order/.test(e.message));
    const config = join(dirname(pub), 'device.json');
    writeFileSync(config, JSON.stringify({ format: 'sealscan-device/1', deviceId: 'pi-1', site: 's', dataDir: 'data', ingest: 'http://127.0.0.1:1', issuers: ['weak.issuer.json'] }));
    // Through the command line, as a technician meets it (a test imports nothing from scripts/).
    const doctor = spawnSync(process.execPath, [BIN, 'doctor', '--config', config, '--reader', 'sim'], { encoding: 'utf8' });
    assert.is(doctor.status, 1, doctor.stderr);
    const line = doctor.stdout.split('\n').find((l) => l.startsWith('FAIL configuration:')) ?? '';
    assert.ok(line.includes(`${config}: issuers[0]:`) && line.includes(pub) && SMALL_ORDER.test(line), doctor.stdout);
  }
  const { pub } = issuerFiles(mixedOrderKey(honest()));
  assert.throws(() => loadTrustedIssuer(pub), (e: unknown) => e instanceof IssuerKeyError && /prime-order subgroup/.test(e.message));
  const good = issuerFiles(honest());
  assert.is(loadTrustedIssuer(good.pub).name, 'weak');
});

test.run();
