// What one client (with a device key, a token, or nothing) must not be able to do to the ingest: stall it with a
// far seq, make it decode junk, fill its disk with refusals, fan one request out to thousands of transactions,
// read without the auditor token, reach it under a foreign Host name, guess tokens at leisure, hold connections
// open, or break it with device ids such as __proto__. Everything goes through the real HTTP server.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect } from 'node:net';
import { request } from 'node:http';
import { RecordChain } from '../../firmware/records/chain.js';
import { encodeCbor } from '../../firmware/records/cbor.js';
import { zeroHash } from '../../firmware/records/links.js';
import { createIngestServer } from '../../upstream/server.js';
import { SqliteStore } from '../../upstream/sqlite-store.js';
import { TokenError } from '../../upstream/guards.js';
import { crypto, ed25519Device, genuineScan, history, hmacDevice, T0, type TestDevice } from '../../sim/sweeps/fixtures.js';
import { AUDITOR, call, read, register, startIngest, TOKEN, upload, uploadRaw, type RunningIngest, storeTest } from './helpers.js';

const ed = ed25519Device('scanner-0001');

async function withIngest(fn: (ing: RunningIngest) => Promise<void>, options: Parameters<typeof startIngest>[0] = {}): Promise<void> {
  const ing = await startIngest(options);
  try {
    await fn(ing);
  } finally {
    await ing.close();
  }
}

/** A validly signed scan record of `d` at `seq` after a made-up predecessor (it need not link; it has to verify). */
function recordAt(d: TestDevice, seq: number): Uint8Array {
  const prev = seq === 0 ? zeroHash() : crypto.sha256(Uint8Array.of(1, 2, 3));
  return new RecordChain(d.signer, crypto, { device: d.id, nextSeq: seq, prev, boot: 1 }).append({ kind: 'scan', ...genuineScan() }, T0).bytes;
}


storeTest('seq bomb: seq 2^53 - 1 is refused as seq-too-far at once; a far seq inside the window is held with one gap range', () =>
  withIngest(async (ing) => {
    await register(ing.url, ed);
    const bomb = await upload(ing.url, [recordAt(ed, Number.MAX_SAFE_INTEGER)]);
    const d = bomb.json.devices['scanner-0001'];
    assert.equal(d.rejected.map((r: { seq: number; reason: string; permanent: boolean }) => [r.seq, r.reason, r.permanent]), [[Number.MAX_SAFE_INTEGER, 'seq-too-far', false]]);
    assert.match(d.rejected[0].message, 'more than 1000000 beyond');
    const far = await upload(ing.url, [recordAt(ed, 999999)]);
    assert.equal(far.json.devices['scanner-0001'].gaps.undeclared, [{ first: 0, last: 999998 }]);
    const s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.equal([s.json.chain, s.json.held, s.json.gaps.undeclared], ['gap', 1, [{ first: 0, last: 999998 }]]);
    assert.equal(s.json.rejectReasons, { 'seq-too-far': 1 });
    // The honest history still gets in below the held record.
    const ok = await upload(ing.url, history(ed, 3));
    assert.is(ok.json.devices['scanner-0001'].ackedThrough, 2);
  }));

storeTest('seq window is configurable: with a window of 10 and nothing acked (-1), seq 9 is held and seq 10 refused', () =>
  withIngest(
    async (ing) => {
      await register(ing.url, ed);
      const r = await upload(ing.url, [recordAt(ed, 9), recordAt(ed, 10)]);
      assert.equal(r.json.devices['scanner-0001'].rejected.map((x: { seq: number; reason: string }) => [x.seq, x.reason]), [[9, 'undeclared-gap'], [10, 'seq-too-far']]);
    },
    { ingestLimits: { maxSeqAhead: 10 } },
  ));

