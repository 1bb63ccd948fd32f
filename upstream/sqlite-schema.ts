// Tables of the SQLite store. Hashes are lower-case hex SHA-256 of the complete COSE bytes; `bytes` is the record
// exactly as received. `records` holds only what the chain rules accepted; everything else lives apart.
export const SCHEMA = `
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
-- Everything refused (bad signature, unknown device, malformed, chain break, ...), once per bytes and reason.
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
