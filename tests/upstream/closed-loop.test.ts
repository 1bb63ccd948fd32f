// The closed loop at the ingest (issue 13): package stories, the four first rules (each fires on its case and stays
// quiet on the honest day), alerts listed and acknowledged through the API, and a rescan that agrees with live
// evaluation, however the records arrived.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { RecordChain } from '../../firmware/records/chain.js';
import type { RecordBody, Step } from '../../firmware/records/kinds.js';
import { crypto, ed25519Device, T0, type TestDevice } from '../../sim/sweeps/fixtures.js';
import { Ingest } from '../../upstream/ingest.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { PgStore } from '../../upstream/pg-store.js';
import { rescan } from '../../upstream/closed-loop.js';
import { nodeSha256 } from '../../hal/node/crypto.js';
import type { Site } from '../../upstream/store.js';
import type { Alert } from '../../upstream/rules.js';
import { AUDITOR, call, read, register, startIngest, storeTest, upload } from './helpers.js';

const H = 3_600_000;
const SITES: { [name: string]: Site } = {
  station: { id: '4000001000005', geo: { latitude: 47.56, longitude: 7.59 } }, // Basel
  dist: { id: 'dist-frankfurt', geo: { latitude: 50.11, longitude: 8.68 } },
  pharm1: { id: 'pharm-zurich', geo: { latitude: 47.37, longitude: 8.54 } },
  pharm2: { id: 'pharm-lisbon', geo: { latitude: 38.72, longitude: -9.14 } },
};
const DEVICES: { [name: string]: TestDevice } = {};
for (const n of Object.keys(SITES)) DEVICES[n] = ed25519Device(`cl-${n}`);

const link = (serial: string) => `https://id.gs1.org/01/09506000134352/21/${serial}`;
const uid = (n: number) => Uint8Array.of(0x04, 0x10, 0x20, 0x30, 0x40, 0x50, n);
function sealBytes(n: number): Uint8Array {
  const s = new Uint8Array(73);
  for (let i = 0; i < s.length; i++) s[i] = (i * 31 + n * 7) & 0xff;
  s[0] = 1;
  return s;
}

/** The day's events in time order: [device name, body, time]. */
function day(): Array<[string, RecordBody, number]> {
  const ev: Array<[string, RecordBody, number]> = [];
  const commission = (serial: string, n: number, t: number) =>
    ev.push(['station', { kind: 'commission', site: SITES.station.id, uid: uid(n), digitalLink: link(serial), sealHash: crypto.sha256(sealBytes(n)), issuerKeyId: sealBytes(n).subarray(1, 5) }, t]);
  const scan = (where: string, serial: string, n: number, seal: number, step: Step, t: number) =>
    ev.push([where, { kind: 'scan', uid: uid(n), tagType: 'ntag213', seal: sealBytes(seal), digitalLink: link(serial), originality: 'valid', tamper: 'no-loop', verdict: 'genuine', reasons: [], inspector: 'badge-1', site: SITES[where].id, step }, t]);
  // The honest package: sealed, shipped, received, dispensed (and tapped twice at the counter).
  commission('HONEST', 1, T0);
  scan('dist', 'HONEST', 1, 1, 'shipping', T0 + 1 * H);
  scan('pharm1', 'HONEST', 1, 1, 'receiving', T0 + 5 * H);
  scan('pharm1', 'HONEST', 1, 1, 'dispensing', T0 + 6 * H);
  scan('pharm1', 'HONEST', 1, 1, 'dispensing', T0 + 6 * H + 60_000);
  // Never commissioned.
  scan('pharm1', 'GHOST', 2, 2, 'receiving', T0 + 2 * H);
  // A copied seal: the original at Zurich, the seal and link on another tag in Lisbon a day later.
  commission('COPIED', 3, T0 + 60_000);
  scan('dist', 'COPIED', 3, 3, 'shipping', T0 + 2 * H);
  scan('pharm1', 'COPIED', 3, 3, 'receiving', T0 + 3 * H);
  scan('pharm2', 'COPIED', 33, 3, 'receiving', T0 + 30 * H);
  // Dispensed in Zurich, received again in Lisbon two days later (diversion).
  commission('DIVERTED', 4, T0 + 120_000);
  scan('dist', 'DIVERTED', 4, 4, 'shipping', T0 + 1 * H + 120_000);
  scan('pharm1', 'DIVERTED', 4, 4, 'receiving', T0 + 1.5 * H);
  scan('pharm1', 'DIVERTED', 4, 4, 'dispensing', T0 + 2 * H);
  scan('pharm2', 'DIVERTED', 4, 4, 'receiving', T0 + 48 * H);
  // Zurich, then Lisbon (1,700 km) an hour later.
  commission('FAST', 5, T0 + 180_000);
  scan('pharm1', 'FAST', 5, 5, 'inspecting', T0 + 2 * H);
  scan('pharm2', 'FAST', 5, 5, 'inspecting', T0 + 3 * H);
  // Received in Zurich straight from the packaging station (never shipped), then dispensed in Lisbon, never received
  // there.
  commission('UNSHIPPED', 6, T0 + 240_000);
  scan('pharm1', 'UNSHIPPED', 6, 6, 'receiving', T0 + 4 * H);
  scan('pharm2', 'UNSHIPPED', 6, 6, 'dispensing', T0 + 40 * H);
  return ev.sort((a, b) => a[2] - b[2]);
}

