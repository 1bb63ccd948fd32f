// What the ingest service keeps, behind one interface so that a fleet can move from the embedded SQLite store
// (sqlite-store.ts) to a server database. Methods are asynchronous for that reason even though SQLite is not.
// Hashes are lower-case hex; record bytes are the COSE bytes exactly as received.
import type { CoseAlg } from '../hal/keys.js';

/** A registered site: where a device inspects (EPCIS readPoint / bizLocation). */
export interface Site {
  id: string;
  name?: string;
  /** 13-digit GS1 Global Location Number. */
  gln?: string;
  geo?: { latitude: number; longitude: number };
}

export interface DeviceRegistration {
  id: string;
  alg: 'ed25519' | 'hmac-sha256';
  /** Ed25519 public key or HMAC key (a shared secret: never shown by the API). */
  key: Uint8Array;
  site?: Site;
}

export interface DeviceRow extends DeviceRegistration {
  registeredAt: number;
  /** Every seq up to here is stored or declared lost by a stored fault record; -1 before the first. */
  ackedThrough: number;
  /** Hash of the newest stored record at or below ackedThrough (null when none). */
  ackedHash: string | null;
  /** Boot count of that record, for the "boot never goes back" rule. */
  ackedBoot: number;
  lastSeenAt: number | null;
}

/** A verified record as the chain logic needs it. */
export interface ChainEntry {
  seq: number;
  hash: string;
  prev: string;
  boot: number;
  kind: string;
  /** Fault records: seqs they declare lost. */
  lost: Array<[number, number]>;
  faultReason: string;
}

/** A verified record with its bytes, as stored. */
export interface StoredRecord extends ChainEntry {
  device: string;
  time: number;
  bytes: Uint8Array;
  receivedAt: number;
}

export interface DeclaredRange {
  first: number;
  last: number;
  faultSeq: number;
  reason: string;
}

/** Something the ingest refused, kept for forensics (never as accepted). */
export interface RejectRow {
  /** The device the record names (kid), if it names one at all. */
  device: string | null;
  seq: number | null;
  reason: string;
  message: string;
  hash: string;
  bytes: Uint8Array;
  receivedAt: number;
}

/** What the ingest needs to judge a batch of one device. */
export interface ChainSnapshot {
  device: DeviceRow;
  /** Stored records at the seqs asked for (duplicates, forks, predecessors). */
  stored: { [seq: number]: { hash: string; boot: number } };
  /** Known fork hashes at the seqs asked for. */
  forks: { [seq: number]: string[] };
  /** Verified records held behind an undeclared gap, ascending by seq. */
  held: StoredRecord[];
  declared: DeclaredRange[];
}

/** One atomic change to a device's chain. */
export interface ChainCommit {
  device: string;
  /** The snapshot's ackedThrough: the commit fails (returns false) if another writer moved it meanwhile. */
  expectAckedThrough: number;
  ackedThrough: number;
  ackedHash: string | null;
  ackedBoot: number;
  accepted: StoredRecord[];
  /** Newly held records (behind a gap) and held ones that left the hold (accepted or refused). */
  hold: StoredRecord[];
  release: number[];
  declared: DeclaredRange[];
  forks: StoredRecord[];
  rejects: RejectRow[];
  seenAt: number;
}

export type RegisterOutcome = 'created' | 'same' | 'updated' | 'conflict';

/** Per-device counters for the status endpoint. */
export interface DeviceCounts {
  records: number;
  held: number;
  rejects: number;
  lastSeq: number | null;
  lastHash: string | null;
  forks: Array<{ seq: number; hashes: string[] }>;
  declared: DeclaredRange[];
  /** Newest checkpoint record, stored or held. */
  checkpoint: { seq: number; held: boolean } | null;
  /** Seq of the lowest held record (the first undeclared gap ends below it). */
  heldSeqs: number[];
  rejectReasons: { [reason: string]: number };
}

export interface IngestStore {
  /** 'created' new; 'same' identical key (site updated when given); 'conflict' another key for the id. */
  register(reg: DeviceRegistration, at: number): Promise<RegisterOutcome>;
  device(id: string): Promise<DeviceRow | undefined>;
  devices(): Promise<DeviceRow[]>;
  snapshot(device: string, seqs: number[]): Promise<ChainSnapshot | undefined>;
  /** Applies `c` atomically; false when expectAckedThrough no longer holds (nothing changed). */
  commit(c: ChainCommit): Promise<boolean>;
  /** Refusals that name no registered device (malformed, unknown device). */
  reject(rows: RejectRow[]): Promise<void>;
  counts(device: string): Promise<DeviceCounts>;
  /** Stored records of `device` with seq >= from, ascending, at most `limit`. */
  records(device: string, from: number, limit: number): Promise<StoredRecord[]>;
  /** Every stored record (of one device, or all ordered by device then seq), `batch` at a time. */
  exportRecords(device: string | undefined, batch: number): AsyncIterable<StoredRecord[]>;
  /** Cheap liveness check of the storage. */
  health(): Promise<{ ok: boolean; records: number; devices: number }>;
  close(): Promise<void>;
}

/** COSE alg for a key algorithm name. */
export function coseAlgOf(alg: DeviceRegistration['alg']): CoseAlg {
  return alg === 'ed25519' ? -8 : 5;
}
