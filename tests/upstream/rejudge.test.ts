// The ingest re-judges what the device could not check. The scans come from the real Scanner on a board whose
// crypto has neither Ed25519 nor ECDSA (as on Espruino: records MACed with HMAC-SHA256, seal-unchecked and
// originality-unchecked in their reasons, the tag's originality signature in key 18), tapped with sealed,
// seal-copied, magic-cloned and tampered tags; they go through the real HTTP server, and the upstream verdict is
// read back from the device status, the records listing and the exports. Also: records without key 18, an ingest
// without the issuer key, a database from before re-judging, and `sealscan ingest --issuer/--simulator`.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tempDir } from '../helpers/tmp.js';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { badge, crypto, device, DEVICE, issuer, LINK, queued, sealed, tapOnce } from '../helpers/device.js';
import { hmacDevice, T0 } from '../../sim/sweeps/fixtures.js';
import { Ntag213, Ntag213TT, SIM_ORIGINALITY_PUBLIC_KEY } from '../../sim/tags/index.js';
import type { Picc } from '../../sim/rf/air.js';
import { cloneTag } from '../../sim/station.js';
import { decodePayload } from '../../firmware/records/record.js';
import { parseCose } from '../../firmware/records/cose.js';
import { RecordChain } from '../../firmware/records/chain.js';
import { encodeSeal, issuerKeyId, sealMessage } from '../../firmware/records/seal.js';
import type { RecordHeader, ScanBody, ScanEvidence } from '../../firmware/records/kinds.js';
import { rejudgeScan, type UpstreamTrust } from '../../upstream/rejudge.js';
import { FRESH } from '../../upstream/sqlite-schema.js';
import { SchemaError } from '../../upstream/schema-error.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { toHex } from '../../hal/hex.js';
import { read, register, startIngest, TOKEN, upload, storeTest } from './helpers.js';

const epcis = createRequire(import.meta.url)('epcis2.js') as {
  setup(s: { checkExtensions: boolean }): void;
  validateEpcisDocument(doc: unknown, throwError: boolean): { success: boolean; errors: string[] };
};
epcis.setup({ checkExtensions: true });

const root = new URL('../../..', import.meta.url).pathname;
/** The board of an Espruino scanner: SHA-256 and random bytes, nothing asymmetric. */
const espruinoCrypto = { ...crypto, ed25519: undefined, originality: undefined };
/** Its identity: records are COSE_Mac0 with this HMAC key, registered as hmac-sha256. */
const esp = hmacDevice(DEVICE);
const SIMULATOR_KEY = { name: 'simulator', publicKey: SIM_ORIGINALITY_PUBLIC_KEY };
const TRUST: UpstreamTrust = { issuers: [{ name: 'Acme Pharma', publicKey: issuer.publicKey }], originalityKeys: [SIMULATOR_KEY] };

/** Boot, login, and one scan record per tag, from the real Scanner on the Espruino board. */
async function espruinoScans(tags: Picc[]): Promise<Uint8Array[]> {
  const d = await device({ crypto: espruinoCrypto, signer: esp.signer });
  d.scanner.start();
  await tapOnce(d, badge('INSP-007'));
  for (const t of tags) {
    const e = await tapOnce(d, t);
    if (e?.kind !== 'scan') throw new Error(`tap of ${t.label}: ${e?.kind}`);
  }
  return queued(d.queue);
}

const scanOf = (bytes: Uint8Array) => decodePayload(parseCose(bytes).payload) as RecordHeader & ScanBody;

/** An ingest with `trust`, the Espruino scanner registered, `records` uploaded and all accepted. */
async function ingested(records: Uint8Array[], trust: UpstreamTrust | undefined = TRUST) {
  const ing = await startIngest({ trust });
  assert.is((await register(ing.url, esp)).status, 201);
  const r = await upload(ing.url, records);
  const answer = r.json.devices[DEVICE];
  assert.is(answer.accepted, records.length, JSON.stringify(answer.rejected));
  return ing;
}

