// Weak keys at the command line, run as a technician runs it (child processes on files in a temp dir):
// `sealscan verify` refuses a keys file with a small-order or weak HMAC key (exit 2, naming file and entry) instead
// of reporting forged records OK; `sealscan check --trust` refuses a small-order issuer file instead of calling a
// seal forged without any private key genuine. The seal is also judged in process with the weak key handed over
// directly, to show the signature primitive refusing it below the file check.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { encodeCbor } from '../../firmware/records/cbor.js';
import { RecordChain } from '../../firmware/records/chain.js';
import { hmacSha256 } from '../../firmware/records/hmac.js';
import { sealTag } from '../../firmware/seals/sealer.js';
import { judge } from '../../firmware/seals/verdict.js';
import { readType2 } from '../../firmware/scan/read-tag.js';
import { createNodeCrypto, nodeEd25519 } from '../../hal/node/crypto.js';
import type { Crypto } from '../../hal/crypto.js';
import type { RecordSigner } from '../../hal/keys.js';
import { onSimReader } from '../../sim/tag-reader.js';
import { SIM_ORIGINALITY_PUBLIC_KEY } from '../../sim/tags/index.js';
import { crypto, T0 } from '../../sim/sweeps/fixtures.js';
import { FORGED_SIGNATURE, IDENTITY } from './small-order.js';
import { toHex } from '../../hal/hex.js';

const bin = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
const dir = tempDir('weak-cli');
const sealscan = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

function forged(id: string, signer: RecordSigner): Uint8Array[] {
  const chain = RecordChain.start(signer, crypto, id, 1);
  return [chain.append({ kind: 'boot', firmware: '0.1.0', reset: 'power-on' }, T0).bytes, chain.append({ kind: 'login', inspector: 'badge-0666' }, T0 + 1000).bytes];
}

test('sealscan verify: a keys file with a small-order key is a usage error naming the file and the entry, not OK', () => {
  writeFileSync(join(dir, 'forged.cbor'), encodeCbor(forged('scanner-0001', { coseAlg: -8, sign: () => FORGED_SIGNATURE })));
  writeFileSync(join(dir, 'weak-keys.json'), JSON.stringify({ devices: { 'scanner-0001': { alg: 'ed25519', publicKey: toHex(IDENTITY) } } }));
  const r = sealscan('verify', 'forged.cbor', '--keys', 'weak-keys.json');
  assert.is(r.code, 2, r.out + r.err);
  assert.not.match(r.out, 'OK');
  assert.match(r.err, 'sealscan verify: bad keys file: weak-keys.json: devices["scanner-0001"].publicKey: is a small-order Ed25519 point (no private key can sign for it)');
});

test('sealscan verify: a keys file with an all-zero HMAC key is a usage error naming hmacKey', () => {
  writeFileSync(join(dir, 'forged-mac.cbor'), encodeCbor(forged('esp-0007', { coseAlg: 5, sign: (m) => hmacSha256(crypto, new Uint8Array(32), m) })));
  writeFileSync(join(dir, 'zero-keys.json'), JSON.stringify({ devices: { 'esp-0007': { alg: 'hmac-sha256', hmacKey: '00'.repeat(32) } } }));
  const r = sealscan('verify', 'forged-mac.cbor', '--keys', 'zero-keys.json');
  assert.is(r.code, 2, r.out + r.err);
  assert.match(r.err, 'zero-keys.json: devices["esp-0007"].hmacKey: is all zero bytes');
});

/** A crypto whose Ed25519 "signs" without a key: R = identity, S = 0. */
const forger: Crypto = { ...createNodeCrypto(), ed25519: { ...nodeEd25519, sign: () => FORGED_SIGNATURE.slice() } };

test('sealscan check --trust: an issuer file with a small-order key fails naming the file; the forged seal is not genuine', async () => {
  assert.is(sealscan('tag', 'new', 'ntag213', '--out', 't.json').code, 0);
  const tagFile = join(dir, 't.json');
  const issuer = { privateKey: new Uint8Array(32), publicKey: IDENTITY };
  const sealed = await onSimReader(tagFile, true, (reader, a) => sealTag(reader, a, { link: 'https://id.gs1.org/01/09506000134352/21/66', issuer, sealedAt: Math.floor(T0 / 1000) }, forger));
  assert.ok(sealed.ok, JSON.stringify(sealed));
  writeFileSync(join(dir, 'weak.issuer.json'), JSON.stringify({ format: 'sealscan-issuer/1', name: 'mallory', publicKey: toHex(IDENTITY), keyId: '00000000' }));
  const r = sealscan('check', '--tag', 't.json', '--trust', 'weak.issuer.json');
  assert.is(r.code, 2, r.out + r.err);
  assert.not.match(r.out, 'GENUINE');
  assert.match(r.err, 'sealscan check: weak.issuer.json: publicKey: is a small-order Ed25519 point (no private key can sign for it)');
  // Below the file check: the weak key handed to the verdict directly still does not verify the forged seal.
  const j = await onSimReader(tagFile, false, (reader, a) => judge(readType2(reader, a), { issuers: [{ name: 'mallory', publicKey: IDENTITY }], originalityKeys: [{ name: 'simulator', publicKey: SIM_ORIGINALITY_PUBLIC_KEY }] }, createNodeCrypto(), T0));
  assert.is(j.verdict, 'invalid-seal', j.headline);
  assert.ok(j.reasons.includes('seal-signature-bad'), j.reasons.join(', '));
});

test.run();
