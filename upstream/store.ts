// What the ingest service keeps, behind one interface so that a fleet can move from the embedded SQLite store
// (sqlite-store.ts) to a server database. Methods are asynchronous for that reason even though SQLite is not.
// Hashes are lower-case hex; record bytes are the COSE bytes exactly as received.
import type { SeqPair, SeqRange } from '../firmware/records/seq-ranges.js';
import type { UpstreamVerdict } from './rejudge.js';
import type { PackageEvent } from './packages.js';
import type { Alert, Geo } from './rules.js';

/** An alert as stored: what the rules found, when it was first raised, and its acknowledgement. */
export interface StoredAlert extends Alert {
  raisedAt: number;
  ackedAt: number | null;
  ackedBy: string | null;
}

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
  lost: SeqPair[];
  faultReason: string;
}

/** A verified record with its bytes, as stored. */
export interface StoredRecord extends ChainEntry {
  device: string;
  time: number;
  bytes: Uint8Array;
  receivedAt: number;
  /**
   * The ingest's own verdict on a scan whose device could not check its seal or originality signature
   * (upstream/rejudge.ts); absent for every other record, and for scans stored before the ingest re-judged.
   */
  upstream?: UpstreamVerdict;
}

export interface DeclaredRange extends SeqRange {
  faultSeq: number;
  reason: string;
}

/** Something the ingest refused. Counted per reason; a bounded sample keeps the first bytes for forensics. */
export interface RejectRow {
  /** The registered device the record names (kid); null when it names none (malformed, unknown device). */
  device: string | null;
  seq: number | null;
  reason: string;
  message: string;
  hash: string;
  bytes: Uint8Array;
  receivedAt: number;
}

/** Refusals to count and sample, grouped by pool: a registered device's id, or '' for records naming none. */
export interface RefusalBatch {
  counts: Array<{ pool: string; reason: string; n: number; lastAt: number }>;
  /** At most a few per pool and flush; bytes already cut to the sample size (see `size` for the original). */
  samples: Array<RejectRow & { pool: string; size: number }>;
}

/** One kept refusal, as GET /v1/refusals lists it. */
export interface RefusalSample {
  pool: string;
  device: string | null;
  seq: number | null;
  reason: string;
  message: string;
  hash: string;
  /** Bytes of the refused record as received; `bytes` holds at most the sample size of them. */
  size: number;
  bytes: Uint8Array;
  receivedAt: number;
}

/** Where an export page starts: after (device, seq); the first page has device '' and seq -1. */
export interface ExportCursor {
  device: string;
  seq: number;
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
  /** Fork records kept for the device so far (the store keeps at most the ingest's fork cap). */
  forkCount: number;
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
  seenAt: number;
  /** Package events of the accepted scan and commission records (packages.ts), stored in the same transaction. */
  packages?: PackageEvent[];
}

export type RegisterOutcome = 'created' | 'same' | 'updated' | 'conflict';

/** Reads one device's chain state for the chain rules (see IngestStore.chainTransaction). */
export type SnapshotReader = (device: string, seqs: number[]) => Promise<ChainSnapshot | undefined>;

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
  /** Scans the ingest re-judged: how many got each upstream verdict, and the newest it found bad. */
  upstream: {
    verdicts: { [verdict: string]: number };
    /** Upstream verdict invalid-seal, clone-suspect or tampered; newest first, at most FLAGGED_LISTED. */
    flagged: StoredRecord[];
  };
}

/** Upstream verdicts that put a scan on its device's status, and how many of those the status lists. */
export const FLAGGED_VERDICTS = ['invalid-seal', 'clone-suspect', 'tampered'] as const;
export const FLAGGED_LISTED = 100;

