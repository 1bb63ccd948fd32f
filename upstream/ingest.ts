// POST /v1/records without the HTTP: COSE records in, a per-device cumulative ack out. The order of work follows
// what each step costs and who can make us do it: the envelope (a few bytes, bounded), then the kid's device
// (one lookup), then the signature or MAC, and only for authentic records the payload (with an item budget) and
// the chain rules (chain.ts). Refusals are counted with a bounded sample (refusals.ts), never kept without limit.
import { parseCose, type CoseMessage, type VerifyKey } from '../firmware/records/cose.js';
import { decodePayload } from '../firmware/records/record.js';
import { rejudgeScan, type UpstreamTrust } from './rejudge.js';
import { isDeviceId } from '../hal/keys.js';
import { RecordError } from '../firmware/records/errors.js';
import { toHex } from '../hal/hex.js';
import { SealscanError } from '../hal/errors.js';
import type { ItemBudget } from '../firmware/records/cbor.js';
import type { RecordPayload } from '../firmware/records/kinds.js';
import type { SeqRange } from '../firmware/records/seq-ranges.js';
import type { Sha256 } from '../hal/crypto.js';
import { expectedPredecessor } from '../firmware/records/links.js';
import { DEFAULT_CHAIN_LIMITS, resolve, type ChainLimits, type Outcome, type RejectReason, type Verified } from './chain.js';
import { DEFAULT_REFUSAL_LIMITS, RefusalLog, type RefusalLimits } from './refusals.js';
import { claimedSeq } from './records-body.js';
import { storedKeyProblem } from './key-check.js';
import { localChecker, type CheckResult, type SignatureChecker } from './signature-check.js';
import { evaluateDevices, evaluatePackages, packageEventsOf, type RuleSettings } from './closed-loop.js';
import { packageKey } from './packages.js';
import type { ChainCommit, DeclaredRange, DeviceRow, IngestStore, RejectRow, StoredRecord } from './store.js';

/** A refused record, as the answer lists it. */
export interface RecordRejectAnswer {
  /** The record's seq; for a record refused before its payload was trusted, the seq it claims (or null). */
  seq: number | null;
  reason: RejectReason;
  /** True when resending the same bytes cannot help until someone acts. */
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

/** The answer to one upload. Devices are a Map: ids such as `__proto__` are ids like any other. */
export interface IngestAnswer {
  devices: Map<string, DeviceAnswer>;
  malformed: MalformedAnswer[];
}

/** The answer as the JSON body it is sent as (plain objects built without prototypes in the way). */
export function answerJson(a: IngestAnswer): { devices: { [id: string]: DeviceAnswer }; malformed: MalformedAnswer[] } {
  return { devices: Object.fromEntries(a.devices), malformed: a.malformed };
}

/** An upload over the ingest's per-request limits (the server answers 413 with the code). */
export class IngestLimitError extends SealscanError {
  declare readonly code: 'too-many-devices';
  constructor(code: 'too-many-devices', message: string) {
    super(code, message);
    this.name = 'IngestLimitError';
  }
}

export interface IngestLimits extends ChainLimits {
  /** Devices named in one request. */
  maxDevices: number;
  /** CBOR data items all payloads of one request may hold together (a scan record has about 40). */
  payloadItems: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = { ...DEFAULT_CHAIN_LIMITS, maxDevices: 64, payloadItems: 262144 };

export interface IngestOptions {
  store: IngestStore;
  sha256: Sha256;
  /** Signature and MAC checks; default in this thread (see signature-check.ts for the pool). */
  checker?: SignatureChecker;
  /** Wall time for received_at, ms since the Unix epoch. */
  now?: () => number;
  limits?: Partial<IngestLimits>;
  refusals?: Partial<RefusalLimits>;
  /**
   * Why a registered key must not be trusted (small-order Ed25519 key, weak HMAC key), or undefined (default:
   * storedKeyProblem). Records of such a device are refused as `weak-key`; registration refuses such keys, this
   * catches ones stored earlier.
   */
  keyProblem?: (d: DeviceRow) => string | undefined;
  /**
   * Issuers and originality keys the ingest trusts for re-judging scans whose device could not check them
   * (rejudge.ts). Default: no issuer and NXP's originality keys only, so such scans keep seal verdict unknown.
   */
  trust?: UpstreamTrust;
  /**
   * The closed-loop rules (docs/closed-loop.md), run over the packages each upload touches after it is committed;
   * false: only the package index is kept, no rules run. Default: on, with the rules' defaults.
   */
  rules?: RuleSettings | false;
}

interface Parsed {
  index: number;
  bytes: Uint8Array;
  msg: CoseMessage;
  hash: string;
}

interface Authentic extends Parsed {
  payload: RecordPayload;
}

function verifyKey(d: DeviceRow): VerifyKey {
  return d.alg === 'ed25519' ? { alg: -8, publicKey: d.key } : { alg: 5, hmacKey: d.key };
}

/**
 * The packages of the scan and commission records a device sent again. A device resends what was never acked, also
 * when a process died between a commit and its rules: judging these packages again loses no alert to a crash.
 */
function resentPackages(g: Group, outcomes: Outcome[]): string[] {
  const dup = new Set<number>();
  for (const o of outcomes) if (o.result === 'duplicate') dup.add(o.index);
  const out: string[] = [];
  for (const a of g.authentic) {
    const p = a.payload;
    if (dup.has(a.index) && (p.kind === 'scan' || p.kind === 'commission')) out.push(packageKey(p.digitalLink, toHex(p.uid)));
  }
  return out;
}

/** Per device of one request: its records so far and what was refused before the chain rules. */
interface Group {
  id: string;
  device: DeviceRow | undefined;
  parsed: Parsed[];
  authentic: Authentic[];
  rejected: Array<RecordRejectAnswer & { index: number }>;
}

/**
 * The ingest. Guarantees: exactly-once in effect (records keyed by device and seq, identified by their SHA-256;
 * the same bytes again are a duplicate, other bytes for a stored seq are a fork); an ack covers only the contiguous
 * prefix of stored or declared-lost seqs and is sent only after the store committed it; requests naming a device
 * are judged one after another (in this process; across processes the store serialises them, see
 * IngestStore.chainTransaction); the work for a request is bounded by its bytes, its devices (`maxDevices`) and its
 * payload items (`payloadItems`).
 */
export class Ingest {
  readonly limits: IngestLimits;
  readonly refusals: RefusalLog;
  private readonly store: IngestStore;
  private readonly sha256: Sha256;
  private readonly checker: SignatureChecker;
  private readonly now: () => number;
  private readonly keyProblem: (d: DeviceRow) => string | undefined;
  private readonly trust: UpstreamTrust;
  private readonly rules: RuleSettings | false;
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(o: IngestOptions) {
    this.store = o.store;
    this.sha256 = o.sha256;
    this.checker = o.checker ?? localChecker(o.sha256);
    this.now = o.now ?? Date.now;
    this.limits = { ...DEFAULT_INGEST_LIMITS, ...o.limits };
    this.refusals = new RefusalLog(o.store, { ...DEFAULT_REFUSAL_LIMITS, ...o.refusals });
    this.keyProblem = o.keyProblem ?? storedKeyProblem;
    this.trust = o.trust ?? { issuers: [] };
    this.rules = o.rules ?? {};
  }

