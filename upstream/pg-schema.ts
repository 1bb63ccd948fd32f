// Tables of the PostgreSQL store: the SQLite store's schema (sqlite-schema.ts) in PostgreSQL's dialect, version for
// version, so that one number names one schema on both stores and a change is made to both at once. The version
// lives in the one-row table sealscan_schema. Device ids compare byte-wise (COLLATE "C") as in SQLite, so listings
// and export pages come out in the same order from both stores. Times are ms since the Unix epoch (BIGINT).

const RECORD_COLUMNS = `
  device TEXT COLLATE "C" NOT NULL, seq BIGINT NOT NULL, hash TEXT NOT NULL, prev TEXT NOT NULL, boot BIGINT NOT NULL,
  kind TEXT NOT NULL, time BIGINT NOT NULL, lost TEXT, fault_reason TEXT, bytes BYTEA NOT NULL, received_at BIGINT NOT NULL`;

/** Version 1: devices and their chains (sqlite-schema.ts V1). */
const V1 = `
CREATE TABLE devices (
  id TEXT COLLATE "C" PRIMARY KEY,
  alg TEXT NOT NULL CHECK (alg IN ('ed25519', 'hmac-sha256')),
  key BYTEA NOT NULL,
  site TEXT,
  registered_at BIGINT NOT NULL,
  acked_through BIGINT NOT NULL DEFAULT -1,
  acked_hash TEXT,
  acked_boot BIGINT NOT NULL DEFAULT 0,
  last_seen_at BIGINT
);
CREATE TABLE records (${RECORD_COLUMNS},
  PRIMARY KEY (device, seq)
);
CREATE INDEX records_checkpoints ON records (device, seq) WHERE kind = 'checkpoint';
CREATE TABLE held (${RECORD_COLUMNS},
  PRIMARY KEY (device, seq)
);
CREATE TABLE forks (${RECORD_COLUMNS},
  PRIMARY KEY (device, seq, hash)
);
CREATE TABLE declared (
  device TEXT COLLATE "C" NOT NULL, first BIGINT NOT NULL, last BIGINT NOT NULL, fault_seq BIGINT NOT NULL, reason TEXT NOT NULL,
  PRIMARY KEY (device, first, fault_seq)
);
CREATE TABLE rejects (
  id BIGSERIAL PRIMARY KEY,
  device TEXT COLLATE "C",
  seq BIGINT,
  reason TEXT NOT NULL,
  message TEXT NOT NULL,
  hash TEXT NOT NULL,
  bytes BYTEA NOT NULL,
  received_at BIGINT NOT NULL,
  UNIQUE (hash, reason)
);
CREATE INDEX rejects_device ON rejects (device);
`;

/** Version 2: refusals counted per pool with a bounded sample ring (sqlite-schema.ts V2). */
const V2 = `
CREATE TABLE reject_counts (
  pool TEXT COLLATE "C" NOT NULL, reason TEXT NOT NULL, n BIGINT NOT NULL, last_at BIGINT NOT NULL,
  PRIMARY KEY (pool, reason)
);
CREATE TABLE reject_sample (
  pool TEXT COLLATE "C" NOT NULL, slot INTEGER NOT NULL,
  device TEXT COLLATE "C", seq BIGINT, reason TEXT NOT NULL, message TEXT NOT NULL, hash TEXT NOT NULL,
  size BIGINT NOT NULL, bytes BYTEA NOT NULL, received_at BIGINT NOT NULL,
  PRIMARY KEY (pool, slot)
);
CREATE INDEX reject_sample_hash ON reject_sample (pool, hash, reason);
CREATE TABLE reject_rings (pool TEXT COLLATE "C" PRIMARY KEY, next INTEGER NOT NULL);
INSERT INTO reject_counts (pool, reason, n, last_at)
  SELECT coalesce(d.id, ''), r.reason, COUNT(*), MAX(r.received_at) FROM rejects r
  LEFT JOIN devices d ON d.id = r.device
  GROUP BY coalesce(d.id, ''), r.reason;
DROP TABLE rejects;
`;

/** Version 3: the ingest's own verdict on scans it re-judged (sqlite-schema.ts V3). */
const V3 = `
ALTER TABLE records ADD COLUMN upstream_verdict TEXT, ADD COLUMN upstream_reasons TEXT;
ALTER TABLE held ADD COLUMN upstream_verdict TEXT, ADD COLUMN upstream_reasons TEXT;
ALTER TABLE forks ADD COLUMN upstream_verdict TEXT, ADD COLUMN upstream_reasons TEXT;
CREATE INDEX records_upstream ON records (device, upstream_verdict, seq) WHERE upstream_verdict IS NOT NULL;
`;

/** Version 4: packages and alerts (sqlite-schema.ts V4, docs/closed-loop.md). */
const V4 = `
CREATE TABLE package_events (
  device TEXT NOT NULL, seq BIGINT NOT NULL,
  package TEXT NOT NULL, uid TEXT NOT NULL, seal_hash TEXT,
  kind TEXT NOT NULL, step TEXT NOT NULL, site TEXT NOT NULL, time BIGINT NOT NULL, verdict TEXT,
  PRIMARY KEY (device, seq)
);
CREATE INDEX package_events_package ON package_events (package);
CREATE INDEX package_events_uid ON package_events (uid);
CREATE TABLE alerts (
  id TEXT PRIMARY KEY,
  rule TEXT NOT NULL, severity TEXT NOT NULL, package TEXT NOT NULL, message TEXT NOT NULL, evidence TEXT NOT NULL,
  raised_at BIGINT NOT NULL, acked_at BIGINT, acked_by TEXT
);
CREATE INDEX alerts_package ON alerts (package);
`;

