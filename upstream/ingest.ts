// POST /v1/records without the HTTP: COSE records in, a per-device cumulative ack out. Every record is checked
// with the same code as the offline verifier (firmware/records) before the chain rules (chain.ts) see it; what
// fails is kept in the store for forensics, never as accepted.
import { parseCose, type CoseMessage, type VerifyKey } from '../firmware/records/cose.js';
import { decodePayload, isDeviceId } from '../firmware/records/record.js';
import { RecordError } from '../firmware/records/errors.js';
import { toHex } from '../firmware/records/bytes.js';
import type { RecordPayload } from '../firmware/records/kinds.js';
import type { Sha256 } from '../hal/crypto.js';
import { expectedPredecessor, resolve, type Outcome, type RejectReason, type SeqRange, type Verified } from './chain.js';
import { localChecker, type SignatureChecker } from './signature-check.js';
import type { DeclaredRange, DeviceRow, IngestStore, RejectRow, StoredRecord } from './store.js';

/** A refused record, as the answer lists it. All current reasons are permanent: resending the bytes cannot help. */
export interface RecordRejectAnswer {
  seq: number | null;
  reason: RejectReason;
  permanent: boolean;
  message: string;
}

export interface DeviceAnswer {
  /** Every seq up to here is stored or declared lost: the device may free them. -1: nothing yet. */
  ackedThrough: number;
  /** SHA-256 (hex) of the newest stored record at or below ackedThrough. */
  ackedHash: string | null;
  /** Records of this request (or held earlier) that this request made count. */
  accepted: number;
  /** Records of this request already stored with the same bytes. */
  duplicates: number;
  rejected: RecordRejectAnswer[];
  gaps: { declared: DeclaredRange[]; undeclared: SeqRange[] };
}

/** A record whose device cannot be named (not a COSE record of our profile): its index in the request. */
export interface MalformedAnswer {
  index: number;
  reason: 'malformed';
  permanent: true;
  message: string;
}

export interface IngestAnswer {
  devices: { [id: string]: DeviceAnswer };
  malformed: MalformedAnswer[];
}

export interface IngestOptions {
  store: IngestStore;
  sha256: Sha256;
  /** Signature and MAC checks; default in this thread (see signature-check.ts for the pool). */
  checker?: SignatureChecker;
  /** Wall time for received_at, ms since the Unix epoch. */
  now?: () => number;
}

interface Parsed {
  index: number;
  bytes: Uint8Array;
  msg: CoseMessage;
  hash: string;
  payload: RecordPayload | RecordError;
}

function verifyKey(d: DeviceRow): VerifyKey {
  return d.alg === 'ed25519' ? { alg: -8, publicKey: d.key } : { alg: 5, hmacKey: d.key };
}

function refused(seq: number | null, reason: RejectReason, message: string): RecordRejectAnswer {
  return { seq, reason, permanent: true, message };
}

/**
 * The ingest. Guarantees: exactly-once in effect (records keyed by device and seq, identified by their SHA-256;
 * the same bytes again are a duplicate, other bytes for a stored seq are a fork); an ack covers only the contiguous
 * prefix of stored or declared-lost seqs and is sent only after the store committed it; requests for one device
 * are judged one after another (in this process; the store's commit check guards other writers).
 */
export class Ingest {
  private readonly store: IngestStore;
  private readonly sha256: Sha256;
  private readonly checker: SignatureChecker;
  private readonly now: () => number;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(o: IngestOptions) {
    this.store = o.store;
    this.sha256 = o.sha256;
    this.checker = o.checker ?? localChecker(o.sha256);
    this.now = o.now ?? Date.now;
  }

  async ingest(records: Uint8Array[]): Promise<IngestAnswer> {
    const at = this.now();
    const answer: IngestAnswer = { devices: {}, malformed: [] };
    const groups = new Map<string, Parsed[]>();
    const orphans: RejectRow[] = [];
    records.forEach((bytes, index) => {
      const hash = toHex(this.sha256.sha256(bytes));
      let msg: CoseMessage;
      try {
        msg = parseCose(bytes);
        const kid: string = msg.kid;
        if (!isDeviceId(kid)) throw new RecordError('BAD_KID', 'kid ' + JSON.stringify(String(kid).slice(0, 80)) + ' is not a device id');
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        answer.malformed.push({ index, reason: 'malformed', permanent: true, message });
        orphans.push({ device: null, seq: null, reason: 'malformed', message, hash, bytes, receivedAt: at });
        return;
      }
      let payload: RecordPayload | RecordError;
      try {
        payload = decodePayload(msg.payload);
      } catch (e) {
        if (!(e instanceof RecordError)) throw e;
        payload = e;
      }
      const list = groups.get(msg.kid) ?? [];
      list.push({ index, bytes, msg, hash, payload });
      groups.set(msg.kid, list);
    });
    for (const [id, list] of groups) answer.devices[id] = await this.serial(id, () => this.device(id, list, at, orphans));
    await this.store.reject(orphans);
    return answer;
  }

