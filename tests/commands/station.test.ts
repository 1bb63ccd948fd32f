// Sealing is an event (issue 13): `sealscan seal --station-config` writes a signed commission record into the
// packaging station's own chain, keeps it in the station's queue while the ingest is away, and syncs it.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { tempDir } from '../helpers/tmp.js';
import { decodePayload } from '../../firmware/records/record.js';
import { parseCose } from '../../firmware/records/cose.js';

const bin = new URL('../../../bin/sealscan.js', import.meta.url).pathname;
const dir = tempDir('station');
const TOKEN = 'provisioning-token-0001';
const AUDITOR = 'auditor-token-000000001';
const sealscan = (...args: string[]) => {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: dir, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
let ingest: ChildProcess | undefined;
let url = '';

function startIngest(port: number): Promise<string> {
  const child = spawn(process.execPath, [bin, 'ingest', '--port', String(port), '--db', 'ingest.db', '--token', TOKEN, '--auditor-token', AUDITOR], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  ingest = child;
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.on('exit', (c) => reject(new Error(`ingest exited ${c}: ${out}`)));
  });
}

function stopIngest(): Promise<void> {
  const child = ingest!;
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

async function records(device: string) {
  const r = await fetch(`${url}/v1/devices/${device}/records`, { headers: { authorization: `Bearer ${AUDITOR}` } });
  assert.is(r.status, 200);
  const body = (await r.json()) as { records: Array<{ seq: number; kind: string; bytes?: string }> };
  return body.records;
}

test.before(async () => {
  url = await startIngest(0);
  for (const args of [
    ['issuer-key', 'new', '--name', 'acme', '--out', 'keys'],
    ['tag', 'new', 'ntag213', '--out', 't1.json'],
    ['tag', 'new', 'ntag213', '--out', 't2.json'],
    ['provision', '--device', 'station-1', '--site', '9506000134352', '--ingest', url, '--token', TOKEN, '--issuer', 'keys/acme.issuer.json', '--simulator', '--data', 'station-data', '--out', 'station.json'],
  ]) {
    const r = sealscan(...args);
    assert.is(r.code, 0, args.join(' ') + ': ' + r.err);
  }
});
test.after(async () => {
  if (ingest) await stopIngest();
});

test('a seal with --station-config is a commission record in the station chain, synced to the ingest', async () => {
  const link = 'https://id.gs1.org/01/09506000134352/21/S1';
  const r = sealscan('seal', '--link', link, '--key', 'keys/acme.issuer-key.json', '--tag', 't1.json', '--station-config', 'station.json');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /commission record station-1 seq 1: synced to the ingest/);
  const recs = await records('station-1');
  assert.equal(recs.map((x) => x.kind), ['boot', 'commission']);
  const full = await fetch(`${url}/v1/export?format=cose&device=station-1`, { headers: { authorization: `Bearer ${AUDITOR}` } });
  const { decodeCbor } = await import('../../firmware/records/cbor.js');
  const list = decodeCbor(new Uint8Array(await full.arrayBuffer())) as Uint8Array[];
  const p = decodePayload(parseCose(list[1]).payload);
  assert.is(p.kind, 'commission');
  if (p.kind !== 'commission') return;
  assert.is(p.digitalLink, link);
  assert.is(p.site, '9506000134352');
  assert.is(p.sealHash.length, 32);
  assert.match(r.out, `sealed NTAG213 ${Buffer.from(p.uid).toString('hex').toUpperCase()}`);
});

test('with the ingest away the record stays queued in the station, and the next seal syncs it', async () => {
  const port = Number(new URL(url).port);
  await stopIngest();
  const r = sealscan('seal', '--link', 'https://id.gs1.org/01/09506000134352/21/S2', '--key', 'keys/acme.issuer-key.json', '--tag', 't2.json', '--station-config', 'station.json', '--sync-wait', '1');
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /commission record station-1 seq \d+: queued in the station/);
  url = await startIngest(port);
  const again = sealscan('seal', '--link', 'https://id.gs1.org/01/09506000134352/21/S2', '--key', 'keys/acme.issuer-key.json', '--tag', 't2.json', '--station-config', 'station.json', '--replace');
  assert.is(again.code, 0, again.err);
  assert.match(again.out, /synced to the ingest/);
  const kinds = (await records('station-1')).map((x) => x.kind);
  assert.equal(kinds, ['boot', 'commission', 'boot', 'commission', 'boot', 'commission']);
});

test('sealscan trace and sealscan alerts read the story and the alerts from the ingest database', () => {
  const t = sealscan('trace', 'https://id.gs1.org/01/09506000134352/21/S1', '--db', 'ingest.db');
  assert.is(t.code, 0, t.err);
  assert.match(t.out, /state commissioned at 9506000134352/);
  assert.match(t.out, /commissioned by station-1 seq 1/);
  const json = JSON.parse(sealscan('trace', 'https://id.gs1.org/01/09506000134352/21/S2', '--db', 'ingest.db', '--json').out);
  assert.equal(json.packages[0].timeline.map((e: { step: string }) => e.step), ['commissioning', 'commissioning']);
  assert.is(sealscan('trace', 'https://id.gs1.org/01/09506000134352/21/NONE', '--db', 'ingest.db').code, 1);
  assert.is(sealscan('trace', 'not-a-package', '--db', 'ingest.db').code, 2);
  const a = sealscan('alerts', '--db', 'ingest.db', '--rescan');
  assert.is(a.code, 0, a.out + a.err);
  assert.match(a.out, /rescanned 6 records: 2 packages, 0 alerts/);
});

test.run();
