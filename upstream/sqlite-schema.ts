// Tables of the SQLite store, as numbered migrations (PRAGMA user_version holds the schema version). Hashes are
// lower-case hex SHA-256 of the complete COSE bytes; `bytes` is the record exactly as received. `records` holds
// only what the chain rules accepted; everything else lives apart.

/** The first schema, as the store created it before versions were numbered (a database at user_version 0). */
const V1 = `
CREATE TABLE IF NOT EXISTS devices (
  id TEXT PRIMARY KEY,
  alg TEXT NOT NULL CHECK (alg IN ('ed25519', 'hmac-sha256')),
  key BLOB NOT NULL,
  site TEXT,
  registered_at INTEGER NOT NULL,
  acked_through INTEGER NOT NULL DEFAULT -1,
  acked_hash TEXT,
  acked_boot INTEGER NOT NULL DEFAULT 0,
  last_seen_at INTEGER
);
-- Accepted records: the device's contiguous chain from seq 0 (declared losses stepped over).
CREATE TABLE IF NOT EXISTS records (
  device TEXT NOT NULL REFERENCES devices(id),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  prev TEXT NOT NULL,
  boot INTEGER NOT NULL,
  kind TEXT NOT NULL,
  time INTEGER NOT NULL,
  lost TEXT,
  fault_reason TEXT,
  bytes BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (device, seq)
);
CREATE INDEX IF NOT EXISTS records_checkpoints ON records (device, seq) WHERE kind = 'checkpoint';
-- Verified records above an undeclared gap: evidence, not accepted, not acked.
CREATE TABLE IF NOT EXISTS held (
  device TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, prev TEXT NOT NULL, boot INTEGER NOT NULL,
  kind TEXT NOT NULL, time INTEGER NOT NULL, lost TEXT, fault_reason TEXT, bytes BLOB NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY (device, seq)
);
-- Verified records whose seq another record already holds: proof of equivocation.
CREATE TABLE IF NOT EXISTS forks (
  device TEXT NOT NULL, seq INTEGER NOT NULL, hash TEXT NOT NULL, prev TEXT NOT NULL, boot INTEGER NOT NULL,
  kind TEXT NOT NULL, time INTEGER NOT NULL, lost TEXT, fault_reason TEXT, bytes BLOB NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY (device, seq, hash)
);
-- Seq ranges that accepted fault records declare lost.
CREATE TABLE IF NOT EXISTS declared (
  device TEXT NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL, fault_seq INTEGER NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (device, first, fault_seq)
);
CREATE TABLE IF NOT EXISTS rejects (
  id INTEGER PRIMARY KEY,
  device TEXT,
  seq INTEGER,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  hash TEXT NOT NULL,
  bytes BLOB NOT NULL,
  received_at INTEGER NOT NULL,
  UNIQUE (hash, reason)
);
CREATE INDEX IF NOT EXISTS rejects_device ON rejects (device);
`;

/**
 * Version 2: refusals are counted, not kept. Every refused record used to be stored with its bytes, so one
 * anonymous client could fill the disk; now each pool (a registered device, or '' for records naming none) has
 * counts per reason and a ring of at most a fixed number of samples with their first bytes.
 */
const V2 = `
CREATE TABLE reject_counts (
  pool TEXT NOT NULL, reason TEXT NOT NULL, n INTEGER NOT NULL, last_at INTEGER NOT NULL,
  PRIMARY KEY (pool, reason)
);
CREATE TABLE reject_sample (
  pool TEXT NOT NULL, slot INTEGER NOT NULL,
  device TEXT, seq INTEGER, reason TEXT NOT NULL, message TEXT NOT NULL, hash TEXT NOT NULL,
  size INTEGER NOT NULL, bytes BLOB NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY (pool, slot)
);
CREATE INDEX reject_sample_hash ON reject_sample (pool, hash, reason);
CREATE TABLE reject_rings (pool TEXT PRIMARY KEY, next INTEGER NOT NULL);
INSERT INTO reject_counts (pool, reason, n, last_at)
  SELECT coalesce(d.id, ''), r.reason, COUNT(*), MAX(r.received_at) FROM rejects r
  LEFT JOIN devices d ON d.id = r.device
  GROUP BY coalesce(d.id, ''), r.reason;
DROP TABLE rejects;
`;