/** The records listing of the device: seq → the JSON record (payload and upstream verdict). */
async function listing(url: string) {
  const r = await read(url, `/v1/devices/${DEVICE}/records?limit=1000`);
  assert.is(r.status, 200);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON as the API answers it
  return new Map<number, any>(r.json.records.map((x: { seq: number }) => [x.seq, x]));
}

storeTest('a genuine sealed tag: the device could check neither seal nor chip and says unknown; the ingest says genuine', async () => {
  const tag = await sealed(new Ntag213());
  const records = await espruinoScans([tag]);
  const scan = scanOf(records[2]);
  assert.is(parseCose(records[2]).alg, 5, 'an HMAC record, as Espruino makes');
  assert.is(scan.verdict, 'unknown');
  assert.equal(scan.reasons, ['originality-unchecked', 'seal-unchecked']);
  assert.equal(Array.from(scan.originalitySig ?? []), Array.from(tag.signature), 'the signature travels in key 18');
  const ing = await ingested(records);
  try {
    const rec = (await listing(ing.url)).get(2);
    assert.is(rec.payload.verdict, 'unknown', "the device's verdict is kept as it signed it");
    assert.equal(rec.upstream, { verdict: 'genuine', reasons: [] });
    assert.is((await listing(ing.url)).get(1).upstream, undefined, 'a login is not judged');
    const s = await read(ing.url, `/v1/devices/${DEVICE}`);
    assert.equal(s.json.upstream, { verdicts: { genuine: 1 }, flagged: [] });
  } finally {
    await ing.close();
  }
});

storeTest('a copied seal, a magic clone and an opened package: the ingest finds each, and the status lists them', async () => {
  const original = await sealed(new Ntag213());
  const copy = cloneTag(original, 'copy-seal');
  const magic = cloneTag(original, 'magic');
  const opened = await sealed(new Ntag213TT());
  opened.openTamperLoop();
  const records = await espruinoScans([copy, magic, opened]);
  const device = [2, 3, 4].map((i) => scanOf(records[i]));
  // On the device all three are "unknown": the seal it could not check caps the verdict, even over an open loop.
  assert.equal(device.map((p) => p.verdict), ['unknown', 'unknown', 'unknown']);
  assert.ok(device[2].reasons.includes('tamper-loop-open'));
  const ing = await ingested(records);
  try {
    const list = await listing(ing.url);
    assert.equal(list.get(2).upstream, { verdict: 'invalid-seal', reasons: ['seal-signature-bad'] }, 'the copy: its own chip is original, the seal is not for its UID');
    assert.equal(list.get(3).upstream, { verdict: 'clone-suspect', reasons: ['originality-invalid'] }, 'the magic clone: the seal matches the copied UID, the chip signature does not');
    assert.equal(list.get(4).upstream, { verdict: 'tampered', reasons: ['tamper-loop-open'] }, 'the device found the loop; the seal checks out upstream');
    const s = await read(ing.url, `/v1/devices/${DEVICE}`);
    assert.equal(s.json.upstream.verdicts, { 'invalid-seal': 1, 'clone-suspect': 1, tampered: 1 });
    assert.equal(
      s.json.upstream.flagged.map((f: { seq: number; deviceVerdict: string; verdict: string }) => [f.seq, f.deviceVerdict, f.verdict]),
      [[4, 'unknown', 'tampered'], [3, 'unknown', 'clone-suspect'], [2, 'unknown', 'invalid-seal']],
      'newest first, beside what the device said',
    );
    assert.is(s.json.upstream.flagged[1].hash, toHex(crypto.sha256(records[3])));
    assert.is(s.json.upstream.flagged[1].time, new Date(scanOf(records[3]).time).toISOString());
    assert.is(s.json.chain, 'intact', 'a bad tag is no fault of the chain');
    const list1 = await read(ing.url, '/v1/devices?limit=10');
    assert.is(list1.json.devices[0].upstream.flagged.length, 3, 'the device list carries it too');
  } finally {
    await ing.close();
  }
});

