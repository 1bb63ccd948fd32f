// Rows of the stores (SQLite, and PostgreSQL, whose columns match) and their mapping to the store interface's types.
import type { DeviceRow, Site, StoredAlert, StoredRecord } from './store.js';
import type { SeqPair } from '../firmware/records/seq-ranges.js';
import type { Verdict } from '../firmware/records/kinds.js';
import type { PackageEvent, PackageStep } from './packages.js';
import type { Alert, Geo, RuleName, Severity } from './rules.js';

export interface DeviceDb {
  id: string;
  alg: 'ed25519' | 'hmac-sha256';
  key: Buffer;
  site: string | null;
  registered_at: number;
  acked_through: number;
  acked_hash: string | null;
  acked_boot: number;
  last_seen_at: number | null;
}

export interface RecordDb {
  device: string;
  seq: number;
  hash: string;
  prev: string;
  boot: number;
  kind: string;
  time: number;
  lost: string | null;
  fault_reason: string | null;
  bytes: Buffer;
  received_at: number;
  upstream_verdict: string | null;
  /** JSON array of reason codes, beside upstream_verdict. */
  upstream_reasons: string | null;
}

export const u8 = (b: Buffer) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength);

export function device(r: DeviceDb): DeviceRow {
  const out: DeviceRow = {
    id: r.id, alg: r.alg, key: u8(r.key), registeredAt: r.registered_at, ackedThrough: r.acked_through,
    ackedHash: r.acked_hash, ackedBoot: r.acked_boot, lastSeenAt: r.last_seen_at,
  };
  if (r.site) out.site = JSON.parse(r.site) as Site;
  return out;
}

export function record(r: RecordDb): StoredRecord {
  const out: StoredRecord = {
    device: r.device, seq: r.seq, hash: r.hash, prev: r.prev, boot: r.boot, kind: r.kind, time: r.time,
    lost: r.lost ? (JSON.parse(r.lost) as SeqPair[]) : [], faultReason: r.fault_reason ?? '',
    bytes: u8(r.bytes), receivedAt: r.received_at,
  };
  if (r.upstream_verdict !== null) out.upstream = { verdict: r.upstream_verdict as Verdict, reasons: r.upstream_reasons ? (JSON.parse(r.upstream_reasons) as string[]) : [] };
  return out;
}

export function recordParams(r: StoredRecord) {
  return {
    device: r.device, seq: r.seq, hash: r.hash, prev: r.prev, boot: r.boot, kind: r.kind, time: r.time,
    lost: r.lost.length ? JSON.stringify(r.lost) : null, fault_reason: r.faultReason || null, bytes: r.bytes, received_at: r.receivedAt,
    upstream_verdict: r.upstream ? r.upstream.verdict : null, upstream_reasons: r.upstream ? JSON.stringify(r.upstream.reasons) : null,
  };
}

export const COLS = 'device, seq, hash, prev, boot, kind, time, lost, fault_reason, bytes, received_at, upstream_verdict, upstream_reasons';
export const VALS = '@device, @seq, @hash, @prev, @boot, @kind, @time, @lost, @fault_reason, @bytes, @received_at, @upstream_verdict, @upstream_reasons';

// Package events and alerts (schema v4), read back the same way from both stores. BIGINT columns arrive as strings
// from pg and as numbers from SQLite; the values are safe integers (seqs, milliseconds).
export interface PackageEventDb {
  device: string; seq: string | number; package: string; uid: string; seal_hash: string | null; kind: string; step: string; site: string; time: string | number; verdict: string | null;
}
export interface AlertDb {
  id: string; rule: string; severity: string; package: string; message: string; evidence: string; raised_at: string | number; acked_at: string | number | null; acked_by: string | null;
}
export const packageEvent = (r: PackageEventDb): PackageEvent => ({
  device: r.device, seq: Number(r.seq), package: r.package, uid: r.uid, sealHash: r.seal_hash, kind: r.kind as PackageEvent['kind'],
  step: r.step as PackageStep, site: r.site, time: Number(r.time), verdict: r.verdict as Verdict | null,
});
export const storedAlert = (r: AlertDb): StoredAlert => ({
  id: r.id, rule: r.rule as RuleName, severity: r.severity as Severity, package: r.package, message: r.message,
  evidence: JSON.parse(r.evidence) as Alert['evidence'], raisedAt: Number(r.raised_at), ackedAt: r.acked_at === null ? null : Number(r.acked_at), ackedBy: r.acked_by,
});

/** Coordinates of the registered sites (each device's `site` JSON), by site id and by GLN. */
export function siteCoordinatesOf(sites: string[]): Map<string, Geo> {
  const out = new Map<string, Geo>();
  for (const text of sites) {
    const site = JSON.parse(text) as { id: string; gln?: string; geo?: Geo };
    if (!site.geo) continue;
    out.set(site.id, site.geo);
    if (site.gln) out.set(site.gln, site.geo);
  }
  return out;
}

/** Which alerts IngestStore.alerts lists. */
export type AlertFilter = { state: 'open' | 'acked' | 'all'; package?: string; limit: number };

/**
 * The alerts listing for both stores, newest first: the statement with its parameters written by `param` (the
 * n-th, from 1: `?` in SQLite, `$n` in PostgreSQL) and their values.
 */
export function alertsQuery(f: AlertFilter, param: (n: number) => string): { sql: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (f.state === 'open') where.push('acked_at IS NULL');
  if (f.state === 'acked') where.push('acked_at IS NOT NULL');
  if (f.package !== undefined) {
    args.push(f.package);
    where.push(`package = ${param(args.length)}`);
  }
  args.push(f.limit);
  return { sql: `SELECT * FROM alerts ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY raised_at DESC, id LIMIT ${param(args.length)}`, args };
}