/** The day's records per device, chained in time order. */
function records(): Array<{ device: string; bytes: Uint8Array; time: number }> {
  const chains: { [n: string]: RecordChain } = {};
  for (const n of Object.keys(DEVICES)) chains[n] = RecordChain.start(DEVICES[n].signer, crypto, DEVICES[n].id, 1);
  return day().map(([n, body, t]) => ({ device: n, bytes: chains[n].append(body, t).bytes, time: t }));
}

const shape = (alerts: Alert[]) => alerts.map((a) => ({ id: a.id, rule: a.rule, severity: a.severity, package: a.package, evidence: a.evidence })).sort((a, b) => (a.id < b.id ? -1 : 1));
const EXPECTED = [
  ['copied-seal', link('COPIED')],
  ['impossible-travel', link('COPIED')],
  ['impossible-travel', link('DIVERTED')],
  ['impossible-travel', link('FAST')],
  ['never-commissioned', link('GHOST')],
  ['scan-after-terminal', link('DIVERTED')],
  ['steps-out-of-order', link('COPIED')],
  ['steps-out-of-order', link('UNSHIPPED')],
  ['steps-out-of-order', link('UNSHIPPED')],
].map(([rule, pkg]) => `${rule} ${pkg}`);

/** An ingest without HTTP on its own database, with the day's devices registered. */
async function direct(rules: boolean) {
  const store = new SqliteStore(join(tempDir('closedloop'), 'ingest.db'));
  for (const n of Object.keys(DEVICES)) await store.register({ id: DEVICES[n].id, alg: 'ed25519', key: (DEVICES[n].key as { publicKey: Uint8Array }).publicKey, site: SITES[n] }, T0);
  const ingest = new Ingest({ store, sha256: { sha256: nodeSha256 }, rules: rules ? {} : false, now: () => T0 + 100 * H, refusals: { flushMs: 0 } });
  return { store, ingest };
}

