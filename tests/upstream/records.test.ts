// POST /v1/records and the chain rules: cumulative ack, duplicates and replays, forks, gaps declared by fault
// records, undeclared gaps (held, not acked, released when filled), chain breaks.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecordChain } from '../../firmware/records/chain.js';
import { crypto, ed25519Device, genuineScan, history, hmacDevice, T0 } from '../../sim/sweeps/fixtures.js';
import { call, register, startIngest, storeTest, upload, type RunningIngest, read } from './helpers.js';
import { toHex } from '../../hal/hex.js';

const ed = ed25519Device('scanner-0001');
const mac = hmacDevice('esp-0007');
const sha = (b: Uint8Array) => toHex(crypto.sha256(b));

async function withIngest(fn: (ing: RunningIngest) => Promise<void>): Promise<void> {
  const ing = await startIngest();
  try {
    assert.is((await register(ing.url, ed)).status, 201);
    assert.is((await register(ing.url, mac)).status, 201);
    await fn(ing);
  } finally {
    await ing.close();
  }
}

const rowsOf = (ing: RunningIngest, table: string, device: string) => ing.query<{ seq: number; hash: string }>(`SELECT seq, hash FROM ${table} WHERE device = ? ORDER BY seq`, device);

storeTest('a batch of two devices is acknowledged per device, cumulatively, with the hash of the last record', () =>
  withIngest(async (ing) => {
    const a = history(ed, 10);
    const b = history(mac, 4);
    const r = await upload(ing.url, [...a.slice(0, 6), ...b, ...a.slice(6)]);
    assert.is(r.status, 200);
    assert.equal(r.json.malformed, []);
    const da = r.json.devices['scanner-0001'];
    assert.equal({ ...da, gaps: undefined }, { ackedThrough: 9, ackedHash: sha(a[9]), accepted: 10, duplicates: 0, rejected: [], gaps: undefined });
    assert.is(r.json.devices['esp-0007'].ackedThrough, 3);
    assert.is(r.json.devices['esp-0007'].ackedHash, sha(b[3]));
    assert.equal((await rowsOf(ing, 'records', 'scanner-0001')).map((x) => x.seq), [...Array(10).keys()]);
  }));

storeTest('the same bytes again are duplicates and acknowledged; an old record replayed later too; the store holds each seq once', () =>
  withIngest(async (ing) => {
    const a = history(ed, 30);
    await upload(ing.url, a.slice(0, 20));
    const again = await upload(ing.url, a.slice(10, 25));
    const d = again.json.devices['scanner-0001'];
    assert.is(d.duplicates, 10);
    assert.is(d.accepted, 5);
    assert.is(d.ackedThrough, 24);
    const replay = await upload(ing.url, [a[3], a[3], a[17]]);
    assert.is(replay.json.devices['scanner-0001'].duplicates, 3);
    assert.is(replay.json.devices['scanner-0001'].ackedThrough, 24);
    assert.equal(replay.json.devices['scanner-0001'].rejected, []);
    const rows = await rowsOf(ing, 'records', 'scanner-0001');
    assert.is(rows.length, 25);
    assert.ok(rows.every((x, i) => x.seq === i && x.hash === sha(a[i])));
  }));

storeTest('same seq, other bytes: a fork, kept as evidence, not accepted, and the device status says forked', () =>
  withIngest(async (ing) => {
    const a = history(ed, 8);
    const other = history(ed, 8, 2); // same key, another boot count: different bytes from seq 0
    await upload(ing.url, a);
    const r = await upload(ing.url, [other[5]]);
    const d = r.json.devices['scanner-0001'];
    assert.is(d.ackedThrough, 7);
    assert.is(d.rejected.length, 1);
    assert.is(d.rejected[0].seq, 5);
    assert.is(d.rejected[0].reason, 'fork');
    assert.is(d.rejected[0].permanent, true);
    assert.equal(await rowsOf(ing, 'forks', 'scanner-0001'), [{ seq: 5, hash: sha(other[5]) }]);
    assert.is((await rowsOf(ing, 'records', 'scanner-0001'))[5].hash, sha(a[5]), 'the first record stays');
    const again = await upload(ing.url, [other[5]]);
    assert.is(again.json.devices['scanner-0001'].rejected[0].reason, 'fork');
    assert.is((await rowsOf(ing, 'forks', 'scanner-0001')).length, 1, 'recorded once');
    const s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.is(s.json.chain, 'forked');
    assert.equal(s.json.forks, [{ seq: 5, hashes: [sha(a[5]), sha(other[5])] }]);
  }));

