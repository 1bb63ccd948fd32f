// The file key store: 0600 files created atomically and never overwritten, a readable key file refused, and no key
// bytes in any printed form of an identity, error or command output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { inspect } from 'node:util';
import { FileKeyStore, KeyStoreError } from '../../hal/node/key-store.js';
import { nodeEd25519 } from '../../hal/node/crypto.js';

const root = new URL('../../..', import.meta.url).pathname;
const fresh = () => tempDir('keys');
const secretOf = (dir: string, id: string) => JSON.parse(readFileSync(join(dir, id + '.key.json'), 'utf8')).key as string;
const msg = new TextEncoder().encode('record bytes');

/** Every way the secret could leak into text: hex either case, base64, base64url. */
function leaks(text: string, hex: string): boolean {
  const b = Buffer.from(hex, 'hex');
  return [hex, hex.toUpperCase(), b.toString('base64'), b.toString('base64url')].some((s) => text.includes(s));
}

test('create writes a 0600 file atomically (even under a permissive umask) and load gets the same identity', () => {
  const old = process.umask(0);
  try {
    const dir = fresh();
    const store = new FileKeyStore(dir);
    const made = store.create('scanner-0001', 'ed25519');
    assert.is(statSync(store.pathOf('scanner-0001')).mode & 0o777, 0o600);
    assert.equal(readdirSync(dir), ['scanner-0001.key.json']); // no temporary file left behind
    const loaded = store.load('scanner-0001')!;
    const reg = loaded.registration();
    assert.ok(reg.alg === 'ed25519' && nodeEd25519.verify(reg.publicKey, msg, made.sign(msg)));
    assert.is(loaded.coseAlg, -8);
    assert.is(store.load('scanner-0002'), undefined);
  } finally {
    process.umask(old);
  }
});

test('an HMAC identity tags with its key', () => {
  const dir = fresh();
  const id = new FileKeyStore(dir).create('esp-0007', 'hmac-sha256');
  assert.is(id.coseAlg, 5);
  const expected = createHmac('sha256', Buffer.from(secretOf(dir, 'esp-0007'), 'hex')).update(msg).digest('hex');
  assert.is(Buffer.from(id.sign(msg)).toString('hex'), expected);
});

test('create never overwrites an existing key', () => {
  const dir = fresh();
  const store = new FileKeyStore(dir);
  store.create('scanner-0001', 'ed25519');
  const before = readFileSync(store.pathOf('scanner-0001'), 'utf8');
  assert.throws(() => store.create('scanner-0001', 'hmac-sha256'), (e: unknown) => e instanceof KeyStoreError && e.code === 'KEY_EXISTS');
  assert.is(readFileSync(store.pathOf('scanner-0001'), 'utf8'), before);
  assert.equal(readdirSync(dir), ['scanner-0001.key.json']);
});

test('a key file readable by group or others is refused with a clear error that holds no key bytes', () => {
  const dir = fresh();
  const store = new FileKeyStore(dir);
  store.create('scanner-0001', 'ed25519');
  const hex = secretOf(dir, 'scanner-0001');
  for (const mode of [0o644, 0o640, 0o604, 0o660]) {
    chmodSync(store.pathOf('scanner-0001'), mode);
    try {
      store.load('scanner-0001');
      assert.unreachable('loaded a 0' + mode.toString(8) + ' key');
    } catch (e) {
      assert.instance(e, KeyStoreError);
      assert.is((e as KeyStoreError).code, 'KEY_FILE_PERMISSIONS');
      assert.match((e as Error).message, `mode 0${mode.toString(8)}`);
      assert.match((e as Error).message, 'chmod 600');
      assert.not.ok(leaks((e as Error).message + (e as Error).stack, hex));
    }
  }
  chmodSync(store.pathOf('scanner-0001'), 0o600);
  assert.ok(store.load('scanner-0001'));
});

test('invalid key files and device ids are refused, naming the field but not its value', () => {
  const dir = fresh();
  const store = new FileKeyStore(dir);
  const secret = 'ab'.repeat(31) + 'zz';
  writeFileSync(store.pathOf('x1'), JSON.stringify({ format: 'sealscan-device-key/1', device: 'x1', alg: 'ed25519', key: secret }), { mode: 0o600 });
  assert.throws(() => store.load('x1'), (e: unknown) => e instanceof KeyStoreError && e.code === 'KEY_FILE_INVALID' && /field "key"/.test(e.message) && !e.message.includes(secret));
  writeFileSync(store.pathOf('x2'), '{"format":"sealscan-device-key/1","device":"x2","alg":"rsa"}', { mode: 0o600 });
  assert.throws(() => store.load('x2'), /field "alg"/);
  writeFileSync(store.pathOf('x3'), 'not json', { mode: 0o600 });
  assert.throws(() => store.load('x3'), /is not JSON/);
  assert.throws(() => store.pathOf('../etc/passwd'), (e: unknown) => e instanceof KeyStoreError && e.code === 'BAD_DEVICE_ID');
});

test('no key bytes in toString, template strings, util.inspect, JSON or console output of an identity', () => {
  for (const alg of ['ed25519', 'hmac-sha256'] as const) {
    const dir = fresh();
    const id = new FileKeyStore(dir).create('dev-' + alg, alg);
    const hex = secretOf(dir, 'dev-' + alg);
    const printed = [String(id), `${id}`, inspect(id, { showHidden: true, depth: 5 }), JSON.stringify(id), inspect({ nested: id })];
    for (const p of printed) assert.not.ok(leaks(p, hex), p);
    assert.match(printed[0], `DeviceIdentity(dev-${alg}, ${alg})`);
  }
});

test('`sealscan keys new` prints only the public part; `keys public` likewise', () => {
  const dir = fresh();
  for (const [id, alg] of [['scanner-0001', 'ed25519'], ['esp-0007', 'hmac']]) {
    const r = spawnSync(process.execPath, ['bin/sealscan.js', 'keys', 'new', '--device', id, '--alg', alg, '--out', dir], { cwd: root, encoding: 'utf8' });
    assert.is(r.status, 0, r.stderr);
    const hex = secretOf(dir, id);
    const p = spawnSync(process.execPath, ['bin/sealscan.js', 'keys', 'public', '--device', id, '--dir', dir], { cwd: root, encoding: 'utf8' });
    assert.is(p.status, 0, p.stderr);
    for (const out of [r.stdout + r.stderr, p.stdout + p.stderr]) assert.not.ok(leaks(out, hex), out);
    if (alg === 'ed25519') {
      const pub = Buffer.from(nodeEd25519.publicKeyOf(Buffer.from(hex, 'hex'))).toString('hex');
      assert.match(r.stdout, `public key (Ed25519): ${pub}`);
      assert.match(p.stdout, pub);
    } else {
      assert.match(r.stdout, /fingerprint: sha256:[0-9a-f]{16} \(the key itself is not printed\)/);
      assert.is(statSync(join(dir, id + '.verifier.json')).mode & 0o077, 0);
    }
  }
  const again = spawnSync(process.execPath, ['bin/sealscan.js', 'keys', 'new', '--device', 'esp-0007', '--alg', 'hmac', '--out', dir], { cwd: root, encoding: 'utf8' });
  assert.is(again.status, 1);
  assert.match(again.stderr, 'KEY_EXISTS');
  const usage = spawnSync(process.execPath, ['bin/sealscan.js', 'keys', 'new', '--device', 'x'], { cwd: root, encoding: 'utf8' });
  assert.is(usage.status, 2);
});

test.run();