storeTest('live: the honest package has no alert, each case raises exactly its own, with evidence by device and seq', async () => {
  const ing = await startIngest({ now: () => T0 + 100 * H });
  try {
    for (const n of Object.keys(DEVICES)) assert.is((await register(ing.url, DEVICES[n], SITES[n])).status, 201);
    // One record per upload, in time order: the rules run on every arrival.
    for (const r of records()) assert.is((await upload(ing.url, [r.bytes])).status, 200);
    const listed = await read(ing.url, '/v1/alerts?state=all');
    assert.is(listed.status, 200);
    const alerts = listed.json.alerts as Array<Alert & { ackedAt: string | null }>;
    // (COPIED and DIVERTED also cross Zurich to Lisbon; only FAST does it in an hour: the others are not travel.)
    assert.equal(alerts.map((a) => `${a.rule} ${a.package}`).sort(), EXPECTED.filter((e) => !e.startsWith('impossible-travel') || e.endsWith('FAST')));
    const copied = alerts.find((a) => a.rule === 'copied-seal')!;
    assert.is(copied.severity, 'critical');
    assert.equal(copied.evidence.map((e) => e.device), ['cl-station', 'cl-pharm2']);
    const fast = alerts.find((a) => a.rule === 'impossible-travel')!;
    assert.equal(fast.evidence.map((e) => e.device), ['cl-pharm1', 'cl-pharm2']);
    assert.match(fast.message, /1\d{3} km in 60 min/);
    const order = alerts.filter((a) => a.rule === 'steps-out-of-order' && a.package === link('UNSHIPPED'));
    assert.equal(order.map((a) => a.severity), ['medium', 'medium']);
    assert.equal(order.map((a) => a.message.replace(/^\S+ /, '')).sort(), [
      'was dispensed at pharm-lisbon without being received there (last seen: receiving at pharm-zurich)',
      'was received at pharm-zurich without being shipped (last seen: commissioning at 4000001000005)',
    ]);
    assert.ok(order.every((a) => a.evidence.length === 2 && a.evidence[0].device !== a.evidence[1].device), JSON.stringify(order));

    // The story of the honest package, by link and by UID.
    const story = await read(ing.url, '/v1/packages/' + encodeURIComponent(link('HONEST')));
    assert.is(story.status, 200);
    const p = story.json.packages[0];
    assert.is(p.state, 'dispensed');
    assert.is(p.site, 'pharm-zurich');
    assert.is(p.commissioned.device, 'cl-station');
    assert.equal(p.timeline.map((e: { step: string }) => e.step), ['commissioning', 'shipping', 'receiving', 'dispensing', 'dispensing']);
    assert.equal(p.verdicts, { genuine: 4 });
    assert.equal(p.alerts, []);
    const byUid = await read(ing.url, '/v1/packages/04102030405001');
    assert.is(byUid.json.packages[0].package, link('HONEST'));
    assert.is((await read(ing.url, '/v1/packages/' + encodeURIComponent(link('NOBODY')))).status, 404);
    assert.is((await call(ing.url, 'GET', '/v1/alerts')).status, 401, 'auditor role');
    const byDevice = await read(ing.url, '/v1/alerts?state=all&package=device:cl-pharm1');
    assert.is(byDevice.status, 200, JSON.stringify(byDevice.json));
    assert.equal(byDevice.json.alerts, [], 'an honest device has no chain alert');
    assert.is((await read(ing.url, '/v1/alerts?package=nonsense')).status, 400);

    // Acknowledged: no longer open, and a rescan keeps the acknowledgement.
    const ack = await call(ing.url, 'POST', `/v1/alerts/${encodeURIComponent(copied.id)}/ack`, JSON.stringify({ by: 'auditor-7' }), { authorization: `Bearer ${AUDITOR}`, 'content-type': 'application/json' });
    assert.is(ack.status, 200, JSON.stringify(ack.json));
    assert.is(ack.json.ackedBy, 'auditor-7');
    const open = (await read(ing.url, '/v1/alerts')).json.alerts as Alert[];
    assert.not.ok(open.some((a) => a.id === copied.id));
    const before = shape(await ing.store.alerts({ state: 'all', limit: 1000 }));
    const again = await rescan(ing.store, { sha256: nodeSha256 }, {}, T0 + 200 * H);
    assert.equal(shape(again.alerts), before, 'rescan = live');
    const after = await ing.store.alerts({ state: 'all', limit: 1000 });
    assert.equal(shape(after), before);
    assert.is(after.find((a) => a.id === copied.id)!.ackedBy, 'auditor-7');
  } finally {
    await ing.close();
  }
});

