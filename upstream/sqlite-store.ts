// The embedded store: SQLite through better-sqlite3, WAL mode with synchronous=FULL, so an answer that acks
// records (and lets the device free them) is only sent once the commit is on stable storage. One transaction per
// request, prepared statements throughout.
import Database from 'better-sqlite3';
import { FLAGGED_LISTED, FLAGGED_VERDICTS, type ChainCommit, type ChainSnapshot, type DeclaredRange, type DeviceCounts, type DeviceRegistration, type DeviceRow, type ExportCursor, type IngestStore, type RefusalBatch, type RefusalSample, type RegisterOutcome, type SnapshotReader, type StoredRecord } from './store.js';
import { FRESH, MIGRATIONS, SCHEMA_VERSION } from './sqlite-schema.js';
import { alertsQuery, COLS, device, packageEvent, record, recordParams, siteCoordinatesOf, storedAlert, u8, VALS, type AlertDb, type AlertFilter, type DeviceDb, type PackageEventDb, type RecordDb } from './sqlite-rows.js';
import { SchemaError } from './schema-error.js';
import type { PackageEvent } from './packages.js';
import type { Alert, Geo } from './rules.js';
import type { StoredAlert } from './store.js';

export interface SqliteStoreOptions {
  /** How long a write waits for another connection's lock before failing (default 5 s). */
  busyTimeoutMs?: number;
  /** Bring an older schema up to this version (otherwise an older database is refused with SchemaError). */
  migrate?: boolean;
  /** Samples kept per pool: a registered device's ring, and the ring of refusals that name no device. */
  sampleRing?: { device: number; anonymous: number };
}

export const DEFAULT_SAMPLE_RING = { device: 100, anonymous: 1000 };

