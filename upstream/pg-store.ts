// The fleet store: PostgreSQL through `pg`, for several stateless ingest processes on one database. What SQLite
// gets from having one writer, this store gets from the database: an upload's devices are locked (their `devices`
// rows, the chain frontier, SELECT ... FOR UPDATE in id order) before their chains are read and stay locked to
// COMMIT, so two processes never advance one chain from the same frontier, and the ack is answered only after
// COMMIT returned. Rows map to the interface's types as in the SQLite store (sqlite-rows.ts, same column names).
import pg from 'pg';
import { FLAGGED_LISTED, FLAGGED_VERDICTS, type ChainCommit, type ChainSnapshot, type DeclaredRange, type DeviceCounts, type DeviceRegistration, type DeviceRow, type ExportCursor, type IngestStore, type RefusalBatch, type RefusalSample, type RegisterOutcome, type SnapshotReader, type StoredRecord } from './store.js';
import { PG_SCHEMA_LOCK, PG_SCHEMA_VERSION, PG_STEPS, PG_VERSION_TABLE } from './pg-schema.js';
import { alertsQuery, COLS, device, packageEvent, record, siteCoordinatesOf, storedAlert, u8, type AlertDb, type AlertFilter, type DeviceDb, type PackageEventDb, type RecordDb } from './sqlite-rows.js';
import { applyCommit, insertPackageEvents, lockDevices, readSnapshot } from './pg-chain.js';
import { DEFAULT_SAMPLE_RING } from './sqlite-store.js';
import { SchemaError } from './schema-error.js';
import type { PackageEvent } from './packages.js';
import type { Alert, Geo } from './rules.js';
import type { StoredAlert } from './store.js';

export interface PgStoreOptions {
  /** Bring an older schema up to this version (otherwise an older database is refused with SchemaError). */
  migrate?: boolean;
  /** Samples kept per pool: a registered device's ring, and the ring of refusals that name no device. */
  sampleRing?: { device: number; anonymous: number };
  /** Connections this process keeps (default 10). */
  poolSize?: number;
}

/** True for the URLs this store opens (postgres:// or postgresql://). */
export function isPostgresUrl(s: string): boolean {
  return /^postgres(ql)?:\/\//i.test(s);
}