test('rescan agrees with live evaluation whatever order the records arrived in, and with no live rules at all', async () => {
  const all = records();
  const live = await direct(true);
  // Whole devices at a time, the packaging station last: scans arrive before their commission.
  for (const n of ['pharm2', 'pharm1', 'dist', 'station']) await live.ingest.ingest(all.filter((r) => r.device === n).map((r) => r.bytes));
  const liveAlerts = shape(await live.store.alerts({ state: 'all', limit: 1000 }));
  const off = await direct(false);
  await off.ingest.ingest(all.map((r) => r.bytes));
  assert.equal(await off.store.alerts({ state: 'all', limit: 1000 }), [], 'rules off: nothing raised');
  const rescanned = await rescan(off.store, { sha256: nodeSha256 }, {}, T0);
  assert.equal(shape(rescanned.alerts), liveAlerts);
  assert.equal(shape(await off.store.alerts({ state: 'all', limit: 1000 })), liveAlerts);
  assert.is(rescanned.packages, 6);
  // A never-commissioned alert raised while the station was offline is withdrawn when its commission arrives.
  assert.not.ok(liveAlerts.some((a) => a.rule === 'never-commissioned' && a.package !== link('GHOST')));
  for (const s of [live, off]) {
    await s.ingest.close();
    await s.store.close();
  }
});

test('device-chain: undeclared gaps and forks raise a device alert, withdrawn when the gap fills; a rescan agrees', async () => {
  const s = await direct(true);
  const dev = DEVICES.pharm1;
  const body = (n: number): RecordBody => ({ kind: 'scan', uid: uid(n), tagType: 'ntag213', seal: sealBytes(n), digitalLink: link('CHAIN' + n), originality: 'valid', tamper: 'no-loop', verdict: 'genuine', reasons: [], inspector: 'badge-1', site: SITES.pharm1.id, step: 'inspecting' });
  const chain = RecordChain.start(dev.signer, crypto, dev.id, 1);
  const recs = [0, 1, 2, 3, 4, 5, 6].map((n) => chain.append(body(n), T0 + n * 60_000).bytes);
  const deviceAlerts = async () => (await s.store.alerts({ state: 'all', limit: 100 })).filter((a) => a.rule === 'device-chain');
  await s.ingest.ingest(recs.slice(0, 3));
  assert.equal(await deviceAlerts(), []);
  await s.ingest.ingest(recs.slice(5));
  let found = await deviceAlerts();
  assert.is(found.length, 1);
  assert.is(found[0].package, 'device:cl-pharm1');
  assert.is(found[0].severity, 'high');
  assert.equal(found[0].evidence, [{ device: 'cl-pharm1', seq: 5 }]);
  assert.match(found[0].message, /seq 3-4 missing and never declared lost/);
  const rescanned = await rescan(s.store, { sha256: nodeSha256 }, {}, T0);
  assert.equal(shape(rescanned.alerts.filter((a) => a.rule === 'device-chain')), shape(found), 'rescan = live');
  await s.ingest.ingest(recs.slice(3, 5));
  assert.equal(await deviceAlerts(), [], 'the gap filled: withdrawn');

  // A second history from the same key: another record at seq 1.
  const other = RecordChain.start(dev.signer, crypto, dev.id, 1);
  other.append(body(0), T0);
  const fork = other.append(body(9), T0 + 30_000).bytes;
  await s.ingest.ingest([fork]);
  found = await deviceAlerts();
  assert.is(found.length, 1, JSON.stringify(found));
  assert.is(found[0].severity, 'critical');
  assert.equal(found[0].evidence, [{ device: 'cl-pharm1', seq: 1 }]);
  assert.match(found[0].message, /1 seq\(s\) claimed by two different records/);
  const again = await rescan(s.store, { sha256: nodeSha256 }, {}, T0);
  assert.equal(shape(again.alerts.filter((a) => a.rule === 'device-chain')), shape(found), 'rescan = live');
  await s.ingest.close();
  await s.store.close();
});