/** IngestStore on one SQLite file. Not for several processes writing the same file at once (the commit check holds, throughput would not). */
export class SqliteStore implements IngestStore {
  private readonly db: Database.Database;
  private readonly q;
  private readonly ring: { device: number; anonymous: number };
  /** The sites' coordinates as last read, and the site_epoch they were read at. */
  private sites: { epoch: number; coordinates: Map<string, Geo> } | undefined;

  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.ring = options.sampleRing ?? DEFAULT_SAMPLE_RING;
    this.db = new Database(file);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
      this.schema(file, !!options.migrate);
    } catch (e) {
      this.db.close();
      throw e;
    }
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      device: p('SELECT * FROM devices WHERE id = ?'),
      devices: p('SELECT * FROM devices WHERE id > ? ORDER BY id LIMIT ?'),
      insertDevice: p('INSERT INTO devices (id, alg, key, site, registered_at) VALUES (?, ?, ?, ?, ?)'),
      updateSite: p('UPDATE devices SET site = ? WHERE id = ?'),
      storedAt: p('SELECT seq, hash, boot FROM records WHERE device = ? AND seq = ?'),
      storedRange: p('SELECT seq, hash, boot FROM records WHERE device = ? AND seq BETWEEN ? AND ?'),
      forksAt: p('SELECT seq, hash FROM forks WHERE device = ? AND seq = ?'),
      forkCount: p('SELECT COUNT(*) AS n FROM forks WHERE device = ?'),
      held: p(`SELECT ${COLS} FROM held WHERE device = ? ORDER BY seq`),
      declared: p('SELECT first, last, fault_seq AS faultSeq, reason FROM declared WHERE device = ? ORDER BY first'),
      moveAck: p('UPDATE devices SET acked_through = ?, acked_hash = ?, acked_boot = ?, last_seen_at = ?, records_stored = records_stored + ? WHERE id = ? AND acked_through = ?'),
      insertRecord: p(`INSERT INTO records (${COLS}) VALUES (${VALS})`),
      insertHeld: p(`INSERT OR REPLACE INTO held (${COLS}) VALUES (${VALS})`),
      release: p('DELETE FROM held WHERE device = ? AND seq = ?'),
      insertFork: p(`INSERT OR IGNORE INTO forks (${COLS}) VALUES (${VALS})`),
      insertDeclared: p('INSERT OR IGNORE INTO declared (device, first, last, fault_seq, reason) VALUES (?, ?, ?, ?, ?)'),
      countRefusal: p('INSERT INTO reject_counts (pool, reason, n, last_at) VALUES (?, ?, ?, ?) ON CONFLICT (pool, reason) DO UPDATE SET n = n + excluded.n, last_at = max(last_at, excluded.last_at)'),
      sampled: p('SELECT 1 FROM reject_sample WHERE pool = ? AND hash = ? AND reason = ? LIMIT 1'),
      ringNext: p('SELECT next FROM reject_rings WHERE pool = ?'),
      ringSet: p('INSERT INTO reject_rings (pool, next) VALUES (?, ?) ON CONFLICT (pool) DO UPDATE SET next = excluded.next'),
      putSample: p('INSERT OR REPLACE INTO reject_sample (pool, slot, device, seq, reason, message, hash, size, bytes, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      refusalCounts: p('SELECT reason, n FROM reject_counts WHERE pool = ?'),
      refusalSample: p('SELECT * FROM reject_sample WHERE pool = ? ORDER BY received_at DESC, slot DESC LIMIT ?'),
      count: p('SELECT COUNT(*) AS n, MAX(seq) AS last FROM records WHERE device = ?'),
      lastHash: p('SELECT hash FROM records WHERE device = ? AND seq = ?'),
      heldSeqs: p('SELECT seq FROM held WHERE device = ? ORDER BY seq LIMIT 1000'),
      heldCount: p('SELECT COUNT(*) AS n FROM held WHERE device = ?'),
      forks: p('SELECT seq, hash FROM forks WHERE device = ? ORDER BY seq, hash LIMIT 1000'),
      forkSeqHashes: p('SELECT hash FROM records WHERE device = ? AND seq = ?'),
      checkpoint: p("SELECT MAX(seq) AS seq FROM records WHERE device = ? AND kind = 'checkpoint'"),
      heldCheckpoint: p("SELECT MAX(seq) AS seq FROM held WHERE device = ? AND kind = 'checkpoint'"),
      records: p(`SELECT ${COLS} FROM records WHERE device = ? AND seq >= ? ORDER BY seq LIMIT ?`),
      upstreamVerdicts: p('SELECT upstream_verdict AS verdict, COUNT(*) AS n FROM records WHERE device = ? AND upstream_verdict IS NOT NULL GROUP BY upstream_verdict'),
      flagged: p(`SELECT ${COLS} FROM records WHERE device = ? AND upstream_verdict IN (${FLAGGED_VERDICTS.map((v) => `'${v}'`).join(', ')}) ORDER BY seq DESC LIMIT ${FLAGGED_LISTED}`),
      pageAll: p(`SELECT ${COLS} FROM records WHERE (device, seq) > (?, ?) ORDER BY device, seq LIMIT ?`),
      pageDevice: p(`SELECT ${COLS} FROM records WHERE device = ? AND seq > ? ORDER BY seq LIMIT ?`),
      insertPackageEvent: p('INSERT OR IGNORE INTO package_events (device, seq, package, uid, seal_hash, kind, step, site, time, verdict) VALUES (@device, @seq, @package, @uid, @sealHash, @kind, @step, @site, @time, @verdict)'),
      eventsByPackage: p('SELECT * FROM package_events WHERE package = ?'),
      eventsByUid: p('SELECT * FROM package_events WHERE package IN (SELECT package FROM package_events WHERE uid = ?)'),
      clearPackages: p('DELETE FROM package_events'),
      distinctPackages: p('SELECT DISTINCT package FROM package_events ORDER BY package'),
      sites: p('SELECT site FROM devices WHERE site IS NOT NULL ORDER BY id'),
      siteEpoch: p('SELECT n FROM site_epoch'),
      alertIdsOf: p('SELECT id FROM alerts WHERE package = ?'),
      allAlertIds: p('SELECT id FROM alerts'),
      insertAlert: p('INSERT OR IGNORE INTO alerts (id, rule, severity, package, message, evidence, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      deleteAlert: p('DELETE FROM alerts WHERE id = ?'),
      alertById: p('SELECT * FROM alerts WHERE id = ?'),
      ackAlert: p('UPDATE alerts SET acked_at = ?, acked_by = ? WHERE id = ? AND acked_at IS NULL'),
      // Accepted records are never deleted, so the largest rowid is their count: O(1), where COUNT(*) scans.
      totals: p('SELECT coalesce(SUM(records_stored), 0) AS records, COUNT(*) AS devices FROM devices'),
    };
  }

  /** Creates a fresh schema, checks the version of an existing one, and migrates an older one when asked. */
  private schema(file: string, migrate: boolean): void {
    const version = this.db.pragma('user_version', { simple: true }) as number;
    const hasTables = (this.db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'devices'").get() as { n: number }).n > 0;
    // Before versions were numbered the store wrote schema 1 and left user_version at 0.
    const current = version === 0 ? (hasTables ? 1 : 0) : version;
    if (current > SCHEMA_VERSION) {
      throw new SchemaError('NEWER', `${file} has schema version ${current}; this sealscan knows versions up to ${SCHEMA_VERSION}: run a newer sealscan on it`);
    }
    if (current === SCHEMA_VERSION) return;
    if (current > 0 && !migrate) {
      throw new SchemaError('OLDER', `${file} has schema version ${current}, this sealscan writes version ${SCHEMA_VERSION}: back the file up, then start the ingest once with --migrate`);
    }
    const steps = current === 0 ? FRESH : MIGRATIONS.slice(current - 1);
    this.db.transaction(() => {
      for (const sql of steps) this.db.exec(sql);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    }).immediate();
  }

  async register(reg: DeviceRegistration, at: number): Promise<RegisterOutcome> {
    return this.db.transaction((): RegisterOutcome => {
      const old = this.q.device.get(reg.id) as DeviceDb | undefined;
      const site = reg.site ? JSON.stringify(reg.site) : null;
      if (!old) {
        this.q.insertDevice.run(reg.id, reg.alg, reg.key, site, at);
        return 'created';
      }
      if (old.alg !== reg.alg || !old.key.equals(reg.key)) return 'conflict';
      if (site !== null && site !== old.site) {
        this.q.updateSite.run(site, reg.id);
        return 'updated';
      }
      return 'same';
    }).immediate();
  }

  async device(id: string): Promise<DeviceRow | undefined> {
    const r = this.q.device.get(id) as DeviceDb | undefined;
    return r && device(r);
  }

  async devicesByIds(ids: string[]): Promise<Map<string, DeviceRow>> {
    const out = new Map<string, DeviceRow>();
    for (const id of ids) {
      const r = this.q.device.get(id) as DeviceDb | undefined;
      if (r) out.set(id, device(r));
    }
    return out;
  }

  async devices(after = '', limit = -1): Promise<DeviceRow[]> {
    return (this.q.devices.all(after, Number.isFinite(limit) ? limit : -1) as DeviceDb[]).map(device);
  }

  async snapshot(id: string, seqs: number[]): Promise<ChainSnapshot | undefined> {
    const d = this.q.device.get(id) as DeviceDb | undefined;
    if (!d) return undefined;
    const stored: ChainSnapshot['stored'] = {};
    const forks: ChainSnapshot['forks'] = {};
    const wanted = [...new Set(seqs.filter((s) => s >= 0))].sort((a, b) => a - b);
    if (wanted.length) {
      const lo = wanted[0];
      const hi = wanted[wanted.length - 1];
      // A batch's seqs are usually one run: one range scan instead of a lookup per seq.
      const rows = (hi - lo < 4 * wanted.length ? this.q.storedRange.all(id, lo, hi) : wanted.flatMap((s) => this.q.storedAt.all(id, s))) as Array<{ seq: number; hash: string; boot: number }>;
      for (const r of rows) stored[r.seq] = { hash: r.hash, boot: r.boot };
      for (const s of wanted) {
        for (const f of this.q.forksAt.all(id, s) as Array<{ seq: number; hash: string }>) (forks[f.seq] ??= []).push(f.hash);
      }
    }
    return {
      device: device(d),
      stored,
      forks,
      held: (this.q.held.all(id) as RecordDb[]).map(record),
      declared: this.q.declared.all(id) as DeclaredRange[],
      forkCount: (this.q.forkCount.get(id) as { n: number }).n,
    };
  }

  async commitAll(commits: ChainCommit[]): Promise<boolean[]> {
    return this.db.transaction((): boolean[] =>
      commits.map((c) => {
        const moved = this.q.moveAck.run(c.ackedThrough, c.ackedHash, c.ackedBoot, c.seenAt, c.accepted.length, c.device, c.expectAckedThrough);
        if (moved.changes !== 1) return false;
        for (const s of c.release) this.q.release.run(c.device, s);
        for (const r of c.accepted) this.q.insertRecord.run(recordParams(r));
        for (const r of c.hold) this.q.insertHeld.run(recordParams(r));
        for (const r of c.forks) this.q.insertFork.run(recordParams(r));
        for (const d of c.declared) this.q.insertDeclared.run(c.device, d.first, d.last, d.faultSeq, d.reason);
        for (const e of c.packages ?? []) this.q.insertPackageEvent.run(e);
        return true;
      }),
    ).immediate();
  }

  /** Snapshots outside a transaction, then commitAll: a commit whose device moved meanwhile is not applied. */
  async chainTransaction(_devices: string[], judge: (read: SnapshotReader) => Promise<ChainCommit[]>): Promise<boolean[]> {
    return this.commitAll(await judge((id, seqs) => this.snapshot(id, seqs)));
  }

  async refuse(batch: RefusalBatch): Promise<void> {
    if (!batch.counts.length && !batch.samples.length) return;
    this.db.transaction(() => {
      for (const c of batch.counts) this.q.countRefusal.run(c.pool, c.reason, c.n, c.lastAt);
      for (const s of batch.samples) {
        // The same bytes refused again for the same reason (a replay flood) add a count, not another sample.
        if (this.q.sampled.get(s.pool, s.hash, s.reason)) continue;
        const size = s.pool === '' ? this.ring.anonymous : this.ring.device;
        const at = ((this.q.ringNext.get(s.pool) as { next: number } | undefined)?.next ?? 0) % size;
        this.q.putSample.run(s.pool, at, s.device, s.seq, s.reason, s.message, s.hash, s.size, s.bytes, s.receivedAt);
        this.q.ringSet.run(s.pool, (at + 1) % size);
      }
    }).immediate();
  }

  async refusalCounts(pool: string): Promise<{ [reason: string]: number }> {
    const out: { [reason: string]: number } = Object.create(null);
    for (const r of this.q.refusalCounts.all(pool) as Array<{ reason: string; n: number }>) out[r.reason] = r.n;
    return out;
  }

  async refusalSample(pool: string, limit: number): Promise<RefusalSample[]> {
    type Row = { pool: string; device: string | null; seq: number | null; reason: string; message: string; hash: string; size: number; bytes: Buffer; received_at: number };
    return (this.q.refusalSample.all(pool, limit) as Row[]).map((r) => ({
      pool: r.pool, device: r.device, seq: r.seq, reason: r.reason, message: r.message, hash: r.hash, size: r.size, bytes: u8(r.bytes), receivedAt: r.received_at,
    }));
  }

  async counts(id: string): Promise<DeviceCounts> {
    const c = this.q.count.get(id) as { n: number; last: number | null };
    const forks: DeviceCounts['forks'] = [];
    for (const f of this.q.forks.all(id) as Array<{ seq: number; hash: string }>) {
      let entry = forks[forks.length - 1];
      if (!entry || entry.seq !== f.seq) {
        const kept = this.q.forkSeqHashes.get(id, f.seq) as { hash: string } | undefined;
        entry = { seq: f.seq, hashes: kept ? [kept.hash] : [] };
        forks.push(entry);
      }
      entry.hashes.push(f.hash);
    }
    const reasons = await this.refusalCounts(id);
    let rejects = 0;
    for (const r in reasons) rejects += reasons[r];
    const cp = (this.q.checkpoint.get(id) as { seq: number | null }).seq;
    const hcp = (this.q.heldCheckpoint.get(id) as { seq: number | null }).seq;
    const checkpoint = hcp !== null ? { seq: hcp, held: true } : cp !== null ? { seq: cp, held: false } : null;
    const last = c.last === null ? undefined : (this.q.lastHash.get(id, c.last) as { hash: string } | undefined);
    const upstreamVerdicts: { [verdict: string]: number } = Object.create(null);
    for (const r of this.q.upstreamVerdicts.all(id) as Array<{ verdict: string; n: number }>) upstreamVerdicts[r.verdict] = r.n;
    return {
      records: c.n,
      held: (this.q.heldCount.get(id) as { n: number }).n,
      rejects,
      lastSeq: c.last,
      lastHash: last ? last.hash : null,
      forks,
      declared: this.q.declared.all(id) as DeclaredRange[],
      checkpoint,
      heldSeqs: (this.q.heldSeqs.all(id) as Array<{ seq: number }>).map((r) => r.seq),
      rejectReasons: reasons,
      upstream: { verdicts: upstreamVerdicts, flagged: (this.q.flagged.all(id) as RecordDb[]).map(record) },
    };
  }

  async records(id: string, from: number, limit: number): Promise<StoredRecord[]> {
    return (this.q.records.all(id, from, limit) as RecordDb[]).map(record);
  }

  async exportPage(after: ExportCursor, limit: number, id?: string): Promise<StoredRecord[]> {
    const rows = id === undefined ? this.q.pageAll.all(after.device, after.seq, limit) : this.q.pageDevice.all(id, after.device === id ? after.seq : -1, limit);
    return (rows as RecordDb[]).map(record);
  }

  async packageEvents(by: { package: string } | { uid: string }): Promise<PackageEvent[]> {
    const rows = 'package' in by ? this.q.eventsByPackage.all(by.package) : this.q.eventsByUid.all(by.uid);
    return (rows as PackageEventDb[]).map(packageEvent);
  }

  async eventsOfPackages(packages: string[]): Promise<Map<string, PackageEvent[]>> {
    const out = new Map<string, PackageEvent[]>();
    for (const p of packages) out.set(p, await this.packageEvents({ package: p }));
    return out;
  }

  async siteCoordinates(): Promise<ReadonlyMap<string, Geo>> {
    // Every device's site only when one changed since the last read (site_epoch, schema v5), as on PostgreSQL.
    const epoch = (this.q.siteEpoch.get() as { n: number }).n;
    if (this.sites?.epoch !== epoch) this.sites = { epoch, coordinates: siteCoordinatesOf((this.q.sites.all() as Array<{ site: string }>).map((r) => r.site)) };
    return this.sites.coordinates;
  }

  async evaluateAlerts(packages: string[], evaluate: (events: Map<string, PackageEvent[]>) => Alert[], at: number): Promise<Alert[]> {
    // One synchronous transaction: no other request's commit can come between the read and the write.
    return this.db.transaction(() => {
      const events = new Map<string, PackageEvent[]>();
      for (const p of packages) events.set(p, (this.q.eventsByPackage.all(p) as PackageEventDb[]).map(packageEvent));
      const alerts = evaluate(events);
      this.writeAlerts(packages, alerts, at);
      return alerts;
    }).immediate();
  }

  async setAlerts(packages: string[] | null, alerts: Alert[], at: number): Promise<void> {
    this.db.transaction(() => this.writeAlerts(packages, alerts, at)).immediate();
  }

  private writeAlerts(packages: string[] | null, alerts: Alert[], at: number): void {
    const keep = new Set(alerts.map((a) => a.id));
    const old = packages === null ? (this.q.allAlertIds.all() as Array<{ id: string }>) : packages.flatMap((pkg) => this.q.alertIdsOf.all(pkg) as Array<{ id: string }>);
    for (const { id } of old) if (!keep.has(id)) this.q.deleteAlert.run(id);
    for (const a of alerts) this.q.insertAlert.run(a.id, a.rule, a.severity, a.package, a.message, JSON.stringify(a.evidence), at);
  }

  async alerts(f: AlertFilter): Promise<StoredAlert[]> {
    const { sql, args } = alertsQuery(f, () => '?');
    return (this.db.prepare(sql).all(...args) as AlertDb[]).map(storedAlert);
  }

  async ackAlert(id: string, by: string, at: number): Promise<StoredAlert | undefined> {
    this.q.ackAlert.run(at, by, id);
    const r = this.q.alertById.get(id) as AlertDb | undefined;
    return r && storedAlert(r);
  }

  async rebuildPackages(events: PackageEvent[]): Promise<string[]> {
    return this.db.transaction(() => {
      this.q.clearPackages.run();
      for (const e of events) this.q.insertPackageEvent.run(e);
      return (this.q.distinctPackages.all() as Array<{ package: string }>).map((r) => r.package);
    }).immediate();
  }

  async health(): Promise<{ ok: boolean; records: number; devices: number }> {
    const t = this.q.totals.get() as { records: number; devices: number };
    return { ok: true, records: t.records, devices: t.devices };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