storeTest('decode amplification: a 4 MiB array of empty maps is refused at its first element; junk inside a record is refused by its size', () =>
  withIngest(async (ing) => {
    await register(ing.url, ed);
    const n = 4 * 1024 * 1024 - 5;
    const maps = new Uint8Array(n + 5);
    maps.set([0x9a, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
    maps.fill(0xa0, 5);
    const r = await uploadRaw(ing.url, maps);
    assert.is(r.status, 413, 'the array head announces more records than allowed');
    const few = Uint8Array.of(0x82, 0xa0, 0xa0);
    const e = await uploadRaw(ing.url, few);
    assert.equal([e.status, e.json.error.code], [400, 'bad-body']);
    assert.match(e.json.error.message, 'element 0 must be a CBOR byte string');
    // A record-shaped element whose unprotected header holds thousands of empty maps: malformed, decoded no further.
    const junk = new Uint8Array(12000);
    junk.set([0xd2, 0x84, 0x40, 0xb9, 0x13, 0x88]);
    for (let i = 6, k = 0; i + 1 < junk.length; i += 2, k++) junk.set([k < 24 ? k : 0x17, 0xa0], i);
    const m = await upload(ing.url, [junk, junk.slice(0, 4000)]);
    assert.is(m.status, 200);
    assert.equal(m.json.malformed.map((x: { index: number }) => x.index), [0, 1]);
    assert.match(m.json.malformed[0].message, 'TOO_MANY_ITEMS');
    const big = await upload(ing.url, [new Uint8Array(17 * 1024)]);
    assert.equal([big.status, big.json.error.code], [413, 'record-too-large']);
  }));

storeTest('refusals are counted, and only a bounded sample is kept, whoever sends them', () =>
  withIngest(async (ing) => {
    const strangers: Uint8Array[] = [];
    for (let i = 0; i < 1500; i++) strangers.push(recordAt(ed25519Device(`stranger-${i % 40}`), i));
    for (let i = 0; i < strangers.length; i += 500) assert.is((await upload(ing.url, strangers.slice(i, i + 500))).status, 200);
    const junk = [];
    for (let i = 0; i < 1200; i++) junk.push(Uint8Array.of(0xd2, i & 0xff, i >> 8));
    await upload(ing.url, junk.slice(0, 600));
    await upload(ing.url, junk.slice(600));
    const counts = await ing.query("SELECT reason, n FROM reject_counts WHERE pool = '' ORDER BY reason");
    assert.equal(counts, [{ reason: 'malformed', n: 1200 }, { reason: 'unknown-device', n: 1500 }]);
    const [kept] = await ing.query<{ n: number; big: number }>('SELECT COUNT(*) AS n, MAX(length(bytes)) AS big FROM reject_sample');
    assert.ok((kept.n as number) <= 1000, `sample rows ${kept.n}`);
    assert.ok((kept.n as number) >= 4, 'some samples are kept');
    const r = await read(ing.url, '/v1/refusals');
    assert.equal(r.json.counts, { malformed: 1200, 'unknown-device': 1500 });
    assert.ok(r.json.sample.length > 0 && r.json.sample.length <= 50);
  }));

storeTest('a device with many forks keeps at most 100 of them; the rest are counted', () =>
  withIngest(async (ing) => {
    await register(ing.url, ed);
    await upload(ing.url, history(ed, 1));
    const forks = [];
    for (let i = 0; i < 130; i++) {
      forks.push(new RecordChain(ed.signer, crypto, { device: ed.id, nextSeq: 0, prev: zeroHash(), boot: 1 }).append({ kind: 'boot', firmware: `0.2.${i}`, reset: 'power-on' }, T0).bytes);
    }
    await upload(ing.url, forks);
    assert.is((await ing.query<{ n: number }>('SELECT COUNT(*) AS n FROM forks'))[0].n, 100);
    const s = await read(ing.url, '/v1/devices/scanner-0001');
    assert.equal([s.json.chain, s.json.rejectReasons.fork], ['forked', 30]);
  }));

storeTest('fan-out: more devices than allowed in one request is 413; 64 devices commit in one transaction', () =>
  withIngest(async (ing) => {
    const devs = [];
    for (let i = 0; i < 65; i++) devs.push(hmacDevice(`fan-${i}`));
    for (const d of devs) assert.is((await register(ing.url, d)).status, 201);
    const over = await upload(ing.url, devs.map((d) => history(d, 1)[0]));
    assert.equal([over.status, over.json.error.code], [413, 'too-many-devices']);
    const store = ing.store;
    const real = store.chainTransaction.bind(store);
    const calls: number[] = [];
    store.chainTransaction = (devices, judge) => (calls.push(devices.length), real(devices, judge));
    const ok = await upload(ing.url, devs.slice(0, 64).map((d) => history(d, 1)[0]));
    assert.is(ok.status, 200);
    assert.equal(calls, [64]);
    assert.ok(Object.values(ok.json.devices).every((d) => (d as { ackedThrough: number }).ackedThrough === 0));
  }));

storeTest('reads need the auditor token: none 401, the provisioning token 403, lower-case bearer accepted', () =>
  withIngest(async (ing) => {
    await register(ing.url, ed);
    for (const path of ['/v1/devices', '/v1/devices/scanner-0001', '/v1/devices/scanner-0001/records', '/v1/export', '/v1/refusals']) {
      const none = await call(ing.url, 'GET', path);
      assert.equal([none.status, none.json.error.code, none.headers.get('www-authenticate')], [401, 'unauthorized', 'Bearer'], path);
      const prov = await call(ing.url, 'GET', path, undefined, { authorization: `Bearer ${TOKEN}` });
      assert.equal([prov.status, prov.json.error.code], [403, 'forbidden'], path);
      const lower = await call(ing.url, 'GET', path, undefined, { authorization: `bearer ${AUDITOR}` });
      assert.is(lower.status, 200, path);
    }
    const reg = await call(ing.url, 'POST', '/v1/devices', '{}', { authorization: `Bearer ${AUDITOR}`, 'content-type': 'application/json' });
    assert.is(reg.status, 403, 'the auditor cannot register devices');
  }));

storeTest('without an auditor token configured, reads are refused as reads-disabled', () =>
  withIngest(
    async (ing) => {
      const r = await call(ing.url, 'GET', '/v1/devices', undefined, { authorization: `Bearer ${AUDITOR}` });
      assert.equal([r.status, r.json.error.code], [403, 'reads-disabled']);
    },
    { auditorToken: null },
  ));

storeTest('exports come in pages that chain by cursor; the pages together hold every record once', () =>
  withIngest(async (ing) => {
    const mac = hmacDevice('esp-0007');
    await register(ing.url, ed);
    await register(ing.url, mac);
    await upload(ing.url, [...history(ed, 5), ...history(mac, 4)]);
    const seen: string[] = [];
    let path: string | null = '/v1/export?format=json&limit=4';
    let pages = 0;
    while (path) {
      const r: Awaited<ReturnType<typeof read>> = await read(ing.url, path);
      assert.is(r.status, 200);
      pages++;
      for (const rec of r.json.records) seen.push(`${rec.device}/${rec.seq}`);
      const link = r.headers.get('link');
      path = link ? /<([^>]+)>/.exec(link)![1] : null;
      assert.is(r.json.next, r.headers.get('x-sealscan-next'));
    }
    assert.is(pages, 3);
    assert.equal(seen, ['esp-0007/0', 'esp-0007/1', 'esp-0007/2', 'esp-0007/3', 'scanner-0001/0', 'scanner-0001/1', 'scanner-0001/2', 'scanner-0001/3', 'scanner-0001/4']);
    const bad = await read(ing.url, '/v1/export?after=nonsense');
    assert.equal([bad.status, bad.json.error.code], [400, 'bad-parameter']);
  }));

storeTest('Host: only the configured names are answered (421 otherwise); loopback names by default', async () => {
  await withIngest(async (ing) => {
    const evil = await rawRequest(ing.url, 'GET /v1/health HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n');
    assert.match(evil, /^HTTP\/1.1 421/);
    assert.match(evil, 'misdirected-request');
    assert.match(await rawRequest(ing.url, 'GET /v1/health HTTP/1.1\r\nHost: localhost:9\r\nConnection: close\r\n\r\n'), /^HTTP\/1.1 200/);
  });
  await withIngest(
    async (ing) => {
      assert.match(await rawRequest(ing.url, 'GET /v1/health HTTP/1.1\r\nHost: ingest.example.org\r\nConnection: close\r\n\r\n'), /^HTTP\/1.1 200/);
      assert.match(await rawRequest(ing.url, 'GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'), /^HTTP\/1.1 421/);
    },
    { hostNames: ['ingest.example.org'] },
  );
});

test('tokens: shorter than 16 characters refused at start; failed attempts limited per client with 429 and Retry-After', async () => {
  const store = new SqliteStore(':memory:');
  try {
    assert.throws(() => createIngestServer({ store, token: 'T' }), (e: unknown) => e instanceof TokenError && /at least 16/.test((e as Error).message));
    assert.throws(() => createIngestServer({ store, auditorToken: 'short-token' }), (e: unknown) => e instanceof TokenError);
  } finally {
    await store.close();
  }
  await withIngest(async (ing) => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await register(ing.url, ed, undefined, `wrong-token-${i}-abcdefgh`)).status);
    assert.equal(statuses, [403, 403, 403, 403, 403, 403, 403, 403, 403, 403, 429, 429]);
    const locked = await register(ing.url, ed);
    assert.is(locked.status, 429, 'even the right token waits out the window');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    assert.match(locked.json.error.message, 'too many failed attempts');
  });
});

