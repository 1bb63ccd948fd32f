// Two ingest processes on one PostgreSQL evaluating the closed-loop rules over the same packages at once (the same
// packages scanned by eight scanners whose uploads alternate between the processes): the processes take the
// package's alert lock in one order, so no upload is refused with a deadlock (503) and every package gets its alert
// exactly once. The fleet bench found the deadlock this holds against.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RecordChain } from '../../firmware/records/chain.js';
import { encodeBatch } from '../../firmware/sync/protocol.js';
import { crypto, ed25519Device, genuineScan, T0 } from '../../sim/sweeps/fixtures.js';
import { needs } from '../helpers/skip.js';
import { postgresMissing, sharedPostgres } from '../helpers/postgres.js';
import { read, register, spawnIngest, type IngestProcess } from './helpers.js';

const missing = postgresMissing();
const PACKAGES = 40;

if (needs(missing === undefined, 'closed-loop rules in two processes on one PostgreSQL', missing ?? ''))
  test.after(async () => (await sharedPostgres()).stop());

if (missing === undefined) {
  test('eight scanners, the same uncommissioned packages, two processes: no 503, one never-commissioned alert per package', async () => {
    const db = await (await sharedPostgres()).database();
    const procs: IngestProcess[] = [await spawnIngest(db, ['--workers', '0']), await spawnIngest(db, ['--workers', '0'])];
    try {
      const scanners = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => {
        const dev = ed25519Device(`scanner-alerts-${i}`);
        const chain = RecordChain.start(dev.signer, crypto, dev.id, 1);
        const records: Uint8Array[] = [];
        for (let p = 0; p < PACKAGES; p++) records.push(chain.append({ kind: 'scan', ...genuineScan(), digitalLink: `https://id.gs1.org/01/09506000134352/21/A${p}` }, T0 + p * 1000).bytes);
        return { dev, records };
      });
      for (const s of scanners) assert.is((await register(procs[0].url, s.dev)).status, 201);
      const statuses: number[] = [];
      await Promise.all(scanners.map(async (s, n) => {
        for (let p = 0; p < PACKAGES; p += 2) {
          const r = await fetch(`${procs[(n + p / 2) % 2].url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/cbor' }, body: encodeBatch(s.records.slice(p, p + 2)).body });
          statuses.push(r.status);
          await r.arrayBuffer();
        }
      }));
      assert.equal([...new Set(statuses)], [200], `statuses: ${statuses.filter((x) => x !== 200).join(', ')}`);
      const alerts = (await read(procs[1].url, '/v1/alerts?state=all')).json.alerts as Array<{ rule: string; package: string }>;
      const never = alerts.filter((a) => a.rule === 'never-commissioned');
      assert.is(never.length, PACKAGES, 'one alert per package');
      assert.is(new Set(never.map((a) => a.package)).size, PACKAGES);
    } finally {
      for (const p of procs) await p.stop();
    }
  });

  test('eight scanners find the same packages tampered, two processes: every alert names all eight scans (none was written from events read before another upload committed)', async () => {
    const db = await (await sharedPostgres()).database();
    const procs: IngestProcess[] = [await spawnIngest(db, ['--workers', '0']), await spawnIngest(db, ['--workers', '0'])];
    try {
      const scanners = [0, 1, 2, 3, 4, 5, 6, 7].map((i) => {
        const dev = ed25519Device(`scanner-stale-${i}`);
        const chain = RecordChain.start(dev.signer, crypto, dev.id, 1);
        const records: Uint8Array[] = [];
        for (let p = 0; p < PACKAGES; p++) records.push(chain.append({ kind: 'scan', ...genuineScan(), verdict: 'tampered', digitalLink: `https://id.gs1.org/01/09506000134352/21/T${p}` }, T0 + p * 1000).bytes);
        return { dev, records };
      });
      for (const s of scanners) assert.is((await register(procs[0].url, s.dev)).status, 201);
      await Promise.all(scanners.map(async (s, n) => {
        for (let p = 0; p < PACKAGES; p += 2) {
          const r = await fetch(`${procs[(n + p / 2) % 2].url}/v1/records`, { method: 'POST', headers: { 'content-type': 'application/cbor' }, body: encodeBatch(s.records.slice(p, p + 2)).body });
          assert.is(r.status, 200);
          await r.arrayBuffer();
        }
      }));
      const alerts = (await read(procs[1].url, '/v1/alerts?state=all&limit=1000')).json.alerts as Array<{ rule: string; package: string; evidence: unknown[] }>;
      const tampered = alerts.filter((a) => a.rule === 'bad-verdict');
      assert.is(new Set(tampered.map((a) => a.package)).size, PACKAGES, 'one tampered alert per package');
      assert.equal(tampered.filter((a) => a.evidence.length !== scanners.length).map((a) => `${a.package}: ${a.evidence.length} scans`), []);
      assert.is(tampered.length, PACKAGES, 'and no other');
    } finally {
      for (const p of procs) await p.stop();
    }
  });
}

test.run();