storeTest('exports carry the upstream verdict: json beside the payload, EPCIS as extension fields and disposition', async () => {
  const genuine = await sealed(new Ntag213());
  const records = await espruinoScans([genuine, cloneTag(genuine, 'magic')]);
  const ing = await ingested(records);
  try {
    const json = await read(ing.url, `/v1/export?format=json&device=${DEVICE}`);
    const scans = json.json.records.filter((r: { kind: string }) => r.kind === 'scan');
    assert.equal(scans.map((r: { upstream: { verdict: string } }) => r.upstream.verdict), ['genuine', 'clone-suspect']);
    assert.is(scans[0].payload.originalitySig, toHex(genuine.signature));
    const doc = await read(ing.url, `/v1/export?format=epcis&device=${DEVICE}`);
    const v = epcis.validateEpcisDocument(doc.json, false);
    assert.ok(v.success, JSON.stringify(v.errors));
    const events = doc.json.epcisBody.eventList;
    assert.equal(events.map((e: Record<string, unknown>) => [e['sealscan:verdict'], e['sealscan:upstreamVerdict'], e.disposition]), [
      ['unknown', 'genuine', 'conformant'],
      ['unknown', 'clone-suspect', 'non_conformant'],
    ]);
    assert.equal(events[1]['sealscan:upstreamReasons'], ['originality-invalid']);
    assert.match(events[0].eventID, /^ni:\/\/\/sha-256;[0-9a-f]{64}\?ver=CBV2\.0$/, 'the new fields keep the CBV event hash');
  } finally {
    await ing.close();
  }
});

/** A scan record as a scanner made it before key 18: seal-unchecked and originality-unchecked, no signature. */
function oldFormatScan(): ScanEvidence {
  const uid = Uint8Array.of(0x04, 0x51, 0x2a, 0x7c, 0x11, 0x90, 0x80);
  const sealedAt = Math.floor(T0 / 1000) - 86400;
  const keyId = issuerKeyId(issuer.publicKey, crypto);
  const signature = crypto.ed25519!.sign(issuer.privateKey, sealMessage(uid, LINK, sealedAt, keyId));
  return {
    uid, tagType: 'ntag213', seal: encodeSeal({ keyId, sealedAt, signature }), digitalLink: LINK, originality: 'not-supported', tamper: 'no-loop',
    verdict: 'unknown', reasons: ['originality-unchecked', 'seal-unchecked'], inspector: 'INSP-007', site: '9506000000001',
  };
}

storeTest('a record without key 18 (the format before it) is accepted; the seal is re-judged, the chip stays unchecked and says why', async () => {
  const chain = RecordChain.start(esp.signer, crypto, esp.id, 1);
  const records = [chain.append({ kind: 'boot', firmware: '0.1.0', reset: 'power-on' }, T0).bytes, chain.append({ kind: 'scan', ...oldFormatScan() }, T0 + 1000).bytes];
  assert.not.ok(Buffer.from(records[1]).includes(Buffer.from('originalitySig')), 'sanity');
  assert.is(scanOf(records[1]).originalitySig, undefined);
  const ing = await ingested(records);
  try {
    const rec = (await listing(ing.url)).get(1);
    assert.equal(rec.upstream, { verdict: 'genuine', reasons: ['originality-unchecked', 'originality-sig-missing'] });
    assert.equal((await read(ing.url, `/v1/devices/${DEVICE}`)).json.upstream.flagged, []);
  } finally {
    await ing.close();
  }
});

