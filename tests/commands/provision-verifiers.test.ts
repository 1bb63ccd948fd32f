// The auditor's side of `sealscan provision`: the device's verifier entry beside its key, and --verifiers FILE
// merging it into a fleet keys file for `sealscan verify` (made when missing, other devices kept, a different key
// for the same device refused before anything is written). Runs with --no-register: no ingest is involved.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { createIssuerKey } from '../../sim/issuer-keys.js';
import { KeysFileError, mergeKeysFile, parseKeysFile } from '../../upstream/keys-file.js';

const bin = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
const dir = tempDir('provision-verifiers');
mkdirSync(join(dir, 'issuers'));
createIssuerKey(join(dir, 'issuers'), 'acme', createNodeCrypto());

const sealscan = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8' });
/** provision --no-register of `device` with its own data folder and configuration file unless given. */
const provision = (device: string, data: string, ...more: string[]) =>
  sealscan('provision', '--device', device, '--site', '9506000134352', '--ingest', 'http://127.0.0.1:1', '--issuer', 'issuers/acme.issuer.json',
    '--data', data, '--out', `${data}.device.json`, '--no-register', ...more);
const json = (file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8'));
const mode = (file: string) => statSync(join(dir, file)).mode & 0o777;
/** The Ed25519 public key `sealscan keys public` prints for the device's key in `data`. */
const publicKey = (device: string, data: string) => /public key \(Ed25519\): ([0-9a-f]{64})/.exec(sealscan('keys', 'public', '--device', device, '--dir', `${data}/keys`).stdout)?.[1];

test('provision writes the verifier entry beside the key: the keys-file format with the device\'s public key', () => {
  const r = provision('pi-1', 'data-a');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /verifier entry \(the keys file of sealscan verify, this device only\): \S*data-a\/keys\/pi-1\.verifier\.json/);
  const entry = json('data-a/keys/pi-1.verifier.json');
  const pk = publicKey('pi-1', 'data-a');
  assert.ok(pk);
  assert.equal(entry, { devices: { 'pi-1': { alg: 'ed25519', publicKey: pk } } });
  assert.is(mode('data-a/keys/pi-1.verifier.json'), 0o644);
  assert.ok(parseKeysFile(JSON.stringify(entry))['pi-1'], 'sealscan verify reads it');
});

test('--verifiers makes the fleet file, adds a second device beside the first and keeps other members; again is a no-op', () => {
  const first = provision('pi-1', 'data-a', '--verifiers', 'fleet/keys.json');
  assert.is(first.status, 0, first.stderr);
  assert.match(first.stdout, /keys file fleet\/keys\.json: pi-1 added \(new file\)/);
  const fleet = json('fleet/keys.json');
  fleet.note = 'kept';
  writeFileSync(join(dir, 'fleet/keys.json'), JSON.stringify(fleet));
  const second = provision('pi-2', 'data-b', '--verifiers', 'fleet/keys.json');
  assert.is(second.status, 0, second.stderr);
  assert.match(second.stdout, /keys file fleet\/keys\.json: pi-2 added\n/);
  const both = json('fleet/keys.json');
  assert.equal(Object.keys(both.devices), ['pi-1', 'pi-2']);
  assert.is(both.devices['pi-1'].publicKey, publicKey('pi-1', 'data-a'));
  assert.is(both.devices['pi-2'].publicKey, publicKey('pi-2', 'data-b'));
  assert.is(both.note, 'kept');
  const before = readFileSync(join(dir, 'fleet/keys.json'), 'utf8');
  const again = provision('pi-2', 'data-b', '--verifiers', 'fleet/keys.json');
  assert.is(again.status, 0, again.stderr);
  assert.match(again.stdout, /pi-2 is already in it with this key/);
  assert.is(readFileSync(join(dir, 'fleet/keys.json'), 'utf8'), before);
});