  async ingest(records: Uint8Array[]): Promise<IngestAnswer> {
    const at = this.now();
    const answer: IngestAnswer = { devices: new Map(), malformed: [] };
    const groups = this.envelopes(records, at, answer);
    if (groups.size > this.limits.maxDevices) {
      throw new IngestLimitError('too-many-devices', `the request names ${groups.size} devices; at most ${this.limits.maxDevices} per request`);
    }
    const known = await this.store.devicesByIds([...groups.keys()]);
    const checks: Array<{ group: Group; p: Parsed }> = [];
    for (const g of groups.values()) {
      g.device = known.get(g.id);
      const problem = g.device ? this.keyProblem(g.device) : undefined;
      if (!g.device || problem) {
        const reason: RejectReason = g.device ? 'weak-key' : 'unknown-device';
        const message = g.device ? `device ${g.id} is registered with a key that cannot be trusted: ${problem}` : `device ${g.id} is not registered`;
        for (const p of g.parsed) this.refuse(g, p, claimedSeq(p.msg.payload), reason, message, at);
        continue;
      }
      for (const p of g.parsed) checks.push({ group: g, p });
    }
    const results = await this.checker.check(checks.map((c) => ({ msg: c.p.msg, key: verifyKey(c.group.device!) })));
    const budget: ItemBudget = { items: this.limits.payloadItems };
    checks.forEach(({ group: g, p }, i) => {
      const r = results[i];
      if (r === 'alg-mismatch') return this.refuse(g, p, claimedSeq(p.msg.payload), 'alg-mismatch', `device ${g.id} is registered for ${g.device!.alg}; the record uses COSE alg ${p.msg.alg}`, at);
      if (r === 'bad') return this.refuse(g, p, claimedSeq(p.msg.payload), 'bad-signature', `${p.msg.alg === -8 ? 'signature' : 'MAC'} does not verify with the key registered for ${g.id}`, at);
      let payload: RecordPayload;
      try {
        payload = decodePayload(p.msg.payload, budget);
      } catch (e) {
        if (!(e instanceof RecordError)) throw e;
        return this.refuse(g, p, claimedSeq(p.msg.payload), 'invalid-payload', e.message, at);
      }
      if (payload.device !== g.id) return this.refuse(g, p, payload.seq, 'wrong-device', `payload names device ${JSON.stringify(payload.device)}, the kid is ${JSON.stringify(g.id)}`, at);
      g.authentic.push({ ...p, payload });
    });
    const chained = [...groups.values()].filter((g) => g.authentic.length);
    for (const g of groups.values()) if (!g.authentic.length) answer.devices.set(g.id, this.answer(g, g.device, undefined));
    if (chained.length) {
      const answers = await this.serial(chained.map((g) => g.id), () => this.chain(chained, at));
      chained.forEach((g, i) => answer.devices.set(g.id, answers[i]));
    }
    if (this.refusals.limits.flushMs === 0) await this.refusals.flush();
    return answer;
  }

