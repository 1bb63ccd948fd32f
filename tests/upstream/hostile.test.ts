// Property test: hostile bodies (random bytes, valid bodies with bits flipped, cut or spliced, arrays of damaged
// records, shuffled records) never crash the ingest. Each answer is a 4xx JSON error or a 200 with per-record
// verdicts; the service stays up; afterwards the store holds only records that verify and chain.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fc from 'fast-check';
import { encodeCbor } from '../../firmware/records/cbor.js';
import { verifyRecords } from '../../firmware/records/verify.js';
import { crypto, ed25519Device, history, hmacDevice, lookup } from '../records/fixtures.js';
import { call, read, register, startIngest, uploadRaw } from './helpers.js';

const ed = ed25519Device('scanner-0001');
const mac = hmacDevice('esp-0007');
const good = [...history(ed, 24), ...history(mac, 8)];
const goodBody = encodeCbor(good);

const flip = (b: Uint8Array, bits: number[]) => {
  const out = b.slice();
  for (const bit of bits) out[(bit >> 3) % out.length] ^= 1 << (bit & 7);
  return out;
};

const record = fc.integer({ min: 0, max: good.length - 1 }).map((i) => good[i]);
const damagedRecord = fc.oneof(
  record,
  fc.tuple(record, fc.array(fc.nat(), { minLength: 1, maxLength: 4 })).map(([r, bits]) => flip(r, bits)),
  fc.tuple(record, fc.nat()).map(([r, n]) => r.subarray(0, n % r.length)),
  fc.uint8Array({ maxLength: 300 }),
);

const body = fc.oneof(
  fc.uint8Array({ maxLength: 3000 }),
  fc.array(fc.nat(), { minLength: 1, maxLength: 8 }).map((bits) => flip(goodBody, bits)),
  fc.nat().map((n) => goodBody.subarray(0, n % goodBody.length)),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 40 })).map(([at, junk]) => {
    const i = at % goodBody.length;
    return Uint8Array.from([...goodBody.subarray(0, i), ...junk, ...goodBody.subarray(i)]);
  }),
  fc.array(damagedRecord, { maxLength: 20 }).map((rs) => encodeCbor(rs)),
  fc.shuffledSubarray(good).map((rs) => encodeCbor(rs)),
);

test('hostile bodies: 4xx JSON errors or per-record verdicts, the service stays up, the store holds only verified chains', async () => {
  const ing = await startIngest({ limits: { maxBodyBytes: 64 * 1024, maxRecords: 100 } });
  try {
    await register(ing.url, ed);
    await register(ing.url, mac);
    let ok200 = 0;
    let errors = 0;
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const r = await uploadRaw(ing.url, b);
        if (r.status === 200) {
          ok200++;
          assert.type(r.json.devices, 'object');
          assert.ok(Array.isArray(r.json.malformed));
          for (const d of Object.values(r.json.devices) as Array<{ ackedThrough: number; rejected: Array<{ reason: string; permanent: boolean }> }>) {
            assert.type(d.ackedThrough, 'number');
            for (const x of d.rejected) assert.ok(typeof x.reason === 'string' && x.permanent === true);
          }
        } else {
          errors++;
          assert.ok(r.status >= 400 && r.status < 500, `status ${r.status}: ${JSON.stringify(r.json)}`);
          assert.type(r.json.error.code, 'string');
          assert.type(r.json.error.message, 'string');
        }
      }),
      { numRuns: 400, seed: 20261128 },
    );
    assert.ok(ok200 > 50 && errors > 50, `both kinds of answer exercised (${ok200} ok, ${errors} errors)`);
    assert.is((await read(ing.url, '/v1/health')).status, 200, 'still up');

    type Row = { device: string; seq: number; hash: string; bytes: Uint8Array };
    const rows = (ing.store as unknown as { db: { prepare(s: string): { all(): Row[] } } }).db.prepare('SELECT device, seq, hash, bytes FROM records ORDER BY device, seq').all();
    assert.ok(rows.length > 0, 'some valid records got in');
    for (const r of rows) assert.is(Buffer.from(crypto.sha256(r.bytes)).toString('hex'), r.hash);
    const report = verifyRecords(rows.map((r) => new Uint8Array(r.bytes)), lookup(ed, mac), crypto);
    for (const d of report.devices) {
      assert.equal([d.badSignatures, d.invalid, d.breaks, d.undeclaredGaps, d.forks, d.duplicates], [[], [], [], [], [], []], d.device);
      assert.is(d.firstSeq, 0);
    }
    assert.ok(report.ok);
  } finally {
    await ing.close();
  }
});

test('hostile paths and query strings on the read endpoints: never a 5xx, always JSON', async () => {
  const ing = await startIngest();
  try {
    await register(ing.url, ed);
    const segment = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('scanner-0001', '%', '%ZZ', '..', '%2F', '%00'));
    const query = fc.dictionary(fc.constantFrom('from', 'limit', 'format', 'device', 'x'), fc.string({ maxLength: 12 }));
    const path = fc.tuple(fc.constantFrom('/v1/devices/', '/v1/devices/%s/records', '/v1/export', '/v1/health', '/v1/'), segment, query).map(([p, seg, q]) => {
      const enc = seg.replace(/[^A-Za-z0-9%._~-]/g, (c) => encodeURIComponent(c));
      const base = p.includes('%s') ? p.replace('%s', enc) : p.endsWith('/') ? p + enc : p;
      return base + '?' + new URLSearchParams(q).toString();
    });
    await fc.assert(
      fc.asyncProperty(path, fc.constantFrom('GET', 'POST', 'PUT'), async (p, method) => {
        const r = await call(ing.url, method, p, method === 'GET' ? undefined : 'x');
        assert.ok(r.status < 500, `${method} ${p}: ${r.status}`);
        if (r.status >= 400) assert.type(r.json.error.code, 'string');
      }),
      { numRuns: 300, seed: 7 },
    );
  } finally {
    await ing.close();
  }
});

test.run();
