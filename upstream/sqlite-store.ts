// The embedded store: SQLite through better-sqlite3, WAL mode with synchronous=FULL, so an answer that acks
// records (and lets the device free them) is only sent once the commit is on stable storage. One transaction per
// device per request, prepared statements throughout.
import Database from 'better-sqlite3';
import type { ChainCommit, ChainSnapshot, DeclaredRange, DeviceCounts, DeviceRegistration, DeviceRow, IngestStore, RegisterOutcome, RejectRow, StoredRecord } from './store.js';
import { SCHEMA } from './sqlite-schema.js';
import { COLS, device, record, recordParams, VALS, type DeviceDb, type RecordDb } from './sqlite-rows.js';

/** IngestStore on one SQLite file. Not for several processes writing the same file at once (the commit check holds, throughput would not). */
export class SqliteStore implements IngestStore {
  private readonly db: Database.Database;
  private readonly q;

  /** `busyTimeoutMs`: how long a write waits for another connection's lock before failing (default 5 s). */
  constructor(file: string, options: { busyTimeoutMs?: number } = {}) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? 5000))}`);
    this.db.exec(SCHEMA);
    const p = (sql: string) => this.db.prepare(sql);
    this.q = {
      device: p('SELECT * FROM devices WHERE id = ?'),
      devices: p('SELECT * FROM devices ORDER BY id'),
      insertDevice: p('INSERT INTO devices (id, alg, key, site, registered_at) VALUES (?, ?, ?, ?, ?)'),
      updateSite: p('UPDATE devices SET site = ? WHERE id = ?'),
      storedAt: p('SELECT seq, hash, boot FROM records WHERE device = ? AND seq = ?'),
      storedRange: p('SELECT seq, hash, boot FROM records WHERE device = ? AND seq BETWEEN ? AND ?'),
      forksAt: p('SELECT seq, hash FROM forks WHERE device = ? AND seq = ?'),
      held: p(`SELECT ${COLS} FROM held WHERE device = ? ORDER BY seq`),
      declared: p('SELECT first, last, fault_seq AS faultSeq, reason FROM declared WHERE device = ? ORDER BY first'),
      moveAck: p('UPDATE devices SET acked_through = ?, acked_hash = ?, acked_boot = ?, last_seen_at = ? WHERE id = ? AND acked_through = ?'),
      insertRecord: p(`INSERT INTO records (${COLS}) VALUES (${VALS})`),
      insertHeld: p(`INSERT OR REPLACE INTO held (${COLS}) VALUES (${VALS})`),
      release: p('DELETE FROM held WHERE device = ? AND seq = ?'),
      insertFork: p(`INSERT OR IGNORE INTO forks (${COLS}) VALUES (${VALS})`),
      insertDeclared: p('INSERT OR IGNORE INTO declared (device, first, last, fault_seq, reason) VALUES (?, ?, ?, ?, ?)'),
      insertReject: p('INSERT OR IGNORE INTO rejects (device, seq, reason, message, hash, bytes, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      count: p('SELECT COUNT(*) AS n, MAX(seq) AS last FROM records WHERE device = ?'),
      lastHash: p('SELECT hash FROM records WHERE device = ? AND seq = ?'),
      heldSeqs: p('SELECT seq FROM held WHERE device = ? ORDER BY seq LIMIT 1000'),
      heldCount: p('SELECT COUNT(*) AS n FROM held WHERE device = ?'),
      rejectReasons: p('SELECT reason, COUNT(*) AS n FROM rejects WHERE device = ? GROUP BY reason'),
      forks: p('SELECT seq, hash FROM forks WHERE device = ? ORDER BY seq, hash LIMIT 1000'),
      forkSeqHashes: p('SELECT hash FROM records WHERE device = ? AND seq = ?'),
      checkpoint: p("SELECT MAX(seq) AS seq FROM records WHERE device = ? AND kind = 'checkpoint'"),
      heldCheckpoint: p("SELECT MAX(seq) AS seq FROM held WHERE device = ? AND kind = 'checkpoint'"),
      records: p(`SELECT ${COLS} FROM records WHERE device = ? AND seq >= ? ORDER BY seq LIMIT ?`),
      exportAll: p(`SELECT ${COLS} FROM records WHERE (device, seq) > (?, ?) ORDER BY device, seq LIMIT ?`),
      // Accepted records are never deleted, so the largest rowid is their count: O(1), where COUNT(*) scans.
      totals: p('SELECT coalesce((SELECT MAX(rowid) FROM records), 0) AS records, (SELECT COUNT(*) FROM devices) AS devices'),
    };
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

  async devices(): Promise<DeviceRow[]> {
    return (this.q.devices.all() as DeviceDb[]).map(device);
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
    return { device: device(d), stored, forks, held: (this.q.held.all(id) as RecordDb[]).map(record), declared: this.q.declared.all(id) as DeclaredRange[] };
  }

  async commit(c: ChainCommit): Promise<boolean> {
    return this.db.transaction((): boolean => {
      const moved = this.q.moveAck.run(c.ackedThrough, c.ackedHash, c.ackedBoot, c.seenAt, c.device, c.expectAckedThrough);
      if (moved.changes !== 1) return false;
      for (const s of c.release) this.q.release.run(c.device, s);
      for (const r of c.accepted) this.q.insertRecord.run(recordParams(r));
      for (const r of c.hold) this.q.insertHeld.run(recordParams(r));
      for (const r of c.forks) this.q.insertFork.run(recordParams(r));
      for (const d of c.declared) this.q.insertDeclared.run(c.device, d.first, d.last, d.faultSeq, d.reason);
      this.insertRejects(c.rejects);
      return true;
    }).immediate();
  }

  private insertRejects(rows: RejectRow[]): void {
    for (const r of rows) this.q.insertReject.run(r.device, r.seq, r.reason, r.message, r.hash, r.bytes, r.receivedAt);
  }

  async reject(rows: RejectRow[]): Promise<void> {
    if (rows.length) this.db.transaction(() => this.insertRejects(rows)).immediate();
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
    const reasons: DeviceCounts['rejectReasons'] = {};
    let rejects = 0;
    for (const r of this.q.rejectReasons.all(id) as Array<{ reason: string; n: number }>) {
      reasons[r.reason] = r.n;
      rejects += r.n;
    }
    const cp = (this.q.checkpoint.get(id) as { seq: number | null }).seq;
    const hcp = (this.q.heldCheckpoint.get(id) as { seq: number | null }).seq;
    const checkpoint = hcp !== null ? { seq: hcp, held: true } : cp !== null ? { seq: cp, held: false } : null;
    const last = c.last === null ? undefined : (this.q.lastHash.get(id, c.last) as { hash: string } | undefined);
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
    };
  }

  async records(id: string, from: number, limit: number): Promise<StoredRecord[]> {
    return (this.q.records.all(id, from, limit) as RecordDb[]).map(record);
  }

  async *exportRecords(id: string | undefined, batch: number): AsyncIterable<StoredRecord[]> {
    let dev = id ?? '';
    let seq = -1;
    for (;;) {
      const rows = (id === undefined ? this.q.exportAll.all(dev, seq, batch) : this.q.records.all(id, seq + 1, batch)) as RecordDb[];
      if (!rows.length) return;
      yield rows.map(record);
      dev = rows[rows.length - 1].device;
      seq = rows[rows.length - 1].seq;
    }
  }

  async health(): Promise<{ ok: boolean; records: number; devices: number }> {
    const t = this.q.totals.get() as { records: number; devices: number };
    return { ok: true, records: t.records, devices: t.devices };
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