storeTest('gaps declared by a fault record are accepted: a torn tail, and a lost record in the middle sent before its fault', () =>
  withIngest(async (ing) => {
    const chain = RecordChain.start(ed.signer, crypto, ed.id, 1);
    const recs = Array.from({ length: 10 }, (_, i) => chain.append({ kind: 'scan', ...genuineScan() }, T0 + i).bytes);
    // seq 5 was corrupt on the device: the queue never reads it; the fault (seq 10) declares it.
    const fault = chain.fault({ reason: 'bad-crc', lost: [[5, 5]], discardedBytes: 300, where: [{ segment: 'q1', offset: 40, length: 300 }] }, T0 + 20);
    const r = await upload(ing.url, [...recs.slice(0, 5), ...recs.slice(6), fault.bytes]);
    const d = r.json.devices['scanner-0001'];
    assert.is(d.ackedThrough, 10);
    assert.is(d.ackedHash, toHex(fault.hash));
    assert.is(d.accepted, 10);
    assert.equal(d.rejected, []);
    assert.equal(d.gaps.declared, [{ first: 5, last: 5, faultSeq: 10, reason: 'bad-crc' }]);
    assert.equal(d.gaps.undeclared, []);
    // A torn tail: seqs 11 and 12 never made it; the fault after reboot declares them and takes seq 13.
    const next = RecordChain.resume(ed.signer, crypto, fault.bytes, 2);
    const torn = next.fault({ reason: 'torn-tail', lost: [[11, 12]], discardedBytes: 10, where: [{ segment: 'q2', offset: 0, length: 10 }] }, T0 + 30);
    assert.is(torn.seq, 13);
    const t = await upload(ing.url, [torn.bytes]);
    assert.is(t.json.devices['scanner-0001'].ackedThrough, 13);
    const s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.is(s.json.chain, 'intact');
    assert.equal(s.json.gaps.declared.map((g: { first: number; last: number }) => [g.first, g.last]), [[5, 5], [11, 12]]);
  }));

storeTest('an undeclared gap: later records are held, not acked, reported; sending the missing ones releases them', () =>
  withIngest(async (ing) => {
    const a = history(ed, 10);
    await upload(ing.url, a.slice(0, 5));
    const r = await upload(ing.url, a.slice(7));
    const d = r.json.devices['scanner-0001'];
    assert.is(d.ackedThrough, 4);
    assert.is(d.ackedHash, sha(a[4]));
    assert.equal(d.gaps.undeclared, [{ first: 5, last: 6 }]);
    assert.equal(d.rejected.map((x: { seq: number; reason: string; permanent: boolean }) => [x.seq, x.reason, x.permanent]), [[7, 'undeclared-gap', true], [8, 'undeclared-gap', true], [9, 'undeclared-gap', true]]);
    let s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.is(s.json.chain, 'gap');
    assert.is(s.json.held, 3);
    assert.equal(s.json.gaps.undeclared, [{ first: 5, last: 6 }]);
    assert.equal((await rowsOf(ing, 'records', 'scanner-0001')).map((x) => x.seq), [0, 1, 2, 3, 4], 'held records are not accepted');
    const fill = await upload(ing.url, a.slice(5, 7));
    assert.is(fill.json.devices['scanner-0001'].ackedThrough, 9);
    assert.is(fill.json.devices['scanner-0001'].accepted, 5, 'two sent plus three released');
    s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.is(s.json.chain, 'intact');
    assert.is(s.json.held, 0);
    assert.is(s.json.records, 10);
  }));

storeTest('a record whose prev does not link, or whose boot count goes back, is a chain break; nothing after it is acked', () =>
  withIngest(async (ing) => {
    const a = history(ed, 6);
    const rogue = new RecordChain(ed.signer, crypto, { device: ed.id, nextSeq: 6, prev: crypto.sha256(a[3]), boot: 1 });
    const bad = rogue.append({ kind: 'scan', ...genuineScan() }, T0 + 99);
    const r = await upload(ing.url, [...a, bad.bytes]);
    const d = r.json.devices['scanner-0001'];
    assert.is(d.ackedThrough, 5);
    assert.is(d.rejected[0].reason, 'chain-break');
    assert.match(d.rejected[0].message, 'is not the hash of seq 5');
    const back = new RecordChain(ed.signer, crypto, { device: ed.id, nextSeq: 6, prev: crypto.sha256(a[5]), boot: 0 });
    const r2 = await upload(ing.url, [back.append({ kind: 'logout', inspector: 'badge-0042' }, T0 + 100).bytes]);
    assert.match(r2.json.devices['scanner-0001'].rejected[0].message, 'boot count goes back from 1 to 0');
    const s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.is(s.json.chain, 'broken');
    assert.is(s.json.rejectReasons['chain-break'], 2);
  }));

test.run();