export interface IngestStore {
  /** 'created' new; 'same' identical key (site updated when given); 'conflict' another key for the id. */
  register(reg: DeviceRegistration, at: number): Promise<RegisterOutcome>;
  device(id: string): Promise<DeviceRow | undefined>;
  /** The registered devices among `ids`, in one lookup. */
  devicesByIds(ids: string[]): Promise<Map<string, DeviceRow>>;
  /** Registered devices with ids after `after` (default: from the first), in id order, at most `limit`. */
  devices(after?: string, limit?: number): Promise<DeviceRow[]>;
  snapshot(device: string, seqs: number[]): Promise<ChainSnapshot | undefined>;
  /**
   * Applies several devices' commits in one transaction (one flush for a request naming many devices); each is
   * conditional on its own expectAckedThrough, and the result says per commit whether it was applied.
   */
  commitAll(c: ChainCommit[]): Promise<boolean[]>;
  /**
   * Judges and commits the uploads of `devices` (distinct ids): `judge` reads their snapshots through `read` and
   * returns their commits. A store shared by several ingest processes (PostgreSQL) runs it in one transaction that
   * locks the devices' rows (in id order) before the first read and holds them to COMMIT, so no other writer moves
   * these chains meanwhile and every commit applies. A store with one writer process (SQLite) may read outside a
   * transaction and apply the commits as commitAll does. Either way the result says per commit whether it was
   * applied, and it resolves only after the commit is durable; `judge` may be called again when it was not.
   */
  chainTransaction(devices: string[], judge: (read: SnapshotReader) => Promise<ChainCommit[]>): Promise<boolean[]>;
  /** Adds refusal counts and samples (each pool's sample is a ring of bounded size). */
  refuse(batch: RefusalBatch): Promise<void>;
  /** Refusal counts of a pool (a device id, or '' for refusals naming no registered device). */
  refusalCounts(pool: string): Promise<{ [reason: string]: number }>;
  /** The kept sample of a pool, newest first, at most `limit`. */
  refusalSample(pool: string, limit: number): Promise<RefusalSample[]>;
  counts(device: string): Promise<DeviceCounts>;
  /** Stored records of `device` with seq >= from, ascending, at most `limit`. */
  records(device: string, from: number, limit: number): Promise<StoredRecord[]>;
  /**
   * Stored records after `after` in (device, seq) order, of one device when `device` is given, at most `limit`.
   * Each call is one short read, so an export of millions of records is a series of pages that never holds the
   * store for long.
   */
  exportPage(after: ExportCursor, limit: number, device?: string): Promise<StoredRecord[]>;
  /** Package events of `package`, or of every package a tag with `uid` (hex) was seen as. */
  packageEvents(by: { package: string } | { uid: string }): Promise<PackageEvent[]>;
  /** Package events of each of `packages` (an empty list for one without any), in one lookup. */
  eventsOfPackages(packages: string[]): Promise<Map<string, PackageEvent[]>>;
  /** Coordinates of the registered sites, by site id and by GLN. */
  siteCoordinates(): Promise<ReadonlyMap<string, Geo>>;
  /**
   * Makes `alerts` the alerts of `packages` (null: of the whole store): new ones are raised at `at`, ones found
   * before keep their time and acknowledgement, ones no longer found are removed. One transaction.
   */
  setAlerts(packages: string[] | null, alerts: Alert[], at: number): Promise<void>;
  /**
   * Runs `evaluate` over the events of `packages` as stored when it holds them, and stores what it finds as
   * setAlerts does, in one transaction. A store shared by several processes holds the packages (locks, in one
   * order) before it reads their events and to COMMIT, so an evaluation never replaces alerts with ones found in
   * events older than what another evaluation already saw. Returns the alerts found.
   */
  evaluateAlerts(packages: string[], evaluate: (events: Map<string, PackageEvent[]>) => Alert[], at: number): Promise<Alert[]>;
  /** Alerts, newest first: open (not acknowledged), acked or all; of one package when given. */
  alerts(filter: { state: 'open' | 'acked' | 'all'; package?: string; limit: number }): Promise<StoredAlert[]>;
  /** Acknowledges an alert; false when there is none with that id. */
  ackAlert(id: string, by: string, at: number): Promise<StoredAlert | undefined>;
  /** Replaces the whole package index (a rescan), in one transaction; returns the distinct packages. */
  rebuildPackages(events: PackageEvent[]): Promise<string[]>;
  /** Cheap liveness check of the storage. */
  health(): Promise<{ ok: boolean; records: number; devices: number }>;
  close(): Promise<void>;
}