/**
 * Version 3: the ingest's own verdict on scans whose device could not check the seal or the originality signature
 * (upstream/rejudge.ts), beside the record: the verdict and its reason codes as a JSON array. NULL for every other
 * record, and for the scans of a database from before version 3 (they were stored without one). Held and fork
 * records carry the columns too, so a held scan keeps its verdict when it is accepted.
 */
const V3 = `
ALTER TABLE records ADD COLUMN upstream_verdict TEXT;
ALTER TABLE records ADD COLUMN upstream_reasons TEXT;
ALTER TABLE held ADD COLUMN upstream_verdict TEXT;
ALTER TABLE held ADD COLUMN upstream_reasons TEXT;
ALTER TABLE forks ADD COLUMN upstream_verdict TEXT;
ALTER TABLE forks ADD COLUMN upstream_reasons TEXT;
CREATE INDEX records_upstream ON records (device, upstream_verdict, seq) WHERE upstream_verdict IS NOT NULL;
`;

/**
 * Version 4: packages and alerts (docs/closed-loop.md). `package_events` indexes every accepted scan and commission
 * record by package (canonical Digital Link, or the tag's UID), UID and seal hash; `alerts` holds what the rules
 * found, with their evidence as a JSON array of {device, seq} and who acknowledged them. The migration creates the
 * tables empty: `sealscan alerts --rescan --db FILE` indexes the records stored before it and runs the rules.
 */
const V4 = `
CREATE TABLE package_events (
  device TEXT NOT NULL, seq INTEGER NOT NULL,
  package TEXT NOT NULL, uid TEXT NOT NULL, seal_hash TEXT,
  kind TEXT NOT NULL, step TEXT NOT NULL, site TEXT NOT NULL, time INTEGER NOT NULL, verdict TEXT,
  PRIMARY KEY (device, seq)
);
CREATE INDEX package_events_package ON package_events (package);
CREATE INDEX package_events_uid ON package_events (uid);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  rule TEXT NOT NULL, severity TEXT NOT NULL, package TEXT NOT NULL, message TEXT NOT NULL, evidence TEXT NOT NULL,
  raised_at INTEGER NOT NULL, acked_at INTEGER, acked_by TEXT
);
CREATE INDEX alerts_package ON alerts (package);
`;

/**
 * Version 5: each device's count of accepted records, kept by the commit that stores them, so that the totals of
 * /v1/health are a sum over the devices instead of a count over every record (the PostgreSQL store's reason; here
 * it keeps the two stores one schema); the migration counts the records stored before it once. And `site_epoch`,
 * moved on by triggers whenever a device's site is added, changed or removed, so that the rules read every
 * device's site again only when one changed, not on every upload.
 */
const V5 = `
ALTER TABLE devices ADD COLUMN records_stored INTEGER NOT NULL DEFAULT 0;
UPDATE devices SET records_stored = (SELECT COUNT(*) FROM records WHERE records.device = devices.id);
CREATE TABLE site_epoch (n INTEGER NOT NULL);
INSERT INTO site_epoch (n) VALUES (0);
CREATE TRIGGER devices_site_added AFTER INSERT ON devices WHEN NEW.site IS NOT NULL BEGIN UPDATE site_epoch SET n = n + 1; END;
CREATE TRIGGER devices_site_changed AFTER UPDATE OF site ON devices WHEN OLD.site IS NOT NEW.site BEGIN UPDATE site_epoch SET n = n + 1; END;
CREATE TRIGGER devices_site_removed AFTER DELETE ON devices WHEN OLD.site IS NOT NULL BEGIN UPDATE site_epoch SET n = n + 1; END;
`;

/**
 * Version 6: the PostgreSQL store's records partitioned by month (pg-schema.ts V6). SQLite has no partitions and one
 * file per ingest; nothing changes here but the number, which keeps one number naming one schema on both stores.
 */
const V6 = `SELECT 1;`;

/** Migrations in order; MIGRATIONS[i] takes a database from version i + 1 to i + 2. */
export const MIGRATIONS: string[] = [V2, V3, V4, V5, V6];

/** The schema version this code writes. */
export const SCHEMA_VERSION = 1 + MIGRATIONS.length;

/** A fresh database: every step from nothing. */
export const FRESH = [V1, ...MIGRATIONS];