storeTest('an ingest without the issuer key keeps the seal unknown and says why; without the simulator key the chip fails', async () => {
  const tag = await sealed(new Ntag213());
  const records = await espruinoScans([tag]);
  const noIssuer = await ingested(records, { issuers: [], originalityKeys: [SIMULATOR_KEY] });
  try {
    assert.equal((await listing(noIssuer.url)).get(2).upstream, { verdict: 'unknown', reasons: ['seal-unchecked', 'upstream-issuer-unknown'] });
    const s = await read(noIssuer.url, `/v1/devices/${DEVICE}`);
    assert.equal(s.json.upstream, { verdicts: { unknown: 1 }, flagged: [] }, 'unknown is not a finding against the tag');
  } finally {
    await noIssuer.close();
  }
  // Only NXP's keys: a simulated chip is no NXP chip, and the ingest says so (what --simulator is for).
  const nxpOnly = await ingested(records, { issuers: TRUST.issuers });
  try {
    assert.equal((await listing(nxpOnly.url)).get(2).upstream, { verdict: 'clone-suspect', reasons: ['originality-invalid'] });
  } finally {
    await nxpOnly.close();
  }
});

test('re-judging keeps what the device found and weighs it with the shared table; a checked scan is left alone', () => {
  const base = oldFormatScan();
  const scan = (e: Partial<ScanEvidence>) => ({ kind: 'scan', ...base, ...e }) as ScanBody;
  assert.is(rejudgeScan(scan({ verdict: 'genuine', reasons: [], originality: 'valid' }), TRUST), undefined, 'nothing unchecked: the device verdict stands');
  assert.equal(rejudgeScan(scan({ reasons: ['seal-unchecked'], originality: 'valid' }), TRUST), { verdict: 'genuine', reasons: [] });
  assert.equal(rejudgeScan(scan({ reasons: ['identity-inconsistent', 'seal-unchecked'] }), TRUST), { verdict: 'clone-suspect', reasons: ['identity-inconsistent'] });
  assert.equal(rejudgeScan(scan({ reasons: ['read-failed-timeout', 'seal-unchecked'] }), TRUST), { verdict: 'unreadable', reasons: ['read-failed-timeout'] });
  assert.equal(rejudgeScan(scan({ reasons: ['seal-unchecked', 'from-a-newer-firmware'] }), TRUST)?.verdict, 'unknown', 'a code the ingest cannot weigh keeps it from genuine');
  assert.equal(rejudgeScan(scan({ uid: Uint8Array.of(0x04, 1, 2, 3, 4, 5, 6), reasons: ['seal-unchecked'] }), TRUST), { verdict: 'invalid-seal', reasons: ['seal-signature-bad'] });
  assert.equal(rejudgeScan(scan({ digitalLink: undefined, reasons: ['seal-unchecked'] }), TRUST), { verdict: 'unknown', reasons: ['seal-unchecked', 'seal-evidence-missing'] });
  assert.equal(rejudgeScan(scan({ seal: Uint8Array.of(2, 0, 0), reasons: ['seal-unchecked'] }), TRUST), { verdict: 'invalid-seal', reasons: ['seal-version'] });
  assert.equal(rejudgeScan(scan({ tagType: 'mifare-classic-1k', originalitySig: new Uint8Array(32), reasons: ['originality-unchecked'] }), { issuers: [] }), {
    verdict: 'genuine',
    reasons: ['originality-unchecked', 'originality-key-unknown'],
  });
});

