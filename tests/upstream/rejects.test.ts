// What the ingest refuses, per record (bad signature, wrong kid, wrong payload device, alg not the registered one,
// alg unprotected, unknown device, malformed COSE) and per request (limits, content type, malformed CBOR); each
// refusal is kept for forensics and never accepted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { buildCose } from '../../firmware/records/cose.js';
import { CborMap, CborTag, encodeCbor } from '../../firmware/records/cbor.js';
import { encodePayload } from '../../firmware/records/record.js';
import { encodeUtf8 } from '../../firmware/records/utf8.js';
import { zeroHash } from '../../firmware/records/links.js';
import { ed25519Device, history, hmacDevice, T0 } from '../../sim/sweeps/fixtures.js';
import { call, register, startIngest, upload, uploadRaw, type RunningIngest, read, storeTest } from './helpers.js';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

const ed = ed25519Device('scanner-0001');
const other = ed25519Device('scanner-0002');

async function withIngest(fn: (ing: RunningIngest) => Promise<void>, limits?: { maxBodyBytes?: number; maxRecords?: number }): Promise<void> {
  const ing = await startIngest({ limits });
  try {
    assert.is((await register(ing.url, ed)).status, 201);
    assert.is((await register(ing.url, other)).status, 201);
    await fn(ing);
  } finally {
    await ing.close();
  }
}

const rejectsOf = (ing: RunningIngest) => ing.query('SELECT device, seq, reason FROM reject_sample ORDER BY received_at, pool, slot');
const accepted = async (ing: RunningIngest) => (await ing.query<{ n: number }>('SELECT COUNT(*) AS n FROM records'))[0].n;

storeTest('a flipped bit in a signature: bad-signature for that seq, the ack stops before it, the bytes are kept', () =>
  withIngest(async (ing) => {
    const h = history(ed, 6);
    const bad = h[3].slice();
    bad[bad.length - 1] ^= 1;
    const r = await upload(ing.url, [h[0], h[1], h[2], bad, h[4], h[5]]);
    const d = r.json.devices['scanner-0001'];
    assert.is(d.ackedThrough, 2);
    assert.equal(d.rejected[0], { seq: 3, reason: 'bad-signature', permanent: true, message: 'signature does not verify with the key registered for scanner-0001' });
    assert.equal(d.rejected.slice(1).map((x: { reason: string }) => x.reason), ['undeclared-gap', 'undeclared-gap']);
    assert.equal(await rejectsOf(ing), [{ device: 'scanner-0001', seq: 3, reason: 'bad-signature' }]);
    assert.is(await accepted(ing), 3);
  }));

storeTest('wrong kid: a record of one device under another device id fails its signature; a payload naming another device is refused', () =>
  withIngest(async (ing) => {
    // other's key, ed's kid and payload
    const forged = buildCose(other.signer, ed.id, encodePayload({ kind: 'boot', firmware: '0.1.0', reset: 'power-on', device: ed.id, seq: 0, prev: zeroHash(), time: T0, boot: 1 }));
    const r = await upload(ing.url, [forged]);
    assert.is(r.json.devices['scanner-0001'].rejected[0].reason, 'bad-signature');
    // ed's key and kid, but the payload says scanner-0002
    const mixed = buildCose(ed.signer, ed.id, encodePayload({ kind: 'boot', firmware: '0.1.0', reset: 'power-on', device: other.id, seq: 0, prev: zeroHash(), time: T0, boot: 1 }));
    const r2 = await upload(ing.url, [mixed]);
    assert.is(r2.json.devices['scanner-0001'].rejected[0].reason, 'wrong-device');
    assert.is(r2.json.devices['scanner-0002'], undefined);
    assert.is(await accepted(ing), 0);
  }));

storeTest('an HMAC record for a device registered with Ed25519 is alg-mismatch; an unknown device is unknown-device', () =>
  withIngest(async (ing) => {
    const asMac = history(hmacDevice('scanner-0001'), 1)[0];
    const r = await upload(ing.url, [asMac]);
    assert.is(r.json.devices['scanner-0001'].rejected[0].reason, 'alg-mismatch');
    const stranger = history(ed25519Device('scanner-9999'), 2);
    const u = await upload(ing.url, stranger);
    assert.equal(u.json.devices['scanner-9999'].ackedThrough, -1);
    assert.equal(u.json.devices['scanner-9999'].rejected.map((x: { seq: number; reason: string }) => [x.seq, x.reason]), [[0, 'unknown-device'], [1, 'unknown-device']]);
    assert.ok((await rejectsOf(ing)).some((x) => x.device === 'scanner-9999' && x.reason === 'unknown-device'));
  }));

