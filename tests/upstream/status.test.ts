// GET /v1/devices/:id and /v1/health: last seq and hash, ack point, chain state, held records, refusals by
// reason, last seen, and the newest checkpoint with truncation suspected when it attests more than the ingest holds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecordChain } from '../../firmware/records/chain.js';
import { crypto, ed25519Device, genuineScan, T0 } from '../../sim/sweeps/fixtures.js';
import { call, register, startIngest, upload, read, storeTest } from './helpers.js';
import { toHex } from '../../hal/hex.js';

const ed = ed25519Device('scanner-0001');

storeTest('status of a device: empty, then intact with a checkpoint, then a truncated upload is suspected', async () => {
  const ing = await startIngest({ });
  try {
    await register(ing.url, ed, { id: 'site-1' });
    let s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.is(s.status, 200);
    assert.is(s.json.chain, 'empty');
    assert.is(s.json.ackedThrough, -1);
    assert.is(s.json.lastSeq, null);
    assert.is(s.json.lastSeenAt, null);
    assert.is(s.json.checkpoint, null);

    const chain = RecordChain.start(ed.signer, crypto, ed.id, 1);
    const recs: Uint8Array[] = [];
    for (let i = 0; i < 5; i++) recs.push(chain.append({ kind: 'scan', ...genuineScan() }, T0 + i).bytes);
    const cp = chain.checkpoint(T0 + 10);
    chain.commit(cp);
    recs.push(cp.bytes);
    for (let i = 0; i < 4; i++) recs.push(chain.append({ kind: 'scan', ...genuineScan() }, T0 + 20 + i).bytes);
    const cp2 = chain.checkpoint(T0 + 30);
    chain.commit(cp2);
    recs.push(cp2.bytes);

    await upload(ing.url, recs.slice(0, 8));
    s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.is(s.json.chain, 'intact');
    assert.is(s.json.lastSeq, 7);
    assert.is(s.json.lastHash, toHex(crypto.sha256(recs[7])));
    assert.is(s.json.ackedThrough, 7);
    assert.is(s.json.records, 8);
    assert.ok(Date.parse(s.json.lastSeenAt) > 0);
    assert.equal(s.json.checkpoint, { seq: 5, attests: 5, holds: 5, truncationSuspected: false });

    // The records before the second checkpoint never arrive (dropped before sync): it is held, and it attests
    // 10 records while the ingest holds 8.
    const r = await upload(ing.url, [recs[10]]);
    assert.equal(r.json.devices['scanner-0001'].gaps.undeclared, [{ first: 8, last: 9 }]);
    s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.is(s.json.chain, 'gap');
    assert.is(s.json.held, 1);
    assert.equal(s.json.checkpoint, { seq: 10, attests: 10, holds: 8, truncationSuspected: true });
    assert.equal(s.json.gaps.undeclared, [{ first: 8, last: 9 }]);
    assert.equal((await read(ing.url, '/v1/health')).json.records, 8, 'the health totals count stored records, not held ones');

    const bad = recs[8].slice();
    bad[bad.length - 3] ^= 0x40;
    await upload(ing.url, [bad, bad]);
    s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.is(s.json.rejects, 2, 'every refusal is counted');
    assert.equal(s.json.rejectReasons, { 'bad-signature': 2 });
    const refusals = await read(ing.url, '/v1/refusals?device=scanner-0001');
    assert.is(refusals.json.sample.length, 1, 'the same bad bytes are sampled once');
    assert.is(refusals.json.sample[0].reason, 'bad-signature');
    assert.equal(Buffer.from(refusals.json.sample[0].bytes, 'base64'), Buffer.from(bad));

    // The missing records at last, with the stored ones again: duplicates add nothing, the held one is released.
    assert.is((await upload(ing.url, recs.slice(0, 10))).json.devices['scanner-0001'].ackedThrough, 10);
    const h = await read(ing.url, '/v1/health');
    assert.equal([h.json.records, h.json.devices, (await read(ing.url, '/v1/devices/scanner-0001')).json.records], [11, 1, 11]);

    const all = await read(ing.url, '/v1/devices');
    assert.is(all.json.devices.length, 1);
    assert.is(all.json.devices[0].id, 'scanner-0001');
  } finally {
    await ing.close();
  }
});

storeTest('health answers ok to anyone, and totals and the limits in force to an auditor', async () => {
  const ing = await startIngest({ limits: { maxRecords: 50 } });
  try {
    const anonymous = await call(ing.url, 'GET', '/v1/health');
    assert.equal([anonymous.status, anonymous.json], [200, { status: 'ok' }]);
    const h = await read(ing.url, '/v1/health');
    assert.is(h.status, 200);
    assert.equal([h.json.status, h.json.records, h.json.devices], ['ok', 0, 0]);
    assert.is(h.json.limits.maxRecords, 50);
    assert.is(h.json.limits.maxBodyBytes, 4 * 1024 * 1024);
    assert.is(h.json.limits.maxSeqAhead, 1000000);
  } finally {
    await ing.close();
  }
});

test.run();