test('a database from before re-judging: refused until migrated, then its scans keep no upstream verdict and new ones get one', async () => {
  const dir = tempDir('rejudge-v2');
  const db = join(dir, 'ingest.db');
  const old = new Database(db);
  for (const sql of FRESH.slice(0, 2)) old.exec(sql);
  old.pragma('user_version = 2');
  const chain = RecordChain.start(esp.signer, crypto, esp.id, 1);
  const first = chain.append({ kind: 'scan', ...oldFormatScan() }, T0).bytes;
  old.prepare("INSERT INTO devices (id, alg, key, site, registered_at, acked_through, acked_hash, acked_boot) VALUES (?, 'hmac-sha256', ?, NULL, 0, 0, ?, 1)").run(DEVICE, esp.key.alg === 5 ? esp.key.hmacKey : null, toHex(crypto.sha256(first)));
  old.prepare('INSERT INTO records (device, seq, hash, prev, boot, kind, time, bytes, received_at) VALUES (?, 0, ?, ?, 1, ?, ?, ?, 0)').run(DEVICE, toHex(crypto.sha256(first)), toHex(new Uint8Array(32)), 'scan', T0, first);
  old.close();
  assert.throws(() => new SqliteStore(db), (e: unknown) => e instanceof SchemaError && /schema version 2/.test((e as Error).message));
  const ing = await startIngest({ db, migrate: true, trust: TRUST });
  try {
    const second = chain.append({ kind: 'scan', ...oldFormatScan() }, T0 + 1000).bytes;
    assert.is((await upload(ing.url, [second])).json.devices[DEVICE].ackedThrough, 1);
    const list = await listing(ing.url);
    assert.is(list.get(0).upstream, undefined, 'stored before version 3: no verdict is made up for it');
    assert.is(list.get(1).upstream.verdict, 'genuine');
    assert.is((await read(ing.url, '/v1/health')).json.records, 2, 'health totals: the record stored before version 5 counted by the migration');
  } finally {
    await ing.close();
  }
});

test('sealscan ingest --issuer FILE --simulator re-judges; a bad issuer file or originality key is a usage error', async () => {
  const dir = tempDir('rejudge-cli');
  const issuerFile = join(dir, 'acme.issuer.json');
  writeFileSync(issuerFile, JSON.stringify({ format: 'sealscan-issuer/1', name: 'Acme Pharma', publicKey: toHex(issuer.publicKey), keyId: toHex(issuerKeyId(issuer.publicKey, crypto)) }));
  const cli = (...args: string[]) => spawnSync(process.execPath, ['bin/sealscan.js', 'ingest', '--port', '0', '--db', join(dir, 'bad.db'), ...args], { cwd: root, encoding: 'utf8' });
  const missing = cli('--issuer', join(dir, 'nope.json'));
  assert.is(missing.status, 2);
  assert.match(missing.stderr, 'nope.json');
  const notOnCurve = cli('--originality-key', 'vendor=04' + '11'.repeat(32));
  assert.is(notOnCurve.status, 2);
  assert.match(notOnCurve.stderr, '--originality-key vendor: the key is not a point on secp128r1');
  assert.is(cli('--originality-key', toHex(SIM_ORIGINALITY_PUBLIC_KEY)).status, 2, 'NAME= is required');

  const original = await sealed(new Ntag213());
  const records = await espruinoScans([original, cloneTag(original, 'magic')]);
  const child = spawn(process.execPath, ['bin/sealscan.js', 'ingest', '--port', '0', '--db', join(dir, 'ingest.db'), '--workers', '0', '--issuer', issuerFile, '--simulator'], {
    cwd: root,
    env: { ...process.env, SEALSCAN_PROVISIONING_TOKEN: TOKEN, SEALSCAN_AUDITOR_TOKEN: 'cli-auditor-token-0001' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let out = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m) resolve(m[1]);
      });
      child.once('exit', () => reject(new Error('exited early: ' + out)));
    });
    assert.match(out, 're-judges unchecked scans with 1 issuer key(s) (Acme Pharma) and NXP\'s originality keys + simulator');
    assert.is((await register(url, esp)).status, 201);
    assert.is((await upload(url, records)).json.devices[DEVICE].ackedThrough, 3);
    const s = await read(url, `/v1/devices/${DEVICE}`, 'cli-auditor-token-0001');
    assert.equal(s.json.upstream.verdicts, { genuine: 1, 'clone-suspect': 1 });
    assert.equal(s.json.upstream.flagged.map((f: { seq: number }) => f.seq), [3]);
  } finally {
    if (child.exitCode === null) process.kill(child.pid!, 'SIGTERM');
  }
  assert.is(await exited, 0);
});

test.run();