/**
 * Version 5 (sqlite-schema.ts V5): each device's count of accepted records, kept by the commit statement on the row
 * it already holds locked, so /v1/health sums the devices instead of counting every record (COUNT(*) reads the
 * whole table: minutes at a billion rows); the migration counts the records stored before it, once. And
 * `site_epoch`, moved on by triggers whenever a device's site is added, changed or removed (by any process, or by
 * hand), so that a process reads every device's site again only when one changed, not on every upload.
 */
const V5 = `
ALTER TABLE devices ADD COLUMN records_stored BIGINT NOT NULL DEFAULT 0;
UPDATE devices d SET records_stored = (SELECT COUNT(*) FROM records r WHERE r.device = d.id);
CREATE TABLE site_epoch (n BIGINT NOT NULL);
INSERT INTO site_epoch (n) VALUES (0);
CREATE FUNCTION sealscan_site_changed() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE site_epoch SET n = n + 1; RETURN NULL; END $$;
CREATE TRIGGER devices_site_added AFTER INSERT ON devices FOR EACH ROW WHEN (NEW.site IS NOT NULL) EXECUTE FUNCTION sealscan_site_changed();
CREATE TRIGGER devices_site_changed AFTER UPDATE OF site ON devices FOR EACH ROW WHEN (OLD.site IS DISTINCT FROM NEW.site) EXECUTE FUNCTION sealscan_site_changed();
CREATE TRIGGER devices_site_removed AFTER DELETE ON devices FOR EACH ROW WHEN (OLD.site IS NOT NULL) EXECUTE FUNCTION sealscan_site_changed();
`;

/**
 * Version 6: `records` partitioned by month of `received_at` (the ingest's clock, which only moves on; a device's
 * clock may be anywhere), so that a month is a table of its own: old months are never written again and can be
 * detached, archived or dropped whole, and reads by device and seq prune nothing but stay one index probe per month.
 * A partitioned table's keys must include the partition column, so the primary key is (device, seq, received_at):
 * one record per (device, seq) is kept by the chain commit itself (it inserts only seqs past the frontier it moves,
 * on the device row it holds locked), as before; the key stays what stops a bug from writing one row twice at once.
 * `sealscan_records_month(ms)` makes the month holding `ms` (the ingest calls it for this month and the next on
 * start and daily); a row whose month has no table yet lands in records_default. The migration makes the months the
 * stored records cover, then moves them in: one pass over the table (minutes at a billion rows; back up first).
 * SQLite has no partitions: its version 6 changes nothing but the number.
 */
const V6 = `
ALTER TABLE records RENAME TO records_v5;
ALTER TABLE records_v5 RENAME CONSTRAINT records_pkey TO records_v5_pkey;
ALTER INDEX records_checkpoints RENAME TO records_v5_checkpoints;
ALTER INDEX records_upstream RENAME TO records_v5_upstream;
CREATE TABLE records (${RECORD_COLUMNS}, upstream_verdict TEXT, upstream_reasons TEXT,
  PRIMARY KEY (device, seq, received_at)
) PARTITION BY RANGE (received_at);
CREATE TABLE records_default PARTITION OF records DEFAULT;
CREATE INDEX records_checkpoints ON records (device, seq) WHERE kind = 'checkpoint';
CREATE INDEX records_upstream ON records (device, upstream_verdict, seq) WHERE upstream_verdict IS NOT NULL;
CREATE FUNCTION sealscan_records_month(at BIGINT) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  m timestamp := date_trunc('month', to_timestamp(at / 1000.0) AT TIME ZONE 'UTC');
  name text := 'records_' || to_char(m, 'YYYYMM');
BEGIN
  IF to_regclass(name) IS NULL THEN
    EXECUTE format('CREATE TABLE %I PARTITION OF records FOR VALUES FROM (%s) TO (%s)', name,
      (extract(epoch FROM m AT TIME ZONE 'UTC') * 1000)::bigint, (extract(epoch FROM (m + interval '1 month') AT TIME ZONE 'UTC') * 1000)::bigint);
  END IF;
  RETURN name;
END $$;
DO $$
DECLARE t BIGINT; hi BIGINT;
BEGIN
  SELECT MIN(received_at), MAX(received_at) INTO t, hi FROM records_v5;
  WHILE t IS NOT NULL AND t <= hi LOOP
    PERFORM sealscan_records_month(t);
    t := t + 28::bigint * 86400000;
  END LOOP;
  IF hi IS NOT NULL THEN PERFORM sealscan_records_month(hi); END IF;
END $$;
INSERT INTO records (device, seq, hash, prev, boot, kind, time, lost, fault_reason, bytes, received_at, upstream_verdict, upstream_reasons)
  SELECT device, seq, hash, prev, boot, kind, time, lost, fault_reason, bytes, received_at, upstream_verdict, upstream_reasons FROM records_v5;
DROP TABLE records_v5;
`;

/** PG_STEPS[i] takes a database from version i to i + 1 (PG_STEPS[0] creates version 1 from nothing). */
export const PG_STEPS: string[] = [V1, V2, V3, V4, V5, V6];

/** The schema version this code writes; the same number as the SQLite store's (a test holds them together). */
export const PG_SCHEMA_VERSION = PG_STEPS.length;

/** The version table, created with the first step. */
export const PG_VERSION_TABLE = 'CREATE TABLE sealscan_schema (version INTEGER NOT NULL)';

/** Serialises schema work of ingest processes starting together on one database (an arbitrary constant). */
export const PG_SCHEMA_LOCK = 0x5ea15ca7;
