// The statements of an upload's chain transaction on PostgreSQL (pg-store.ts): lock the frontiers, read a snapshot,
// apply a commit. Round trips, not rows, are what an upload pays for here (each one a wait on the network and a
// wake-up of both processes), so each step is one statement whatever the batch size: rows travel as arrays
// (`unnest($1::bigint[], ...)`), never as one parameter per value, which also keeps each statement's text fixed so
// that it is parsed once per connection (a named prepared statement) instead of once per upload.
import type pg from 'pg';
import type { ChainCommit, ChainSnapshot, DeclaredRange, StoredRecord } from './store.js';
import { COLS, device, record, recordParams, type DeviceDb, type RecordDb } from './sqlite-rows.js';
import type { PackageEvent } from './packages.js';

type Q = pg.Pool | pg.PoolClient;

const RECORD_KEYS = COLS.split(', ') as Array<keyof ReturnType<typeof recordParams>>;
/** PostgreSQL types of the record columns, in COLS order (pg-schema.ts RECORD_COLUMNS and V3). */
const RECORD_TYPES = ['text', 'bigint', 'text', 'text', 'bigint', 'text', 'bigint', 'text', 'text', 'bytea', 'bigint', 'text', 'text'];
const BYTES = RECORD_KEYS.indexOf('bytes');

/**
 * Records as rows for an INSERT: `SELECT ... FROM unnest(...)` over one array per column, parameters from `$from`
 * on (RECORD_PARAMS of them, recordValues). The records' bytes travel as one binary parameter, cut apart by offset
 * and length: a bytea[] would go as hex text, twice the bytes to write, escape and parse.
 */
function recordRows(from: number): string {
  const n = RECORD_KEYS.length;
  const cols = RECORD_KEYS.map((k, i) => (i === BYTES ? `substring($${from + n + 1}::bytea FROM r.o FOR r.n)` : `r.${k}`));
  const arrays = RECORD_KEYS.map((_k, i) => (i === BYTES ? `$${from + i}::int[], $${from + n}::int[]` : `$${from + i}::${RECORD_TYPES[i]}[]`));
  const names = RECORD_KEYS.map((k, i) => (i === BYTES ? 'o, n' : k));
  return `SELECT ${cols.join(', ')} FROM unnest(${arrays.join(', ')}) AS r(${names.join(', ')})`;
}
const RECORD_PARAMS = RECORD_KEYS.length + 2;

/** recordRows' parameters: one array per column (the bytes' 1-based offsets in place of the bytes), the lengths, the bytes. */
function recordValues(records: StoredRecord[]): unknown[] {
  const columns: unknown[][] = RECORD_KEYS.map(() => []);
  const lengths: number[] = [];
  let at = 1;
  for (const r of records) {
    const p = recordParams(r);
    RECORD_KEYS.forEach((k, i) => columns[i].push(i === BYTES ? at : p[k]));
    lengths.push(r.bytes.length);
    at += r.bytes.length;
  }
  return [...columns, lengths, Buffer.concat(records.map((r) => r.bytes))];
}

const PACKAGE_COLS = 'device, seq, package, uid, seal_hash, kind, step, site, time, verdict';
const packageColumns = (events: PackageEvent[]): unknown[][] => [
  events.map((e) => e.device), events.map((e) => e.seq), events.map((e) => e.package), events.map((e) => e.uid), events.map((e) => e.sealHash),
  events.map((e) => e.kind), events.map((e) => e.step), events.map((e) => e.site), events.map((e) => e.time), events.map((e) => e.verdict),
];
const PACKAGE_ARRAYS = (from: number) => ['text', 'bigint', 'text', 'text', 'text', 'text', 'text', 'text', 'bigint', 'text'].map((t, i) => `$${from + i}::${t}[]`).join(', ');

/** Package events in one statement (duplicates of stored ones are skipped: the index is idempotent). */
export async function insertPackageEvents(c: Q, events: PackageEvent[]): Promise<void> {
  if (!events.length) return;
  await c.query({ name: 'sealscan-package-events', text: `INSERT INTO package_events (${PACKAGE_COLS}) SELECT * FROM unnest(${PACKAGE_ARRAYS(1)}) ON CONFLICT DO NOTHING`, values: packageColumns(events) });
}

/**
 * Locks the devices' rows, the chain frontiers, in id order (so two uploads naming the same devices cannot deadlock).
 * A statement of its own: under READ COMMITTED the reads that follow it take their snapshot after the lock was
 * granted and so see every chain change committed before; a read in the same statement would not.
 */
export async function lockDevices(c: pg.PoolClient, ids: string[]): Promise<void> {
  const distinct = [...new Set(ids)];
  if (distinct.length) await c.query({ name: 'sealscan-lock-devices', text: 'SELECT id FROM devices WHERE id = ANY($1) ORDER BY id FOR UPDATE', values: [distinct] });
}

/**
 * The device row with what the chain rules ask of its chain, in one statement; held records (rare) in a second.
 * Columns named, not d.*: a prepared statement whose result columns changed under it (a migration) would fail.
 */