storeTest('a client whose uploads keep being refused whole gets 429 before its next body is read; others are served', () =>
  withIngest(async (ing) => {
    await register(ing.url, ed);
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) statuses.push((await uploadRaw(ing.url, Uint8Array.of(0xa0, i))).status);
    assert.equal(statuses, new Array(20).fill(400));
    const blocked = await upload(ing.url, history(ed, 2));
    assert.equal([blocked.status, blocked.json.error.code], [429, 'too-many-bad-bodies'], 'even a good body waits out the window');
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    // Told once, the client's further requests are held unread, then closed without an answer.
    const started = Date.now();
    const held = await rawRequest(ing.url, 'GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    assert.equal([held, Date.now() - started >= 250], ['', true]);
    // The limit is per client address: a request from another loopback address is served.
    const other = await new Promise<number>((resolve, reject) => {
      const { port } = new URL(ing.url);
      const body = Buffer.from(encodeCbor(history(ed, 2)));
      const req = request({ host: '127.0.0.1', port: Number(port), localAddress: '127.0.0.2', path: '/v1/records', method: 'POST', headers: { 'content-type': 'application/cbor', 'content-length': String(body.length) } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(body);
    });
    assert.is(other, 200);
  }, { limits: { silencedHoldMs: 300 } }));

storeTest('slow clients: a body that never ends is cut at the request timeout; one client gets at most its share of connections', () =>
  withIngest(
    async (ing) => {
      const { port } = new URL(ing.url);
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        const s = connect(Number(port), '127.0.0.1', () => {
          s.write(Buffer.from('POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cbor\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n\x80\r\n', 'latin1'));
        });
        let got = '';
        s.on('data', (d) => (got += d));
        s.on('close', () => resolve(got));
        s.on('error', () => undefined);
      });
      assert.ok(Date.now() - started < 10000, 'closed well before the old 330 s');
      assert.match(answer, /^HTTP\/1.1 408/);
      const sockets = await Promise.all(Array.from({ length: 6 }, () => openSocket(Number(port))));
      await new Promise((r) => setTimeout(r, 200));
      assert.is(sockets.filter((s) => s.closed).length, 2, 'connections beyond 4 from one address are closed');
      for (const s of sockets) s.socket.destroy();
    },
    { limits: { requestTimeoutMs: 1500, headersTimeoutMs: 1000, maxConnectionsPerClient: 4 } },
  ));

