// `sealscan verify` as a technician runs it: a child process on files in a temp dir; exit codes 0/1/2 and the
// lines of its report that name device, seq and reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { encodeCbor } from '../../firmware/records/cbor.js';
import { RecordChain } from '../../firmware/records/chain.js';
import { crypto, ed25519Device, genuineScan, history, hmacDevice, T0, type TestDevice } from '../../sim/sweeps/fixtures.js';
import { toHex } from '../../hal/hex.js';

const root = new URL('../../..', import.meta.url).pathname;
const dir = tempDir('verify');
const ed = ed25519Device('scanner-0001');
const mac = hmacDevice('esp-0007');

function keysFile(devices: TestDevice[], name = 'keys.json'): string {
  const entries: Record<string, unknown> = {};
  for (const d of devices) entries[d.id] = d.key.alg === -8 ? { alg: 'ed25519', publicKey: toHex(d.key.publicKey) } : { alg: 'hmac-sha256', hmacKey: toHex(d.key.hmacKey) };
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify({ devices: entries }));
  return path;
}

let n = 0;
function recordsFile(records: Uint8Array[]): string {
  const path = join(dir, `records-${n++}.cbor`);
  writeFileSync(path, encodeCbor(records));
  return path;
}

function sealscan(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/sealscan.js', 'verify', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

const keys = keysFile([ed, mac]);

test('exit 0 for an intact export of an Ed25519 and an HMAC device', () => {
  const r = sealscan(recordsFile([...history(ed, 12), ...history(mac, 5)]), '--keys', keys);
  assert.is(r.status, 0, r.out + r.err);
  assert.match(r.out, 'sealscan verify: 17 records, 2 device(s)');
  assert.match(r.out, 'scanner-0001  Ed25519  OK  records 12, verified 12, seq 0..11, chain intact');
  assert.match(r.out, 'esp-0007  HMAC-SHA256  OK  records 5, verified 5, seq 0..4, chain intact');
  assert.match(r.out, /result: OK$/m);
});

test('exit 0 with a declared gap, reported', () => {
  const chain = RecordChain.start(ed.signer, crypto, ed.id, 1);
  const kept = Array.from({ length: 6 }, (_, i) => chain.append({ kind: 'scan', ...genuineScan() }, T0 + i).bytes);
  const fault = chain.fault({ reason: 'torn-tail', lost: [[6, 6]], discardedBytes: 40, where: [{ segment: 'q-1', offset: 9, length: 40 }] }, T0 + 7);
  const r = sealscan(recordsFile([...kept, fault.bytes]), '--keys', keys);
  assert.is(r.status, 0, r.out + r.err);
  assert.match(r.out, 'declared gap: seq 6 lost (fault seq 7: torn-tail)');
});

test('exit 1 naming device, seq and reason: a deleted record, a bad signature, an unknown device, a malformed record', () => {
  const h = history(ed, 10);
  const forged = RecordChain.resume(ed25519Device(ed.id, 'forger').signer, crypto, h[9], 1).append({ kind: 'logout', inspector: 'x' }, T0).bytes;
  const stranger = history(hmacDevice('esp-0099'), 2);
  const r = sealscan(recordsFile([...h.slice(0, 4), ...h.slice(5), forged, ...stranger, Uint8Array.of(0x01)]), '--keys', keys);
  assert.is(r.status, 1, r.out + r.err);
  assert.match(r.out, 'scanner-0001  Ed25519  FAIL');
  assert.match(r.out, 'FAIL scanner-0001 chain breaks at seq 4: seq 4 missing and not declared lost');
  assert.match(r.out, 'FAIL scanner-0001 seq 4: missing and not declared lost');
  assert.match(r.out, 'FAIL scanner-0001 record #9 (claims seq 10): signature does not verify');
  assert.match(r.out, 'FAIL esp-0099 unknown device: no key in the keys file (2 records not verified)');
  assert.match(r.out, /FAIL record #12: malformed, no device can be named: NOT_TAGGED/);
  assert.match(r.out, /result: FAIL \(2 device\(s\) failed, 1 malformed record\(s\)\)$/m);
});

test('replays are warnings (exit 0) unless --strict (exit 1); --json gives the machine report', () => {
  const h = history(ed, 5);
  const file = recordsFile([...h, h[2]]);
  const lax = sealscan(file, '--keys', keys);
  assert.is(lax.status, 0, lax.out);
  assert.match(lax.out, 'warning: record #5 repeats record #2 (seq 2): duplicate/replay');
  const strict = sealscan(file, '--keys', keys, '--strict');
  assert.is(strict.status, 1);
  assert.match(strict.out, 'FAIL scanner-0001 record #5 repeats record #2');
  const json = sealscan(file, '--keys', keys, '--json', '--strict');
  assert.is(json.status, 1);
  const report = JSON.parse(json.out);
  assert.equal([report.ok, report.strict, report.records, report.devices[0].duplicates], [false, true, 6, [{ index: 5, firstIndex: 2, seq: 2 }]]);
});

test('exit 2 for usage errors: missing options, unreadable or non-CBOR files, bad keys JSON naming the field', () => {
  const good = recordsFile(history(ed, 2));
  const cases: Array<[string[], RegExp]> = [
    [[good], /--keys KEYS.json is required/],
    [['--keys', keys], /expected at least one FILE/],
    [[join(dir, 'nope.cbor'), '--keys', keys], /cannot read .*nope\.cbor/],
    [[good, '--keys', join(dir, 'nope.json')], /bad keys file: cannot read/],
    [[good, '--keys', keysFile([], 'empty.json'), '--frobnicate'], /Unknown option '--frobnicate'/],
  ];
  const notCbor = join(dir, 'text.cbor');
  writeFileSync(notCbor, 'hello');
  cases.push([[notCbor, '--keys', keys], /not a deterministic CBOR array of records: CBOR/]);
  const notBstr = join(dir, 'ints.cbor');
  writeFileSync(notBstr, encodeCbor([history(ed, 1)[0], 7]));
  cases.push([[notBstr, '--keys', keys], /element 1 is not a byte string/]);
  const badKeys: Array<[unknown, RegExp]> = [
    ['not json', /bad keys file: .*not JSON/],
    [{ devices: [] }, /"devices" must be an object/],
    [{ devices: { 'esp-0007': { alg: 'hmac-sha256', hmacKey: 'abc' } } }, /devices\["esp-0007"\]\.hmacKey: must be 32\.\.64 bytes of hex/],
    [{ devices: { 'scanner-0001': { alg: 'ed25519', publicKey: '00'.repeat(31) } } }, /devices\["scanner-0001"\]\.publicKey: must be 32 bytes of hex/],
    [{ devices: { 'scanner-0001': { alg: 'rsa' } } }, /devices\["scanner-0001"\]\.alg: must be "ed25519" or "hmac-sha256"/],
    [{ devices: { 'bad id': { alg: 'ed25519' } } }, /devices\["bad id"\]: invalid device id/],
  ];
  badKeys.forEach(([content, expected], i) => {
    const path = join(dir, `bad-keys-${i}.json`);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    cases.push([[good, '--keys', path], expected]);
  });
  for (const [args, expected] of cases) {
    const r = sealscan(...args);
    assert.is(r.status, 2, args.join(' ') + '\n' + r.out + r.err);
    assert.match(r.err, expected, args.join(' '));
  }
  const help = sealscan('--help');
  assert.is(help.status, 0);
  assert.match(help.out, 'usage: sealscan verify FILE [FILE ...] --keys KEYS.json [--json] [--strict]');
});

test.run();
