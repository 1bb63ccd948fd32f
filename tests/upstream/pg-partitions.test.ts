// PostgreSQL records partitioned by month of arrival (schema version 6): the ingest makes this month's and next
// month's tables; records land in the month they arrive in and are read across months as one table (by device and
// seq, export pages, counts, duplicates); a month without a table falls back to records_default; a version 5
// database is migrated with its records moved into the months they arrived in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { needs } from '../helpers/skip.js';
import { pgRows, postgresMissing, sharedPostgres } from '../helpers/postgres.js';
import { createPgSchemaAt, PgStore } from '../../upstream/pg-store.js';
import { Ingest } from '../../upstream/ingest.js';
import { nodeSha256 } from '../../hal/node/crypto.js';
import { ed25519Device, history } from '../../sim/sweeps/fixtures.js';

const missing = postgresMissing();

const sql = pgRows;

const month = (ms: number) => `records_${new Date(ms).toISOString().slice(0, 7).replace('-', '')}`;
const partitions = async (url: string) =>
  (await sql(url, "SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'records'::regclass ORDER BY 1")).map((r) => r.name as string);
const placed = async (url: string) =>
  Object.fromEntries((await sql(url, 'SELECT tableoid::regclass::text AS part, COUNT(*)::int AS n FROM records GROUP BY 1')).map((r) => [r.part as string, r.n as number]));

if (needs(missing === undefined, 'PostgreSQL partitions', missing ?? '')) {
  test.after(async () => (await sharedPostgres()).stop());

  test('months: made ahead, records land in the month they arrive, read as one table; duplicates stay duplicates; no table: the default', async () => {
    const url = await (await sharedPostgres()).database();
    const store = await PgStore.open(url);
    const now = Date.now();
    const d = new Date(now);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) + 86_400_000;
    try {
      const made = await partitions(url);
      assert.ok(made.includes('records_default') && made.includes(month(now)) && made.includes(month(next)), made.join(', '));
      let at = now;
      const ingest = new Ingest({ store, sha256: { sha256: nodeSha256 }, now: () => at, refusals: { flushMs: 0 } });
      const dev = ed25519Device('part-1');
      await store.register({ id: dev.id, alg: 'ed25519', key: (dev.key as { publicKey: Uint8Array }).publicKey }, now);
      const recs = history(dev, 12);
      assert.is((await ingest.ingest(recs.slice(0, 5))).devices.get(dev.id)!.ackedThrough, 4);
      at = next;
      assert.is((await ingest.ingest(recs.slice(5, 10))).devices.get(dev.id)!.ackedThrough, 9);
      at = Date.UTC(2099, 0, 1);
      assert.is((await ingest.ingest(recs.slice(10))).devices.get(dev.id)!.ackedThrough, 11);
      assert.equal(await placed(url), { [month(now)]: 5, [month(next)]: 5, records_default: 2 });

      const page = await store.exportPage({ device: '', seq: -1 }, 100);
      assert.equal(page.map((r) => r.seq), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      assert.equal((await store.records(dev.id, 3, 5)).map((r) => r.seq), [3, 4, 5, 6, 7]);
      const c = await store.counts(dev.id);
      assert.is(c.records, 12);
      assert.is(c.lastSeq, 11);
      // Sent again a month later: duplicates, nothing stored twice in any month.
      at = next;
      const again = (await ingest.ingest(recs)).devices.get(dev.id)!;
      assert.is(again.ackedThrough, 11);
      assert.is(again.duplicates, 12);
      assert.is((await sql(url, 'SELECT COUNT(*)::int AS n FROM records'))[0].n, 12);
      assert.is((await store.health()).records, 12);
      await ingest.close();
    } finally {
      await store.close();
    }
  });

  test('a version 5 database migrates: its records move into the months they arrived in, none lost', async () => {
    const url = await (await sharedPostgres()).database();
    await createPgSchemaAt(url, 5);
    const jan = Date.UTC(2025, 0, 15);
    const mar = Date.UTC(2025, 2, 10);
    const row = "INSERT INTO records (device, seq, hash, prev, boot, kind, time, lost, fault_reason, bytes, received_at, upstream_verdict) VALUES ($1, $2::bigint, 'h' || $2::text, 'p', 1, 'scan', $3::bigint, NULL, NULL, '\\x00', $3::bigint, $4)";
    await sql(url, row, ['old-1', 0, jan, null]);
    await sql(url, row, ['old-1', 1, jan + 1000, 'genuine']);
    await sql(url, row, ['old-1', 2, mar, null]);
    const store = await PgStore.open(url, { migrate: true });
    try {
      assert.is(Number((await sql(url, 'SELECT version FROM sealscan_schema'))[0].version), 6);
      assert.equal(await placed(url), { records_202501: 2, records_202503: 1 });
      assert.ok((await partitions(url)).includes('records_202502'), 'every month between is made');
      assert.equal((await sql(url, "SELECT to_regclass('records_v5') AS t"))[0].t, null, 'the old table is gone');
      assert.equal((await store.records('old-1', 0, 10)).map((r) => [r.seq, r.upstream?.verdict ?? null]), [[0, null], [1, 'genuine'], [2, null]]);
    } finally {
      await store.close();
    }
  });
}

test.run();