storeTest('oversized bodies: 413 as an answer (not a reset), with and without content-length', () =>
  withIngest(
    async (ing) => {
      const body = encodeCbor([new Uint8Array(3000), new Uint8Array(3000)]);
      const declared = await post(ing.url, body, false);
      assert.equal([declared.status, JSON.parse(declared.text).error.code], [413, 'body-too-large']);
      const chunked = await post(ing.url, body, true);
      assert.equal([chunked.status, JSON.parse(chunked.text).error.code], [413, 'body-too-large']);
      const big = await post(ing.url, new Uint8Array(2 * 1024 * 1024), false);
      assert.is(big.status, 413, 'a body far over the limit is answered too');
    },
    { limits: { maxBodyBytes: 4096 } },
  ));

storeTest('Transfer-Encoding other than chunked is 501; oversized headers are 431', () =>
  withIngest(async (ing) => {
    const te = await rawRequest(ing.url, 'POST /v1/records HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cbor\r\nTransfer-Encoding: gzip, chunked\r\n\r\n1\r\n\x80\r\n0\r\n\r\n');
    assert.match(te, /^HTTP\/1.1 501/);
    const huge = await rawRequest(ing.url, `GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`);
    assert.match(huge, /^HTTP\/1.1 431/);
  }));

storeTest('device ids __proto__, constructor and toString work on every endpoint', () =>
  withIngest(async (ing) => {
    for (const id of ['__proto__', 'constructor', 'toString']) {
      const d = ed25519Device(id, `proto-${id}`);
      assert.is((await register(ing.url, d)).status, 201, id);
      const r = await upload(ing.url, history(d, 3));
      assert.ok(Object.prototype.hasOwnProperty.call(r.json.devices, id), `${id}: the answer names the device`);
      assert.is(r.json.devices[id].ackedThrough, 2, id);
      const enc = encodeURIComponent(id);
      assert.is((await read(ing.url, `/v1/devices/${enc}`)).json.ackedThrough, 2, id);
      assert.is((await read(ing.url, `/v1/devices/${enc}/records`)).json.records.length, 3, id);
      assert.is((await read(ing.url, `/v1/export?format=json&device=${enc}`)).json.records.length, 3, id);
    }
    const list = await read(ing.url, '/v1/devices');
    assert.equal(list.json.devices.map((x: { id: string }) => x.id).sort(), ['__proto__', 'constructor', 'toString']);
  }));