storeTest('alg in the unprotected header, a missing tag, a non-device kid: malformed, by index, no device named', () =>
  withIngest(async (ing) => {
    const h = history(ed, 1)[0];
    const prot = encodeCbor(new CborMap([[4, encodeUtf8(ed.id)]]));
    const unprotAlg = encodeCbor(new CborTag(18, [prot, new CborMap([[1, -8]]), new Uint8Array(10), new Uint8Array(64)]));
    const untagged = h.subarray(1);
    const badKid = encodeCbor(new CborTag(18, [encodeCbor(new CborMap([[1, -8], [4, encodeUtf8('no spaces allowed')]])), new CborMap(), new Uint8Array(3), new Uint8Array(64)]));
    const r = await upload(ing.url, [h, unprotAlg, untagged, badKid, new Uint8Array([0xff])]);
    assert.is(r.json.devices['scanner-0001'].ackedThrough, 0);
    assert.equal(r.json.malformed.map((m: { index: number }) => m.index), [1, 2, 3, 4]);
    assert.match(r.json.malformed[0].message, 'ALG_UNPROTECTED');
    assert.match(r.json.malformed[1].message, 'NOT_TAGGED');
    assert.match(r.json.malformed[2].message, 'not a device id');
    assert.is((await rejectsOf(ing)).filter((x) => x.reason === 'malformed' && x.device === null).length, 4);
  }));

storeTest('request limits: 413 for too many records or too many bytes, 415 for another content type, 400 naming the byte or element', () =>
  withIngest(async (ing) => {
    const h = history(ed, 12);
    const many = await upload(ing.url, h.slice(0, 11));
    assert.is(many.status, 413);
    assert.is(many.json.error.code, 'too-many-records');
    const big = await uploadRaw(ing.url, encodeCbor([new Uint8Array(5000)]));
    assert.is(big.status, 413);
    assert.is(big.json.error.code, 'body-too-large');
    const text = await uploadRaw(ing.url, encodeCbor(h.slice(0, 2)), 'application/json');
    assert.is(text.status, 415);
    const notArray = await uploadRaw(ing.url, Uint8Array.of(0xa0));
    assert.is(notArray.status, 400);
    assert.match(notArray.json.error.message, 'byte 0');
    const trailing = await uploadRaw(ing.url, Uint8Array.of(0x80, 0x00));
    assert.match(trailing.json.error.message, '1 byte(s) after the array\'s 0 element(s), from byte 1');
    const element = await uploadRaw(ing.url, encodeCbor([h[0], 7]));
    assert.match(element.json.error.message, 'element 1 must be a CBOR byte string (major type 2), found major type 0');
    const nonShortest = await uploadRaw(ing.url, Uint8Array.of(0x98, 0x01, 0x40));
    assert.match(nonShortest.json.error.message, 'byte 0: the length of the body is not in its shortest form');
    assert.is(await accepted(ing), 0, 'nothing stored from refused requests');
    const ok = await upload(ing.url, h.slice(0, 10));
    assert.is(ok.json.devices['scanner-0001'].ackedThrough, 9, 'the service still works');
  }, { maxRecords: 10, maxBodyBytes: 4096 }));

storeTest('unknown routes and methods answer JSON errors', () =>
  withIngest(async (ing) => {
    const nf = await read(ing.url, '/v2/nothing');
    assert.is(nf.status, 404);
    assert.is(nf.json.error.code, 'not-found');
    const m = await call(ing.url, 'DELETE', '/v1/records');
    assert.is(m.status, 405);
    assert.is(m.headers.get('allow'), 'POST');
    const dev = await read(ing.url, '/v1/devices/nobody');
    assert.is(dev.status, 404);
    assert.is(dev.json.error.code, 'unknown-device');
    const enc = await read(ing.url, '/v1/devices/%ZZ');
    assert.is(enc.status, 400);
    assert.is(enc.json.error.code, 'bad-parameter');
    const lim = await read(ing.url, '/v1/devices/scanner-0001/records?limit=-1');
    assert.is(lim.status, 400);
    assert.match(lim.json.error.message, 'limit');
  }));

test('a database locked by another writer: 503 busy with Retry-After, nothing stored, then normal service', async () => {
  const dir = tempDir('busy');
  const ing = await startIngest({ db: join(dir, 'ingest.db'), busyTimeoutMs: 50 });
  try {
    await register(ing.url, ed);
    const other = new Database(join(dir, 'ingest.db'));
    other.exec('BEGIN IMMEDIATE');
    const r = await upload(ing.url, history(ed, 3));
    assert.is(r.status, 503);
    assert.is(r.json.error.code, 'busy');
    assert.is(r.headers.get('retry-after'), '1');
    other.exec('ROLLBACK');
    other.close();
    assert.is(await accepted(ing), 0);
    assert.is((await upload(ing.url, history(ed, 3))).json.devices['scanner-0001'].ackedThrough, 2);
  } finally {
    await ing.close();
  }
});

test.run();
