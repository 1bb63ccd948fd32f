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
import { espruinoContext, readImage } from '../helpers/espruino-vm.js';
import { tempDir } from '../helpers/tmp.js';
import { SimDevice } from '../../sim/device.js';
import type { SelftestData } from '../../sim/selftest-data.js';
import { PacedClock } from '../../sim/paced-clock.js';
import { HttpUplink } from '../../hal/node/http-uplink.js';
import { Ntag213 } from '../../sim/tags/ntag21x.js';
import { MifareClassic1K } from '../../sim/tags/classic1k.js';

const root = new URL('../../..', import.meta.url).pathname;
const dir = tempDir('espruino-selftest');
const TOKEN = 'tok-espruino-selftest-1';
const sealscan = sealscanIn(dir);
let ingest: ChildProcess | undefined;
/** What the first test leaves for the second: the ingest's URL and the build's data file. */
const shared: { url?: string; data?: SelftestData } = {};

test.after(() => {
  ingest?.kill('SIGTERM');
});

test('selftest.js passes in an Espruino-shaped context, and its records are accepted, verified and re-judged genuine upstream', async () => {
  const built = spawnSync(process.execPath, [join(root, 'dist/scripts/espruino/build.js'), '--out', join(dir, 'image')], { encoding: 'utf8', timeout: 300000 });
  assert.is(built.status, 0, built.stdout + built.stderr);
  assert.match(built.stdout, /selftest\.js {2}[\d.]+ KB pretokenised \([\d.]+ KB minified\)/);
  const data = JSON.parse(readFileSync(join(dir, 'image', 'selftest.json'), 'utf8')) as SelftestData;
  shared.data = data;

  const storage = new FakeStorage();
  const log: string[] = [];
  const unused = new SimMfrc522({ clock: new VirtualClock(), field: new RfField() });
  const { ctx, stop } = espruinoContext({ storage, chip: unused, log });
  try {
    vm.runInContext(readImage(join(dir, 'image', 'selftest.js')), ctx, { filename: 'selftest.js' });
    for (let i = 0; i < 1200 && !log.some((l) => l.startsWith('SELFTEST ')); i++) await new Promise((r) => setTimeout(r, 50));
  } finally {
    stop();
  }
  const result = log.find((l) => l.startsWith('SELFTEST ')) ?? '(no SELFTEST line)';
  assert.match(result, /^SELFTEST PASS 53 records, 50 scans; peak \d+ variables \(code and globals \d+, simulator -?\d+, device built -?\d+\); [\d.]+ ms per tap \(wall time in the interpreter/, log.filter((l) => !l.startsWith('BATCH')).join('\n'));
  assert.ok([...storage.files.keys()].some((n) => /^st\d+$/.test(n)), 'the queue lived in Storage');
  const batches = log.filter((l) => l.startsWith('BATCH ')).map((l) => Buffer.from(l.slice(6), 'hex'));
  assert.ok(batches.length >= 1);

  // The ingest, trusting the image's issuer (and the simulator's originality key) to re-judge its scans.
  writeFileSync(join(dir, 'issuer.json'), JSON.stringify({ format: 'sealscan-issuer/1', name: data.issuer.name, publicKey: data.issuer.publicKey }));
  const started = await ingestProcess(dir, join(dir, 'ingest.db'), TOKEN, ['--issuer', 'issuer.json', '--simulator'], { SEALSCAN_AUDITOR_TOKEN: 'auditor-token-selftest-1' });
  ingest = started.child;
  const url = started.url;
  shared.url = url;
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

test('the simulator\'s scanner, given the same taps, makes the same scans: same tags, links, seals and (re-judged) verdicts; both chains verify', async () => {
  const { url, data } = shared;
  assert.ok(url && data, 'the first test ran');
  const hex = (s: string) => Uint8Array.from(Buffer.from(s, 'hex'));
  const clock = new PacedClock();
  const trust = { issuers: [{ name: data!.issuer.name, publicKey: hex(data!.issuer.publicKey) }], originalityKeys: [{ name: 'simulator', publicKey: hex(data!.originalityKey) }] };
  const sim = SimDevice.create({ clock, uplink: new HttpUplink(url!), trust, deviceId: 'sim-same-taps', site: data!.site, config: { dedupeWindowMs: 0 } });
  try {
    const reg = sim.identity.registration();
    const r = await fetch(`${url}/v1/devices`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, body: JSON.stringify(registrationBody(reg, siteFor(data!.site))) });
    assert.is(r.status, 201, await r.text());
    await sim.powerOn('power-on');
    // The self-test's script (scripts/espruino/device/selftest.ts): the badge, then the sealed tags in turn.
    const badge = new MifareClassic1K({ uid: hex(data!.badge.uid), blocks: { 4: hex(data!.badge.block4) } });
    const tags = data!.tags.map((t) => new Ntag213({ uid: hex(t.uid), memory: hex(t.memory), signature: hex(t.signature) }));
    assert.is((await sim.world.tap(badge, 5000))?.kind, 'login');
    for (let tap = 1; tap <= data!.taps; tap++) assert.is((await sim.world.tap(tags[(tap - 1) % tags.length], 5000))?.kind, 'scan', `tap ${tap}`);
    for (let i = 0; i < 200 && sim.status().queue!.unacked > 0; i++) await new Promise((ok) => setTimeout(ok, 50));
    assert.is(sim.status().queue!.unacked, 0, 'the simulator\'s scanner synced everything');
  } finally {
    await sim.close();
    clock.dispose();
  }

  const keys = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8'));
  const reg = sim.identity.registration();
  keys.devices['sim-same-taps'] = { alg: 'ed25519', publicKey: Buffer.from(reg.alg === 'ed25519' ? reg.publicKey : new Uint8Array(0)).toString('hex') };
  writeFileSync(join(dir, 'keys-both.json'), JSON.stringify(keys));
  assert.is(sealscan('export', '--db', 'ingest.db', '--format', 'cose', '--out', 'both.cose').code, 0);
  const v = sealscan('verify', 'both.cose', '--keys', 'keys-both.json');
  assert.is(v.code, 0, v.out + v.err);
  assert.match(v.out, /esp-selftest {2}HMAC-SHA256 {2}OK {2}records 53/);
  assert.match(v.out, /sim-same-taps {2}Ed25519 {2}OK {2}records 53, verified 53, seq 0\.\.52, chain intact/);

  assert.is(sealscan('export', '--db', 'ingest.db', '--format', 'json', '--out', 'both.json').code, 0);
  type Rec = { device: string; kind: string; payload: { [k: string]: unknown }; upstream?: { verdict: string } };
  const all = JSON.parse(readFileSync(join(dir, 'both.json'), 'utf8')) as Rec[] | { records: Rec[] };
  const list = Array.isArray(all) ? all : all.records;
  const scansOf = (device: string) => list.filter((x) => x.device === device && x.kind === 'scan').map((x) => ({
    uid: x.payload.uid, tagType: x.payload.tagType, link: x.payload.digitalLink, seal: x.payload.seal, step: x.payload.step ?? 'inspecting',
    verdict: x.upstream ? x.upstream.verdict : x.payload.verdict,
  }));
  const esp = scansOf('esp-selftest');
  const node = scansOf('sim-same-taps');
  assert.is(esp.length, 50);
  assert.equal(node, esp, 'scan for scan, the same facts; the verdict is the scanner\'s own on Node and the ingest\'s for the scans Espruino could not check');
  assert.ok(node.every((s) => s.verdict === 'genuine'));
  const espDevice = list.filter((x) => x.device === 'esp-selftest' && x.kind === 'scan');
  assert.ok(espDevice.every((x) => x.upstream !== undefined), 'every Espruino scan was re-judged upstream');
  assert.ok(list.filter((x) => x.device === 'sim-same-taps' && x.kind === 'scan').every((x) => x.upstream === undefined && x.payload.verdict === 'genuine'), 'the simulator\'s scanner checked its seals itself');
});

test.run();