  /** Parses every envelope; groups the records by kid (insertion order) and lists the rest as malformed. */
  private envelopes(records: Uint8Array[], at: number, answer: IngestAnswer): Map<string, Group> {
    const groups = new Map<string, Group>();
    records.forEach((bytes, index) => {
      const hash = toHex(this.sha256.sha256(bytes));
      let msg: CoseMessage;
      try {
        msg = parseCose(bytes);
        if (!isDeviceId(msg.kid)) throw new RecordError('BAD_KID', 'kid ' + JSON.stringify(String(msg.kid).slice(0, 80)) + ' is not a device id');
      } catch (e) {
        if (!(e instanceof RecordError)) throw e;
        answer.malformed.push({ index, reason: 'malformed', permanent: true, message: e.message });
        this.refusals.add('', { device: null, seq: null, reason: 'malformed', message: e.message, hash, bytes, receivedAt: at });
        return;
      }
      let g = groups.get(msg.kid);
      if (!g) groups.set(msg.kid, (g = { id: msg.kid, device: undefined, parsed: [], authentic: [], rejected: [] }));
      g.parsed.push({ index, bytes, msg, hash });
    });
    return groups;
  }

  /** Refuses `p` before the chain rules: listed in the device's answer, counted in the device's pool (or ''). */
  private refuse(g: Group, p: Parsed, seq: number | null, reason: RejectReason, message: string, at: number): void {
    g.rejected.push({ index: p.index, seq, reason, permanent: true, message });
    // A record naming no registered device is counted with the anonymous ones, wherever its kid points.
    this.refusals.add(g.device !== undefined ? g.id : '', { device: g.id, seq, reason, message, hash: p.hash, bytes: p.bytes, receivedAt: at });
  }