test('a crash between a commit and its rules loses no alert: the device sends the records again and their packages are judged then', async () => {
  const s = await direct(true);
  // pharm1's first record: DIVERTED received in Zurich, with nothing of it at the ingest before.
  const ghost = records().filter((r) => r.device === 'pharm1')[0];
  const evaluate = s.store.evaluateAlerts.bind(s.store);
  s.store.evaluateAlerts = async () => {
    throw new Error('the process died here');
  };
  let failed = false;
  await s.ingest.ingest([ghost.bytes]).catch(() => (failed = true));
  assert.ok(failed, 'the upload failed after its commit');
  assert.is((await s.store.counts(DEVICES.pharm1.id)).records, 1, 'the record was committed');
  assert.equal(await s.store.alerts({ state: 'all', limit: 10 }), []);
  s.store.evaluateAlerts = evaluate;
  const again = (await s.ingest.ingest([ghost.bytes])).devices.get(DEVICES.pharm1.id)!;
  assert.is(again.duplicates, 1);
  assert.equal((await s.store.alerts({ state: 'all', limit: 10 })).map((a) => `${a.rule} ${a.package}`), [`never-commissioned ${link('DIVERTED')}`]);
  await s.ingest.close();
  await s.store.close();
});

test('the speed limit is a setting: at 2000 km/h the hour from Zurich to Lisbon is possible', async () => {
  const s = await direct(false);
  await s.ingest.ingest(records().map((r) => r.bytes));
  const r = await rescan(s.store, { sha256: nodeSha256 }, { maxSpeedKmh: 2000 }, T0);
  assert.not.ok(r.alerts.some((a) => a.rule === 'impossible-travel'));
  await s.ingest.close();
  await s.store.close();
});

storeTest('a site registered through another process after the rules read the sites is in the next upload\'s rules', async () => {
  const ing = await startIngest({ now: () => T0 + 100 * H });
  const other = ing.kind === 'postgres' ? await PgStore.open(ing.db) : new SqliteStore(ing.db);
  try {
    // Zurich is known; the Lisbon scanner is registered without its site at first.
    assert.is((await register(ing.url, DEVICES.pharm1, SITES.pharm1)).status, 201);
    assert.is((await register(ing.url, DEVICES.pharm2)).status, 201);
    const scan = (where: string, t: number) => ({ kind: 'scan', uid: uid(5), tagType: 'ntag213', seal: sealBytes(5), digitalLink: link('LATE'), originality: 'valid', tamper: 'no-loop', verdict: 'genuine', reasons: [], inspector: 'badge-1', site: SITES[where].id, step: 'inspecting' }) as RecordBody;
    const zurich = RecordChain.start(DEVICES.pharm1.signer, crypto, DEVICES.pharm1.id, 1);
    const lisbon = RecordChain.start(DEVICES.pharm2.signer, crypto, DEVICES.pharm2.id, 1);
    assert.is((await upload(ing.url, [zurich.append(scan('pharm1', T0 + 2 * H), T0 + 2 * H).bytes])).status, 200);
    // Another process (another store on the same database) gives the Lisbon scanner its site.
    assert.is(await other.register({ id: DEVICES.pharm2.id, alg: 'ed25519', key: (DEVICES.pharm2.key as { publicKey: Uint8Array }).publicKey, site: SITES.pharm2 }, T0), 'updated');
    assert.is((await upload(ing.url, [lisbon.append(scan('pharm2', T0 + 3 * H), T0 + 3 * H).bytes])).status, 200);
    const alerts = (await read(ing.url, '/v1/alerts?state=all')).json.alerts as Alert[];
    assert.equal(alerts.filter((a) => a.rule === 'impossible-travel').map((a) => a.package), [link('LATE')], 'Zurich to Lisbon in an hour, with the site registered in between');
  } finally {
    await other.close();
    await ing.close();
  }
});

test.run();