const SNAPSHOT = `SELECT d.id, d.alg, d.key, d.site, d.registered_at, d.acked_through, d.acked_hash, d.acked_boot, d.last_seen_at,
  (SELECT COUNT(*) FROM forks WHERE device = $1) AS fork_count,
  EXISTS (SELECT 1 FROM held WHERE device = $1) AS has_held,
  (SELECT json_agg(json_build_array(seq, hash, boot)) FROM records WHERE device = $1 AND seq = ANY($2)) AS stored_at,
  (SELECT json_agg(json_build_array(seq, hash) ORDER BY seq, hash) FROM forks WHERE device = $1 AND seq = ANY($2)) AS forks_at,
  (SELECT json_agg(json_build_array(first, last, fault_seq, reason) ORDER BY first) FROM declared WHERE device = $1) AS declared_all
FROM devices d WHERE d.id = $1`;

type SnapshotDb = DeviceDb & {
  fork_count: number;
  has_held: boolean;
  stored_at: Array<[number, string, number]> | null;
  forks_at: Array<[number, string]> | null;
  declared_all: Array<[number, number, number, string]> | null;
};

export async function readSnapshot(c: Q, id: string, seqs: number[]): Promise<ChainSnapshot | undefined> {
  const wanted = [...new Set(seqs.filter((s) => s >= 0))];
  const d = (await c.query<SnapshotDb>({ name: 'sealscan-snapshot', text: SNAPSHOT, values: [id, wanted] })).rows[0];
  if (!d) return undefined;
  const stored: ChainSnapshot['stored'] = {};
  for (const [seq, hash, boot] of d.stored_at ?? []) stored[seq] = { hash, boot };
  const forks: ChainSnapshot['forks'] = {};
  for (const [seq, hash] of d.forks_at ?? []) (forks[seq] ??= []).push(hash);
  const declared: DeclaredRange[] = (d.declared_all ?? []).map(([first, last, faultSeq, reason]) => ({ first, last, faultSeq, reason }));
  const held = d.has_held ? (await c.query<RecordDb>({ name: 'sealscan-held', text: `SELECT ${COLS} FROM held WHERE device = $1 ORDER BY seq`, values: [id] })).rows.map(record) : [];
  return { device: device(d), stored, forks, held, declared, forkCount: d.fork_count };
}

/**
 * The frontier moved, the accepted records and their package events: one statement, each insert only if the
 * frontier was where the snapshot saw it (the UPDATE's row count says so; under the row lock it always is).
 */
const COMMIT = `WITH moved AS (
  UPDATE devices SET acked_through = $1, acked_hash = $2, acked_boot = $3, last_seen_at = $4, records_stored = records_stored + cardinality($${7 + RECORD_KEYS.indexOf('seq')}::bigint[]) WHERE id = $5 AND acked_through = $6 RETURNING id
), accepted AS (
  INSERT INTO records (${COLS}) ${recordRows(7)} WHERE EXISTS (SELECT 1 FROM moved)
), events AS (
  INSERT INTO package_events (${PACKAGE_COLS}) SELECT * FROM unnest(${PACKAGE_ARRAYS(7 + RECORD_PARAMS)}) WHERE EXISTS (SELECT 1 FROM moved) ON CONFLICT DO NOTHING
)
SELECT COUNT(*) AS n FROM moved`;

const setAll = RECORD_KEYS.filter((x) => x !== 'device' && x !== 'seq').map((x) => `${x} = excluded.${x}`).join(', ');

/** One device's commit inside a transaction that holds its row locked; false when its frontier moved meanwhile. */
export async function applyCommit(c: pg.PoolClient, k: ChainCommit): Promise<boolean> {
  const head = [k.ackedThrough, k.ackedHash, k.ackedBoot, k.seenAt, k.device, k.expectAckedThrough];
  const moved = await c.query<{ n: number }>({ name: 'sealscan-commit', text: COMMIT, values: [...head, ...recordValues(k.accepted), ...packageColumns(k.packages ?? [])] });
  if (moved.rows[0].n !== 1) return false;
  // Gaps, forks and fault declarations: rare, a statement each when there are any.
  if (k.release.length) await c.query({ name: 'sealscan-release', text: 'DELETE FROM held WHERE device = $1 AND seq = ANY($2)', values: [k.device, k.release] });
  if (k.hold.length) await c.query({ name: 'sealscan-hold', text: `INSERT INTO held (${COLS}) ${recordRows(1)} ON CONFLICT (device, seq) DO UPDATE SET ${setAll}`, values: recordValues(k.hold) });
  if (k.forks.length) await c.query({ name: 'sealscan-forks', text: `INSERT INTO forks (${COLS}) ${recordRows(1)} ON CONFLICT DO NOTHING`, values: recordValues(k.forks) });
  if (k.declared.length) {
    const d = k.declared;
    await c.query({
      name: 'sealscan-declared',
      text: 'INSERT INTO declared (device, first, last, fault_seq, reason) SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[]) ON CONFLICT DO NOTHING',
      values: [k.device, d.map((x) => x.first), d.map((x) => x.last), d.map((x) => x.faultSeq), d.map((x) => x.reason)],
    });
  }
  return true;
}
