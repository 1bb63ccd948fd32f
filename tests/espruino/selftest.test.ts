// The Espruino self-test image as built (dist/espruino/selftest.js) in a node:vm context shaped like the interpreter:
// 50 taps of sealed tags through the simulated chip inside the image, records on Storage, every batch printed by its
// loopback uplink. The host hands those batches to a real `sealscan ingest` (the device registered with the image's
// HMAC key, the image's issuer trusted): every record is accepted, `sealscan verify` checks the export, and the ingest
// re-judges the seals the device could not check as genuine.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { ingestProcess, sealscanIn } from '../helpers/cli.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { SimMfrc522 } from '../../sim/mfrc522/chip.js';
import { VirtualClock } from '../../sim/clock.js';
import { RfField } from '../../sim/rf/field.js';
import { registrationBody, siteFor } from '../../upstream/registration.js';
import { FakeStorage } from '../helpers/espruino-fakes.js';
import { espruinoContext } from '../helpers/espruino-vm.js';
import { tempDir } from '../helpers/tmp.js';

const root = new URL('../../..', import.meta.url).pathname;
const dir = tempDir('espruino-selftest');
const TOKEN = 'tok-espruino-selftest-1';
const sealscan = sealscanIn(dir);
let ingest: ChildProcess | undefined;

test.after(() => {
  ingest?.kill('SIGTERM');
});

test('selftest.js passes in an Espruino-shaped context, and its records are accepted, verified and re-judged genuine upstream', async () => {
  const built = spawnSync(process.execPath, [join(root, 'dist/scripts/espruino/build.js'), '--out', join(dir, 'image')], { encoding: 'utf8', timeout: 300000 });
  assert.is(built.status, 0, built.stdout + built.stderr);
  assert.match(built.stdout, /selftest\.js {2}[\d.]+ KB minified/);
  const data = JSON.parse(readFileSync(join(dir, 'image', 'selftest.json'), 'utf8'));

  const storage = new FakeStorage();
  const log: string[] = [];
  const unused = new SimMfrc522({ clock: new VirtualClock(), field: new RfField() });
  const { ctx, stop } = espruinoContext({ storage, chip: unused, log });
  try {
    vm.runInContext(readFileSync(join(dir, 'image', 'selftest.js'), 'utf8'), ctx, { filename: 'selftest.js' });
    for (let i = 0; i < 1200 && !log.some((l) => l.startsWith('SELFTEST ')); i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    stop();
  }
  const result = log.find((l) => l.startsWith('SELFTEST ')) ?? '(no SELFTEST line)';
  assert.match(result, /^SELFTEST PASS 53 records, 50 scans; peak \d+ variables; [\d.]+ ms per tap \(wall time in the interpreter/, log.filter((l) => !l.startsWith('BATCH')).join('\n'));
  assert.ok([...storage.files.keys()].some((n) => /^st\d+$/.test(n)), 'the queue lived in Storage');
  const batches = log.filter((l) => l.startsWith('BATCH ')).map((l) => Buffer.from(l.slice(6), 'hex'));
  assert.ok(batches.length >= 1);

  // The ingest, trusting the image's issuer (and the simulator's originality key) to re-judge its scans.
  writeFileSync(join(dir, 'issuer.json'), JSON.stringify({ format: 'sealscan-issuer/1', name: data.issuer.name, publicKey: data.issuer.publicKey }));
  const started = await ingestProcess(dir, join(dir, 'ingest.db'), TOKEN, ['--issuer', 'issuer.json', '--simulator'], { SEALSCAN_AUDITOR_TOKEN: 'auditor-token-selftest-1' });
  ingest = started.child;
  const url = started.url;
  const reg = await fetch(`${url}/v1/devices`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(registrationBody({ device: data.deviceId, alg: 'hmac-sha256', hmacKey: Buffer.from(data.hmacKey, 'hex') }, siteFor(data.site))),
  });
  assert.ok(reg.status === 201 || reg.status === 200, `registration: HTTP ${reg.status} ${await reg.text()}`);
  let acked = -1;
  for (const body of batches) {
    const r = await fetch(`${url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/cbor', accept: 'application/json' }, body });
    const json = (await r.json()) as { devices: { [id: string]: { ackedThrough: number; rejected: unknown[] } } };
    assert.is(r.status, 200, JSON.stringify(json));
    const d = json.devices[data.deviceId];
    assert.equal(d.rejected, [], JSON.stringify(d));
    acked = d.ackedThrough;
  }
  assert.is(acked, 52, 'every record acknowledged');

  writeFileSync(join(dir, 'keys.json'), JSON.stringify({ devices: { [data.deviceId]: { alg: 'hmac-sha256', hmacKey: data.hmacKey } } }));
  assert.is(sealscan('export', '--db', 'ingest.db', '--format', 'cose', '--out', 'all.cose').code, 0);
  const v = sealscan('verify', 'all.cose', '--keys', 'keys.json');
  assert.is(v.code, 0, v.out + v.err);
  assert.match(v.out, /esp-selftest {2}HMAC-SHA256 {2}OK {2}records 53, verified 53, seq 0\.\.52, chain intact/);
  const j = sealscan('export', '--db', 'ingest.db', '--format', 'json', '--out', 'all.json');
  assert.is(j.code, 0, j.err);
  const records = JSON.parse(readFileSync(join(dir, 'all.json'), 'utf8')) as unknown;
  const scans = JSON.stringify(records).match(/"upstream":\{"verdict":"[a-z-]+"/g) ?? [];
  assert.is(scans.length, 50, 'each scan carries the ingest\'s verdict');
  assert.ok(scans.every((s) => s.endsWith('"genuine"')), scans.slice(0, 3).join(' '));
});

test.run();