// BIGINT (oid 20) arrives as a string by default; every one here (seq, ms times, counts) is below 2^53.
const TYPES = {
  getTypeParser: ((oid: number, format?: string) => (oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text'))) as typeof pg.types.getTypeParser,
};

const FLAGGED = FLAGGED_VERDICTS.map((v) => `'${v}'`).join(', ');
/** The URL without its password, for messages. */
const shown = (url: string) => url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');

type Q = pg.Pool | pg.PoolClient;

/** IngestStore on a PostgreSQL database; open with PgStore.open. */
export class PgStore implements IngestStore {
  private constructor(
    private readonly pool: pg.Pool,
    private readonly ring: { device: number; anonymous: number },
  ) {}

  /** When (Date.now) to make sure again that this month's and next month's record tables exist. */
  private monthsCheckedUntil = 0;

  /** The sites' coordinates as last read, and the site_epoch they were read at. */
  private sites: { epoch: number; coordinates: Map<string, Geo> } | undefined;

  /** Connects, creates a fresh schema, checks an existing one's version and migrates an older one when asked. */
  static async open(url: string, options: PgStoreOptions = {}): Promise<PgStore> {
    const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10, types: TYPES });
    // An idle connection that fails (the server restarted) must not take the process down; the next query reconnects.
    pool.on('error', () => undefined);
    try {
      await schema(pool, shown(url), !!options.migrate);
    } catch (e) {
      await pool.end();
      throw e;
    }
    const store = new PgStore(pool, options.sampleRing ?? DEFAULT_SAMPLE_RING);
    await store.ensureMonths();
    return store;
  }

  /**
   * Makes sure the record tables of this month and the next exist (schema version 6), at most once a day per
   * process: a month's table is made well before its first record, by whichever process looks first (under the
   * schema lock, so two never race to make one). A month that got records before its table (the server's clock
   * jumped) keeps them in records_default, where they are read like any other; its table is then not made.
   */
  private async ensureMonths(): Promise<void> {
    const now = Date.now();
    if (now < this.monthsCheckedUntil) return;
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [PG_SCHEMA_LOCK]);
      const d = new Date(now);
      for (const at of [now, Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)]) {
        await c.query('SAVEPOINT month');
        try {
          await c.query('SELECT sealscan_records_month($1)', [at]);
          await c.query('RELEASE SAVEPOINT month');
        } catch {
          await c.query('ROLLBACK TO SAVEPOINT month');
        }
      }
    });
    this.monthsCheckedUntil = now + 86_400_000;
  }

  /** Runs `fn` in one transaction on one connection: COMMIT when it returns, ROLLBACK when it throws. */
  private async tx<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const out = await fn(c);
      await c.query('COMMIT');
      return out;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    } finally {
      c.release();
    }
  }

  async register(reg: DeviceRegistration, at: number): Promise<RegisterOutcome> {
    const site = reg.site ? JSON.stringify(reg.site) : null;
    return this.tx(async (c) => {
      const made = await c.query('INSERT INTO devices (id, alg, key, site, registered_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING', [reg.id, reg.alg, reg.key, site, at]);
      if (made.rowCount === 1) return 'created';
      const old = (await c.query<DeviceDb>('SELECT * FROM devices WHERE id = $1 FOR UPDATE', [reg.id])).rows[0];
      if (old.alg !== reg.alg || !old.key.equals(reg.key)) return 'conflict';
      if (site !== null && site !== old.site) {
        await c.query('UPDATE devices SET site = $1 WHERE id = $2', [site, reg.id]);
        return 'updated';
      }
      return 'same';
    });
  }

  async device(id: string): Promise<DeviceRow | undefined> {
    const r = (await this.pool.query<DeviceDb>('SELECT * FROM devices WHERE id = $1', [id])).rows[0];
    return r && device(r);
  }

  async devicesByIds(ids: string[]): Promise<Map<string, DeviceRow>> {
    const out = new Map<string, DeviceRow>();
    if (!ids.length) return out;
    for (const r of (await this.pool.query<DeviceDb>('SELECT * FROM devices WHERE id = ANY($1)', [ids])).rows) out.set(r.id, device(r));
    return out;
  }

  async devices(after = '', limit = -1): Promise<DeviceRow[]> {
    const n = Number.isFinite(limit) && limit >= 0 ? limit : null;
    return (await this.pool.query<DeviceDb>('SELECT * FROM devices WHERE id > $1 ORDER BY id LIMIT $2', [after, n])).rows.map(device);
  }

  async packageEvents(by: { package: string } | { uid: string }): Promise<PackageEvent[]> {
    const rows = 'package' in by
      ? await this.pool.query<PackageEventDb>('SELECT * FROM package_events WHERE package = $1', [by.package])
      : await this.pool.query<PackageEventDb>('SELECT * FROM package_events WHERE package IN (SELECT package FROM package_events WHERE uid = $1)', [by.uid]);
    return rows.rows.map(packageEvent);
  }

  eventsOfPackages(packages: string[]): Promise<Map<string, PackageEvent[]>> {
    return eventsOf(this.pool, packages);
  }

  async siteCoordinates(): Promise<ReadonlyMap<string, Geo>> {
    // Every device's site only when one changed since the last read (site_epoch, schema v5): at 50,000 devices a
    // read of them all on every upload would cost more than the upload. The epoch is read before the sites, so a
    // change that commits between the two reads is read again next time.
    const epoch = (await this.pool.query<{ n: number }>({ name: 'sealscan-site-epoch', text: 'SELECT n FROM site_epoch' })).rows[0].n;
    if (this.sites?.epoch !== epoch) {
      const rows = (await this.pool.query<{ site: string }>('SELECT site FROM devices WHERE site IS NOT NULL ORDER BY id')).rows;
      this.sites = { epoch, coordinates: siteCoordinatesOf(rows.map((r) => r.site)) };
    }
    return this.sites.coordinates;
  }

  async setAlerts(packages: string[] | null, alerts: Alert[], at: number): Promise<void> {
    await this.tx(async (c) => {
      await lockAlerts(c, packages);
      await writeAlerts(c, packages, alerts, at);
    });
  }

  async evaluateAlerts(packages: string[], evaluate: (events: Map<string, PackageEvent[]>) => Alert[], at: number): Promise<Alert[]> {
    return this.tx(async (c) => {
      await lockAlerts(c, packages);
      // A statement after the locks: it sees the events of every upload whose evaluation held them before.
      const alerts = evaluate(await eventsOf(c, packages));
      await writeAlerts(c, packages, alerts, at);
      return alerts;
    });
  }

  async alerts(f: AlertFilter): Promise<StoredAlert[]> {
    const { sql, args } = alertsQuery(f, (n) => '$' + n);
    return (await this.pool.query<AlertDb>(sql, args)).rows.map(storedAlert);
  }

  async ackAlert(id: string, by: string, at: number): Promise<StoredAlert | undefined> {
    await this.pool.query('UPDATE alerts SET acked_at = $1, acked_by = $2 WHERE id = $3 AND acked_at IS NULL', [at, by, id]);
    const r = (await this.pool.query<AlertDb>('SELECT * FROM alerts WHERE id = $1', [id])).rows[0];
    return r && storedAlert(r);
  }

  async rebuildPackages(events: PackageEvent[]): Promise<string[]> {
    return this.tx(async (c) => {
      await c.query('DELETE FROM package_events');
      for (let i = 0; i < events.length; i += 5000) await insertPackageEvents(c, events.slice(i, i + 5000));
      return (await c.query<{ package: string }>('SELECT DISTINCT package FROM package_events ORDER BY package')).rows.map((r) => r.package);
    });
  }

  snapshot(id: string, seqs: number[]): Promise<ChainSnapshot | undefined> {
    return readSnapshot(this.pool, id, seqs);
  }

  async commitAll(commits: ChainCommit[]): Promise<boolean[]> {
    return this.tx(async (c) => {
      await lockDevices(c, commits.map((k) => k.device));
      const out: boolean[] = [];
      for (const k of commits) out.push(await applyCommit(c, k));
      return out;
    });
  }

  async chainTransaction(devices: string[], judge: (read: SnapshotReader) => Promise<ChainCommit[]>): Promise<boolean[]> {
    await this.ensureMonths();
    return this.tx(async (c) => {
      await lockDevices(c, devices);
      // READ COMMITTED: each read after the lock sees every chain change committed before it was granted.
      const commits = await judge((id, seqs) => readSnapshot(c, id, seqs));
      const out: boolean[] = [];
      for (const k of commits) out.push(await applyCommit(c, k));
      return out;
    });
  }

  async refuse(batch: RefusalBatch): Promise<void> {
    if (!batch.counts.length && !batch.samples.length) return;
    // Rows in one order in every process, so that two flushes never wait on each other crosswise.
    const counts = batch.counts.slice().sort((a, b) => (a.pool < b.pool ? -1 : a.pool > b.pool ? 1 : a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
    const samples = batch.samples.slice().sort((a, b) => (a.pool < b.pool ? -1 : a.pool > b.pool ? 1 : 0));
    await this.tx(async (c) => {
      for (const k of counts) {
        await c.query('INSERT INTO reject_counts (pool, reason, n, last_at) VALUES ($1, $2, $3, $4) ON CONFLICT (pool, reason) DO UPDATE SET n = reject_counts.n + excluded.n, last_at = greatest(reject_counts.last_at, excluded.last_at)', [k.pool, k.reason, k.n, k.lastAt]);
      }
      for (const s of samples) {
        if ((await c.query('SELECT 1 FROM reject_sample WHERE pool = $1 AND hash = $2 AND reason = $3 LIMIT 1', [s.pool, s.hash, s.reason])).rowCount) continue;
        const size = s.pool === '' ? this.ring.anonymous : this.ring.device;
        // Takes the ring's next slot and moves it on in one statement (the row stays locked to COMMIT).
        const slot = (await c.query<{ slot: number }>('INSERT INTO reject_rings (pool, next) VALUES ($1, 1 % $2) ON CONFLICT (pool) DO UPDATE SET next = (reject_rings.next % $2 + 1) % $2 RETURNING (next + $2 - 1) % $2 AS slot', [s.pool, size])).rows[0].slot;
        await c.query(
          'INSERT INTO reject_sample (pool, slot, device, seq, reason, message, hash, size, bytes, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (pool, slot) DO UPDATE SET device = excluded.device, seq = excluded.seq, reason = excluded.reason, message = excluded.message, hash = excluded.hash, size = excluded.size, bytes = excluded.bytes, received_at = excluded.received_at',
          [s.pool, slot, s.device, s.seq, s.reason, s.message, s.hash, s.size, s.bytes, s.receivedAt],
        );
      }
    });
  }

  async refusalCounts(pool: string): Promise<{ [reason: string]: number }> {
    const out: { [reason: string]: number } = Object.create(null);
    for (const r of (await this.pool.query<{ reason: string; n: number }>('SELECT reason, n FROM reject_counts WHERE pool = $1', [pool])).rows) out[r.reason] = r.n;
    return out;
  }

  async refusalSample(pool: string, limit: number): Promise<RefusalSample[]> {
    type Row = { pool: string; device: string | null; seq: number | null; reason: string; message: string; hash: string; size: number; bytes: Buffer; received_at: number };
    const rows = (await this.pool.query<Row>('SELECT * FROM reject_sample WHERE pool = $1 ORDER BY received_at DESC, slot DESC LIMIT $2', [pool, limit])).rows;
    return rows.map((r) => ({ pool: r.pool, device: r.device, seq: r.seq, reason: r.reason, message: r.message, hash: r.hash, size: r.size, bytes: u8(r.bytes), receivedAt: r.received_at }));
  }

  async counts(id: string): Promise<DeviceCounts> {
    const q = <T extends pg.QueryResultRow>(sql: string, params: unknown[] = [id]) => this.pool.query<T>(sql, params).then((r) => r.rows);
    const [[c], forkRows, reasons, [cp], [hcp], heldCount, heldSeqs, declared, verdicts, flagged] = await Promise.all([
      q<{ n: number; last: number | null }>('SELECT COUNT(*) AS n, MAX(seq) AS last FROM records WHERE device = $1'),
      // A fork's seq with the kept record's hash first (the one the chain accepted), then the forks' hashes.
      q<{ seq: number; hash: string; kept: string | null }>('SELECT f.seq, f.hash, r.hash AS kept FROM (SELECT seq, hash FROM forks WHERE device = $1 ORDER BY seq, hash LIMIT 1000) f LEFT JOIN records r ON r.device = $1 AND r.seq = f.seq ORDER BY f.seq, f.hash'),
      this.refusalCounts(id),
      q<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM records WHERE device = $1 AND kind = 'checkpoint'"),
      q<{ seq: number | null }>("SELECT MAX(seq) AS seq FROM held WHERE device = $1 AND kind = 'checkpoint'"),
      q<{ n: number }>('SELECT COUNT(*) AS n FROM held WHERE device = $1'),
      q<{ seq: number }>('SELECT seq FROM held WHERE device = $1 ORDER BY seq LIMIT 1000'),
      q<DeclaredRange>('SELECT first, last, fault_seq AS "faultSeq", reason FROM declared WHERE device = $1 ORDER BY first'),
      q<{ verdict: string; n: number }>('SELECT upstream_verdict AS verdict, COUNT(*) AS n FROM records WHERE device = $1 AND upstream_verdict IS NOT NULL GROUP BY upstream_verdict'),
      q<RecordDb>(`SELECT ${COLS} FROM records WHERE device = $1 AND upstream_verdict IN (${FLAGGED}) ORDER BY seq DESC LIMIT ${FLAGGED_LISTED}`),
    ]);
    const forks: DeviceCounts['forks'] = [];
    for (const f of forkRows) {
      let entry = forks[forks.length - 1];
      if (!entry || entry.seq !== f.seq) forks.push((entry = { seq: f.seq, hashes: f.kept ? [f.kept] : [] }));
      entry.hashes.push(f.hash);
    }
    let rejects = 0;
    for (const r in reasons) rejects += reasons[r];
    const checkpoint = hcp.seq !== null ? { seq: hcp.seq, held: true } : cp.seq !== null ? { seq: cp.seq, held: false } : null;
    const last = c.last === null ? [] : await q<{ hash: string }>('SELECT hash FROM records WHERE device = $1 AND seq = $2', [id, c.last]);
    const upstreamVerdicts: { [verdict: string]: number } = Object.create(null);
    for (const r of verdicts) upstreamVerdicts[r.verdict] = r.n;
    return {
      records: c.n,
      held: heldCount[0].n,
      rejects,
      lastSeq: c.last,
      lastHash: last.length ? last[0].hash : null,
      forks,
      declared,
      checkpoint,
      heldSeqs: heldSeqs.map((r) => r.seq),
      rejectReasons: reasons,
      upstream: { verdicts: upstreamVerdicts, flagged: flagged.map(record) },
    };
  }

  async records(id: string, from: number, limit: number): Promise<StoredRecord[]> {
    return (await this.pool.query<RecordDb>(`SELECT ${COLS} FROM records WHERE device = $1 AND seq >= $2 ORDER BY seq LIMIT $3`, [id, from, limit])).rows.map(record);
  }

  async exportPage(after: ExportCursor, limit: number, id?: string): Promise<StoredRecord[]> {
    const r = id === undefined
      ? await this.pool.query<RecordDb>(`SELECT ${COLS} FROM records WHERE (device, seq) > ($1, $2) ORDER BY device, seq LIMIT $3`, [after.device, after.seq, limit])
      : await this.pool.query<RecordDb>(`SELECT ${COLS} FROM records WHERE device = $1 AND seq > $2 ORDER BY seq LIMIT $3`, [id, after.device === id ? after.seq : -1, limit]);
    return r.rows.map(record);
  }

  async health(): Promise<{ ok: boolean; records: number; devices: number }> {
    // A sum over the devices' counters (schema v5), not COUNT(*) over every record.
    const t = (await this.pool.query<{ records: number; devices: number }>('SELECT coalesce(SUM(records_stored), 0)::bigint AS records, COUNT(*) AS devices FROM devices')).rows[0];
    return { ok: true, records: t.records, devices: t.devices };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function eventsOf(c: Q, packages: string[]): Promise<Map<string, PackageEvent[]>> {
  const out = new Map<string, PackageEvent[]>(packages.map((p) => [p, []]));
  if (!packages.length) return out;
  const rows = await c.query<PackageEventDb>({ name: 'sealscan-events-of', text: 'SELECT device, seq, package, uid, seal_hash, kind, step, site, time, verdict FROM package_events WHERE package = ANY($1)', values: [packages] });
  for (const r of rows.rows) out.get(r.package)?.push(packageEvent(r));
  return out;
}

/**
 * Two ingest processes may evaluate the same package at once (its scans arrived at both): one at a time per package
 * (null: the whole store, a rescan), in one order, so that their deletes and inserts of its alerts never deadlock.
 * One statement takes the locks one after another in the array's order; they are held to COMMIT.
 */
async function lockAlerts(c: pg.PoolClient, packages: string[] | null): Promise<void> {
  const keys = packages === null ? ['*'] : [...new Set(packages)].sort();
  await c.query({ name: 'sealscan-alert-locks', text: "SELECT count(pg_advisory_xact_lock(hashtext('sealscan-alerts:' || k))) FROM unnest($1::text[]) AS k", values: [keys] });
}

/**
 * Makes `alerts` the alerts of `packages` (null: of the whole store) in one statement: alerts no longer found go,
 * new ones come with `at`, ones found before keep their time and acknowledgement. The ids deleted and the ids
 * inserted are disjoint, so the two parts of the statement never touch one row.
 */
async function writeAlerts(c: pg.PoolClient, packages: string[] | null, a: Alert[], at: number): Promise<void> {
  await c.query({
    name: 'sealscan-alerts-set',
    text: `WITH gone AS (DELETE FROM alerts WHERE ($1::boolean OR package = ANY($2)) AND NOT (id = ANY($3)))
      INSERT INTO alerts (id, rule, severity, package, message, evidence, raised_at)
      SELECT id, rule, severity, package, message, evidence, $9 FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS n(id, rule, severity, package, message, evidence)
      ON CONFLICT (id) DO NOTHING`,
    values: [packages === null, packages ?? [], a.map((x) => x.id), a.map((x) => x.rule), a.map((x) => x.severity), a.map((x) => x.package), a.map((x) => x.message), a.map((x) => JSON.stringify(x.evidence)), at],
  });
}

/** The version of the schema in the database (0: none yet). */
async function version(c: Q): Promise<number> {
  const has = (await c.query("SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'sealscan_schema'")).rowCount;
  if (!has) return 0;
  return (await c.query<{ version: number }>('SELECT version FROM sealscan_schema')).rows[0]?.version ?? 0;
}

async function schema(pool: pg.Pool, where: string, migrate: boolean): Promise<void> {
  const c = await pool.connect();
  try {
    await c.query('BEGIN');
    // Ingest processes starting together on a fresh database: one creates the schema, the others then find it.
    await c.query('SELECT pg_advisory_xact_lock($1)', [PG_SCHEMA_LOCK]);
    const current = await version(c);
    if (current > PG_SCHEMA_VERSION) {
      throw new SchemaError('NEWER', `${where} has schema version ${current}; this sealscan knows versions up to ${PG_SCHEMA_VERSION}: run a newer sealscan on it`);
    }
    if (current > 0 && current < PG_SCHEMA_VERSION && !migrate) {
      throw new SchemaError('OLDER', `${where} has schema version ${current}, this sealscan writes version ${PG_SCHEMA_VERSION}: back the database up, then start one ingest with --migrate`);
    }
    if (current === 0) await c.query(`${PG_VERSION_TABLE}; INSERT INTO sealscan_schema (version) VALUES (0)`);
    for (let v = current; v < PG_SCHEMA_VERSION; v++) {
      await c.query(PG_STEPS[v]);
      await c.query('UPDATE sealscan_schema SET version = $1', [v + 1]);
    }
    await c.query('COMMIT');
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    c.release();
  }
}

/** Creates the schema up to `target` (tests: a database as an older sealscan left it). */
export async function createPgSchemaAt(url: string, target: number): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await c.query(`BEGIN; ${PG_VERSION_TABLE}; INSERT INTO sealscan_schema (version) VALUES (${target})`);
    for (let v = 0; v < target; v++) await c.query(PG_STEPS[v]);
    await c.query('COMMIT');
  } finally {
    await c.end();
  }
}