test('a fleet file with another key for the device is refused, naming the device, before anything is written', () => {
  const before = readFileSync(join(dir, 'fleet/keys.json'), 'utf8');
  // A data folder without a key for pi-1: a new key would contradict the fleet's entry, so none is made.
  const fresh = provision('pi-1', 'data-c', '--verifiers', 'fleet/keys.json');
  assert.is(fresh.status, 1, fresh.stdout);
  assert.match(fresh.stderr, /^sealscan provision: --verifiers fleet\/keys\.json: device pi-1 is already in it, and \S*data-c\/keys has no key for pi-1/);
  assert.match(fresh.stderr, /nothing was written/);
  assert.not.ok(existsSync(join(dir, 'data-c/keys/pi-1.key.json')), 'no key made');
  assert.not.ok(existsSync(join(dir, 'data-c.device.json')), 'no configuration written');
  // A data folder with another key for pi-1 (provisioned without --verifiers): its key differs from the entry.
  assert.is(provision('pi-1', 'data-d').status, 0);
  const other = provision('pi-1', 'data-d', '--verifiers', 'fleet/keys.json');
  assert.is(other.status, 1, other.stdout);
  assert.match(other.stderr, /^sealscan provision: --verifiers fleet\/keys\.json: device pi-1 is already in it with another key \(ed25519\)/);
  assert.is(readFileSync(join(dir, 'fleet/keys.json'), 'utf8'), before, 'the fleet file is unchanged');
});

test('an HMAC device: its verifier entry and a new fleet file are 0600 (they hold the shared secret)', () => {
  const r = provision('esp-1', 'data-e', '--alg', 'hmac-sha256', '--verifiers', 'secret-fleet.json');
  assert.is(r.status, 0, r.stderr);
  assert.is(mode('data-e/keys/esp-1.verifier.json'), 0o600);
  assert.is(mode('secret-fleet.json'), 0o600);
  assert.is(json('secret-fleet.json').devices['esp-1'].alg, 'hmac-sha256');
});

test('--verifiers naming a file that is not a keys file is a usage error naming it; nothing is written', () => {
  writeFileSync(join(dir, 'notes.json'), '{"devices": []}');
  const r = provision('pi-9', 'data-f', '--verifiers', 'notes.json');
  assert.is(r.status, 2, r.stdout);
  assert.match(r.stderr, /^sealscan provision: --verifiers notes\.json is not a keys file that can be added to: "devices" must be an object/);
  assert.not.ok(existsSync(join(dir, 'data-f')), 'no data folder');
});

test('mergeKeysFile: adds, keeps, refuses a conflict with code KEYS_FILE_CONFLICT, and takes any valid device id', () => {
  const a = { devices: { 'd-1': { alg: 'ed25519' as const, publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a' } } };
  const b = { devices: { 'd-1': { alg: 'ed25519' as const, publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c' } } };
  const text = mergeKeysFile(undefined, a)!;
  assert.equal(JSON.parse(text), a);
  const upper = JSON.stringify({ devices: { 'd-1': { alg: 'ed25519', publicKey: a.devices['d-1'].publicKey.toUpperCase() } } });
  assert.is(mergeKeysFile(upper, a), null, 'the same key in upper-case hex is the same entry');
  try {
    mergeKeysFile(text, b);
    assert.unreachable('a different key for d-1 was merged');
  } catch (e) {
    assert.instance(e, KeysFileError);
    assert.is((e as KeysFileError).code, 'KEYS_FILE_CONFLICT');
    assert.match((e as Error).message, /device d-1 is already in it with another key/);
  }
  // JSON.parse makes "__proto__" an own member, as a keys file read from disk would have it.
  const proto = mergeKeysFile(text, JSON.parse(JSON.stringify({ devices: { x: b.devices['d-1'] } }).replace('"x"', '"__proto__"')))!;
  assert.equal(Object.keys(parseKeysFile(proto)), ['d-1', '__proto__']);
});

test.run();
