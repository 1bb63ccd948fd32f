// Rows of the SQLite store and their mapping to the store interface's types.
import type { DeviceRow, Site, StoredRecord } from './store.js';
import type { SeqPair } from '../firmware/records/seq-ranges.js';
import type { Verdict } from '../firmware/records/kinds.js';

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