  /** Runs `fn` after every earlier request naming any of `ids` has finished. */
  private serial<T>(ids: string[], fn: () => Promise<T>): Promise<T> {
    const before = Promise.all(ids.map((id) => this.locks.get(id)));
    const run = before.then(fn, fn);
    const tail = run.catch(() => undefined);
    for (const id of ids) this.locks.set(id, tail);
    tail.then(() => {
      for (const id of ids) if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }

  /** The chain rules for every device with authentic records, committed together in one transaction. */
  private async chain(groups: Group[], at: number): Promise<DeviceAnswer[]> {
    const answers: DeviceAnswer[] = new Array(groups.length);
    let todo = groups.map((_g, i) => i);
    for (let attempt = 0; todo.length; attempt++) {
      if (attempt > 3) throw new Error(`devices ${todo.map((i) => groups[i].id).join(', ')}: the chain kept moving under this request (another writer?)`);
      const commits: ChainCommit[] = [];
      const pending: Array<{ i: number; outcomes: Outcome[]; rejects: RejectRow[]; declared: DeclaredRange[]; undeclared: SeqRange[]; device: DeviceRow }> = [];
      // A store shared by several processes judges under the devices' locks (store.ts); `judge` starts afresh
      // whenever the store calls it.
      const applied = await this.store.chainTransaction(todo.map((i) => groups[i].id), async (read) => {
        commits.length = 0;
        pending.length = 0;
        for (const i of todo) {
          const g = groups[i];
          const seqs: number[] = [];
          for (const p of g.authentic) seqs.push(p.payload.seq, expectedPredecessor(p.payload.seq, p.payload.kind === 'fault' ? p.payload.lost : []));
          const snap = await read(g.id, seqs);
          if (!snap) throw new Error(`device ${g.id} vanished during the request`);
          const payloads = new Map<StoredRecord, RecordPayload>();
          const verified: Verified[] = g.authentic.map((p) => {
            const record = this.stored(g.id, p, at);
            payloads.set(record, p.payload);
            return { index: p.index, record };
          });
          verified.sort((a, b) => a.record.seq - b.record.seq || a.index - b.index);
          const res = resolve(snap, verified, at, this.limits);
          this.rejudge(res.commit, payloads);
          res.commit.packages = packageEventsOf(res.commit.accepted, this.sha256, payloads);
          commits.push(res.commit);
          pending.push({ i, outcomes: res.outcomes, rejects: res.rejects, declared: res.declared, undeclared: res.undeclared, device: snap.device });
        }
        return commits;
      });
      const resent = pending.flatMap((p, k) => (applied[k] ? resentPackages(groups[p.i], p.outcomes) : []));
      await this.runRules(commits.filter((_c, k) => applied[k]), at, resent);
      const again: number[] = [];
      pending.forEach((p, k) => {
        if (!applied[k]) return void again.push(p.i);
        const g = groups[p.i];
        for (const r of p.rejects) this.refusals.add(g.id, r);
        answers[p.i] = this.answer(g, p.device, { commit: commits[k], outcomes: p.outcomes, declared: p.declared, undeclared: p.undeclared });
      });
      todo = again;
    }
    return answers;
  }

  /**
   * The ingest's own verdict on the scans this commit stores whose device could not check them. After the chain
   * rules, so that a duplicate or a refused record costs no signature check; a held scan is judged when it is held
   * and keeps its verdict, one held from before version 3 of the store is judged when it is accepted.
   */
  private rejudge(c: ChainCommit, payloads: Map<StoredRecord, RecordPayload>): void {
    for (const list of [c.accepted, c.hold]) {
      for (const r of list) {
        if (r.kind !== 'scan' || r.upstream !== undefined) continue;
        const p = payloads.get(r) ?? decodePayload(parseCose(r.bytes).payload);
        const v = p.kind === 'scan' ? rejudgeScan(p, this.trust) : undefined;
        if (v) r.upstream = v;
      }
    }
  }

  /** The rules over every package the applied commits added events to, after they are stored. */
  private async runRules(applied: ChainCommit[], at: number, resent: string[]): Promise<void> {
    if (this.rules === false) return;
    const touched = [...new Set([...applied.flatMap((c) => (c.packages ?? []).map((e) => e.package)), ...resent])].sort();
    if (touched.length) await evaluatePackages(this.store, touched, this.rules, at);
    // A device's chain changes shape only where records were held, released or forked: only then is its status read.
    const shaken = applied.filter((c) => c.hold.length || c.release.length || c.forks.length).map((c) => c.device);
    if (shaken.length) await evaluateDevices(this.store, shaken, at);
  }

  private stored(device: string, p: Authentic, at: number): StoredRecord {
    const pl = p.payload;
    return {
      device, seq: pl.seq, hash: p.hash, prev: toHex(pl.prev), boot: pl.boot, kind: pl.kind, time: pl.time,
      lost: pl.kind === 'fault' ? pl.lost : [], faultReason: pl.kind === 'fault' ? pl.reason : '', bytes: p.bytes, receivedAt: at,
    };
  }

  private answer(g: Group, d: DeviceRow | undefined, chain: { commit: ChainCommit; outcomes: Outcome[]; declared: DeclaredRange[]; undeclared: SeqRange[] } | undefined): DeviceAnswer {
    let duplicates = 0;
    const all = g.rejected.slice();
    for (const o of chain ? chain.outcomes : []) {
      if (o.result === 'accepted') continue;
      if (o.result === 'duplicate') duplicates++;
      else all.push({ index: o.index, seq: o.seq, reason: o.reason!, permanent: o.permanent ?? true, message: o.message ?? '' });
    }
    all.sort((a, b) => a.index - b.index);
    const c = chain?.commit;
    return {
      ackedThrough: c ? c.ackedThrough : d ? d.ackedThrough : -1,
      ackedHash: c ? c.ackedHash : d ? d.ackedHash : null,
      accepted: c ? c.accepted.length : 0,
      duplicates,
      rejected: all.map(({ index: _i, ...r }) => r),
      gaps: { declared: chain ? chain.declared : [], undeclared: chain ? chain.undeclared : [] },
    };
  }

  /** Signature or MAC checks of messages against registered devices (a device with an untrusted key: 'bad'). */
  check(items: Array<{ msg: CoseMessage; device: DeviceRow }>): Promise<CheckResult[]> {
    const out = this.checker.check(items.map((i) => ({ msg: i.msg, key: verifyKey(i.device) })));
    return out.then((r) => r.map((c, k) => (this.keyProblem(items[k].device) ? 'bad' : c)));
  }

  /** Writes pending refusal counts (on shutdown). */
  close(): Promise<void> {
    return this.refusals.close();
  }
}