  /** Runs `fn` after every earlier request for `id` has finished. */
  private serial<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const before = this.locks.get(id) ?? Promise.resolve();
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  private async device(id: string, list: Parsed[], at: number, orphans: RejectRow[]): Promise<DeviceAnswer> {
    for (let attempt = 0; ; attempt++) {
      const seqs: number[] = [];
      for (const p of list) {
        if (p.payload instanceof RecordError) continue;
        seqs.push(p.payload.seq);
        const lost = p.payload.kind === 'fault' ? p.payload.lost : [];
        seqs.push(expectedPredecessor(p.payload.seq, lost));
      }
      const snap = await this.store.snapshot(id, seqs);
      if (!snap) {
        const msg = `device ${id} is not registered`;
        for (const p of list) orphans.push({ device: id, seq: null, reason: 'unknown-device', message: msg, hash: p.hash, bytes: p.bytes, receivedAt: at });
        return { ackedThrough: -1, ackedHash: null, accepted: 0, duplicates: 0, rejected: list.map((p) => refused(p.payload instanceof RecordError ? null : p.payload.seq, 'unknown-device', msg)), gaps: { declared: [], undeclared: [] } };
      }
      const rejected: Array<RecordRejectAnswer & { index: number }> = [];
      const rejects: RejectRow[] = [];
      const verified: Verified[] = [];
      const toCheck: Parsed[] = [];
      const heldHashes = new Set(snap.held.map((h) => h.hash));
      for (const p of list) {
        const seq = p.payload instanceof RecordError ? null : p.payload.seq;
        // Bytes identical to a stored or held record were verified when they first came: no signature check again.
        const known = seq !== null && (snap.stored[seq]?.hash === p.hash || heldHashes.has(p.hash) || snap.forks[seq]?.includes(p.hash));
        if (known) verified.push({ index: p.index, record: this.stored(id, p, at) });
        else toCheck.push(p);
      }
      const key = verifyKey(snap.device);
      const checks = await this.checker.check(toCheck.map((p) => ({ msg: p.msg, key })));
      toCheck.forEach((p, i) => {
        const seq = p.payload instanceof RecordError ? null : p.payload.seq;
        const fail = (reason: RejectReason, message: string) => {
          rejected.push({ index: p.index, ...refused(seq, reason, message) });
          rejects.push({ device: id, seq, reason, message, hash: p.hash, bytes: p.bytes, receivedAt: at });
        };
        const c = checks[i];
        if (c === 'alg-mismatch') fail('alg-mismatch', `device ${id} is registered for ${snap.device.alg}; the record uses COSE alg ${p.msg.alg}`);
        else if (c === 'bad') fail('bad-signature', `${p.msg.alg === -8 ? 'signature' : 'MAC'} does not verify with the key registered for ${id}`);
        else if (p.payload instanceof RecordError) fail('invalid-payload', p.payload.message);
        else if (p.payload.device !== id) fail('wrong-device', `payload names device ${JSON.stringify(p.payload.device)}, the kid is ${JSON.stringify(id)}`);
        else verified.push({ index: p.index, record: this.stored(id, p, at) });
      });
      verified.sort((a, b) => a.record.seq - b.record.seq || a.index - b.index);
      const res = resolve(snap, verified, at);
      res.commit.rejects.push(...rejects);
      if (!(await this.store.commit(res.commit))) {
        if (attempt < 3) continue;
        throw new Error(`device ${id}: the chain kept moving under this request (another writer?)`);
      }
      return this.answer(res.commit.ackedThrough, res.commit.ackedHash, res.commit.accepted.length, res.outcomes, rejected, res.declared, res.undeclared);
    }
  }

  private stored(device: string, p: Parsed, at: number): StoredRecord {
    const pl = p.payload as RecordPayload;
    return {
      device, seq: pl.seq, hash: p.hash, prev: toHex(pl.prev), boot: pl.boot, kind: pl.kind, time: pl.time,
      lost: pl.kind === 'fault' ? pl.lost : [], faultReason: pl.kind === 'fault' ? pl.reason : '', bytes: p.bytes, receivedAt: at,
    };
  }

  private answer(ackedThrough: number, ackedHash: string | null, accepted: number, outcomes: Outcome[], rejected: Array<RecordRejectAnswer & { index: number }>, declared: DeclaredRange[], undeclared: SeqRange[]): DeviceAnswer {
    let duplicates = 0;
    const all = rejected.slice();
    for (const o of outcomes) {
      if (o.result === 'accepted') continue;
      if (o.result === 'duplicate') duplicates++;
      else all.push({ index: o.index, ...refused(o.seq, o.reason!, o.message ?? '') });
    }
    all.sort((a, b) => a.index - b.index);
    return { ackedThrough, ackedHash, accepted, duplicates, rejected: all.map(({ index: _i, ...r }) => r), gaps: { declared, undeclared } };
  }
}