/** Sends `text` on a raw socket to the ingest and returns everything it answers until it closes. */
function rawRequest(url: string, text: string): Promise<string> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const s = connect(Number(port), '127.0.0.1', () => s.write(Buffer.from(text, 'latin1')));
    let got = '';
    s.on('data', (d) => {
      got += d;
      if (/\r\n\r\n/.test(got) && !/transfer-encoding: chunked/i.test(got)) {
        const len = /content-length: (\d+)/i.exec(got);
        if (len && got.length >= got.indexOf('\r\n\r\n') + 4 + Number(len[1])) s.end();
      }
    });
    s.on('close', () => resolve(got));
    s.on('error', () => resolve(got));
  });
}

function openSocket(port: number): Promise<{ socket: ReturnType<typeof connect>; closed: boolean }> {
  return new Promise((resolve) => {
    const o = { socket: connect(port, '127.0.0.1'), closed: false };
    o.socket.on('close', () => (o.closed = true));
    o.socket.on('error', () => undefined);
    o.socket.on('connect', () => resolve(o));
    o.socket.on('close', () => resolve(o));
  });
}

/** POST /v1/records with node:http, as the device's uplink does (content-length, or chunked). */
function post(url: string, body: Uint8Array, chunked: boolean): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/cbor' };
    if (!chunked) headers['content-length'] = String(body.length);
    const req = request(url + '/v1/records', { method: 'POST', headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (chunked) {
      for (let i = 0; i < body.length; i += 1000) req.write(body.subarray(i, i + 1000));
      req.end();
    } else req.end(body);
  });
}

test.run();
