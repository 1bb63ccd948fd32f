// The sync worker: sends the queue's unacked records to the ingest in seq order and frees them only on the
// ingest's cumulative ack for this device. At-least-once: a crash or a lost answer means the same records go again
// from the queue's durable ack point, and the ingest counts them as duplicates.
import { toHex } from '../records/bytes.js';
import { DEFAULT_BACKOFF, fullJitter, parseHttpDate, retryAfterMs, type BackoffPolicy } from './backoff.js';
import { CBOR_CONTENT_TYPE, encodeBatch, errorOf, parseAck, RECORDS_PATH, type EncodedBatch } from './protocol.js';
import type { SyncError, SyncOptions, SyncStatus } from './types.js';
import { Waiter, withTimeout } from './wait.js';
import type { UplinkResult } from '../../hal/uplink.js';

/** A connection reset while sending a body of at least this many bytes is read as "too large" (see once()). */
const RESET_MEANS_TOO_LARGE = 16384;

/** What one attempt leads to: go on at once, wait for a nudge or poll, or wait `ms`. */
type Next = { kind: 'more' } | { kind: 'idle' } | { kind: 'wait'; ms: number; state: 'backoff' | 'blocked' };

/**
 * Guarantees: records leave the queue only through `queue.ack(n)` with n at most the newest seq this worker sent
 * and acknowledged by the ingest for this device (and, when the sent record is at hand, with the ingest's hash
 * equal to ours); retries never stop while running; a permanent refusal is reported in `status()` and retried only
 * at the backoff cap; every wait goes through the injected clock. One request at a time.
 */
export class SyncWorker {
  private readonly o: SyncOptions;
  private readonly policy: BackoffPolicy;
  private readonly random: () => number;
  private readonly timeoutMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private readonly waiter: Waiter;
  private st: SyncStatus;
  /** Where the next batch starts while the ingest holds records behind a gap (undefined: at the ack point). */
  private continueFrom: number | undefined;
  private gapError: Omit<SyncError, 'at' | 'permanent'> | undefined;

  constructor(options: SyncOptions) {
    this.o = options;
    this.policy = options.backoff || DEFAULT_BACKOFF;
    this.random = options.random || Math.random;
    this.timeoutMs = options.requestTimeoutMs || 30000;
    this.waiter = new Waiter(options.clock);
    const q = options.queue.status();
    this.st = {
      state: 'stopped',
      lastSuccessAt: undefined,
      lastError: undefined,
      nextAttemptAt: undefined,
      attempt: 0,
      requests: 0,
      recordsSent: 0,
      recordsAcked: 0,
      queueDepth: q.unacked,
      ackedThrough: q.ackedThrough,
      maxCount: options.maxCount || 200,
      maxBytes: options.maxBytes || 262144,
    };
  }

  /** A copy of the current status. */
  status(): SyncStatus {
    const q = this.o.queue.status();
    const s = Object.assign({}, this.st);
    s.queueDepth = q.unacked;
    s.ackedThrough = q.ackedThrough;
    if (s.lastError) s.lastError = Object.assign({}, s.lastError);
    return s;
  }

  /** Starts the loop (no-op when running). */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the request in flight (if any) ends or times out; resolves when the loop has ended. */
  stop(): Promise<void> {
    this.running = false;
    this.waiter.wake();
    return this.loop || Promise.resolve();
  }

  /** Try now: ends an idle, backoff or blocked wait at once (a new scan, an operator fixed the registration). */
  syncNow(): void {
    this.waiter.wake();
  }

  /**
   * A new record is in the queue: an idle worker sends it now rather than at its next poll. A backoff, a Retry-After
   * or a blocked wait keeps its time, so a failing ingest is not asked again once per scan; and a worker between
   * waits or sending reads the queue again anyway, so nothing is remembered for later.
   */
  newRecords(): void {
    if (this.running && this.st.state === 'idle' && this.waiter.waiting) this.waiter.wake();
  }

  /**
   * Attempts until {@link stop}: each attempt, then the pause its outcome asks for, then the next attempt from a
   * callback. Written without async/await on purpose: the loop is pending for the device's whole life, and on Espruino
   * every pending async call holds a generator state machine (about 126 variables each), where a callback holds only
   * its closure.
   */
  private run(): Promise<void> {
    const self = this;
    return new Promise<void>(function (resolve, reject) {
      const ended = function (): void {
        self.st.state = 'stopped';
        self.st.nextAttemptAt = undefined;
        resolve();
      };
      const after = function (next: Next): void {
        if (!self.running) return ended();
        if (next.kind === 'more') {
          // Let the scanner run between batches: a long backlog must not starve the tap loop.
          self.o.clock.sleep(0).then(attempt, reject);
          return;
        }
        self.st.state = next.kind === 'idle' ? 'idle' : next.state;
        const ms = next.kind === 'idle' ? self.o.idlePollMs || 60000 : next.ms;
        self.st.nextAttemptAt = self.o.clock.wallTime() + ms;
        self.waiter.wait(ms).then(function () {
          self.st.nextAttemptAt = undefined;
          attempt();
        }, reject);
      };
      // Whatever the loop itself throws ends it (rejects), rather than leaving it pending for ever.
      const go = function (next: Next): void {
        try {
          after(next);
        } catch (e) {
          reject(e);
        }
      };
      // The queue failed (storage error, power loss in the simulator): report it and retry later; a stopped worker
      // just ends. Sync must never take the device down with an unhandled rejection.
      const failed = function (e: unknown): void {
        if (!self.running) return ended();
        go(self.transient({ kind: 'queue', message: 'queue failed: ' + (e instanceof Error ? e.message : String(e)) }));
      };
      const attempt = function (): void {
        if (!self.running) return ended();
        let sent: Promise<Next>;
        try {
          sent = self.once();
        } catch (e) {
          return failed(e);
        }
        sent.then(go, failed);
      };
      attempt();
    });
  }

  /** One request: read a batch, send it, act on the answer. Throws what reading the queue throws. */
  private once(): Promise<Next> {
    const q = this.o.queue;
    const limits: { maxCount: number; maxBytes: number; from?: number } = { maxCount: this.st.maxCount, maxBytes: this.st.maxBytes };
    if (this.continueFrom !== undefined) limits.from = this.continueFrom;
    let entries = q.status().unacked > 0 ? q.read(limits) : [];
    // A queue that ignores `from` must not turn the send-on into resending one batch in a tight loop.
    if (limits.from !== undefined && entries.length && entries[0].seq < limits.from) entries = [];
    if (!entries.length && this.gapError) {
      // Sent everything and the ingest still misses seqs nobody declared: that is a fault, not a batch boundary.
      const e = this.gapError;
      this.continueFrom = this.gapError = undefined;
      return Promise.resolve(this.blocked(e));
    }
    // Nothing readable (an empty queue, or only seqs recovery lost): wait for a nudge or the next poll.
    if (!entries.length) return Promise.resolve(this.success(false));
    const records: Uint8Array[] = [];
    for (let i = 0; i < entries.length; i++) records.push(entries[i].record);
    const batch = encodeBatch(records);
    const seqs: number[] = [];
    for (let i = 0; i < entries.length; i++) seqs.push(entries[i].seq);
    this.st.state = 'sending';
    this.st.requests++;
    this.st.recordsSent += entries.length;
    return this.send(batch, seqs);
  }

  /**
   * Sends a batch and reads the answer. A method of its own so that what waits for the answer holds the batch and
   * its seqs, not the records read for it: on Espruino a callback keeps its whole scope alive.
   */
  private send(batch: EncodedBatch, seqs: number[]): Promise<Next> {
    // Header names are quoted: they go on the wire as they are, and the Espruino build keeps every quoted name.
    const headers: { [name: string]: string } = { 'content-type': CBOR_CONTENT_TYPE, 'accept': 'application/json' };
    const extra = this.o.headers || {};
    for (const k in extra) headers[k] = extra[k];
    const request = this.o.uplink.request({ method: 'POST', path: RECORDS_PATH, headers: headers, body: batch.body, timeoutMs: this.timeoutMs });
    // A little over the uplink's own timeout, so an uplink that honours it reports its own reason first.
    const self = this;
    return withTimeout(this.o.clock, request, this.timeoutMs + 1000).then(function (r) {
      return self.outcome(r, batch, seqs);
    });
  }

  /** What an attempt's answer (or failure to get one) means for the loop. */
  private outcome(r: UplinkResult, batch: EncodedBatch, seqs: number[]): Next {
    const sent = seqs.length;
    if (!r.ok) {
      // A server that refuses a body without reading it may close the connection before its 413 arrives: a reset
      // before a large batch was all sent is taken as that, and the batch halved (then retried after the backoff,
      // since it may as well have been the network).
      if (r.reason === 'reset' && r.bodyUnsent && sent > 1 && batch.body.length >= RESET_MEANS_TOO_LARGE) {
        this.halve(sent);
        return this.transient({ kind: r.reason, message: r.message + '; batch limits halved' });
      }
      return this.transient({ kind: r.reason, message: r.message });
    }
    const res = r.response;
    if (res.status === 200) return this.answered(res.body, batch, seqs);
    const err = errorOf(res.body);
    const what = 'HTTP ' + res.status + (err ? ' ' + err.code + ': ' + err.message : '');
    if (res.status === 413 && this.st.maxCount > 1) {
      // The ingest's limits are lower than ours: halve the batch and go again at once.
      this.halve(sent);
      this.fail({ kind: 'http', status: 413, code: err && err.code, message: what + '; batch limits halved', permanent: false });
      return { kind: 'more' };
    }
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500 || res.status < 400;
    if (!retryable) return this.blocked({ kind: 'http', status: res.status, code: err && err.code, message: what, seq: seqs[0] });
    let floor = 0;
    if (res.status === 429 || res.status === 503) {
      const date = res.headers['date'] !== undefined ? parseHttpDate(res.headers['date']) : undefined;
      const ra = retryAfterMs(res.headers['retry-after'], date !== undefined ? date : this.o.clock.wallTime());
      if (ra !== undefined) floor = Math.min(ra, this.o.maxRetryAfterMs || 3600000);
    }
    return this.transient({ kind: 'http', status: res.status, code: err && err.code, message: what }, floor);
  }

  /** A 200: free what the ingest acknowledged for this device, then see whether anything was refused. */
  private answered(body: Uint8Array, batch: EncodedBatch, seqs: number[]): Next {
    const parsed = parseAck(body, this.o.device);
    if (!parsed.ok) return this.transient({ kind: 'answer', message: parsed.message });
    const q = this.o.queue;
    const before = q.status().ackedThrough;
    const last = seqs[seqs.length - 1];
    const ack = parsed.device;
    if (ack && ack.ackedThrough > before) {
      // Never free beyond what we sent: the ingest may know records we no longer hold in this batch's view.
      const upTo = ack.ackedThrough < last ? ack.ackedThrough : last;
      const i = seqs.indexOf(upTo);
      if (i >= 0 && upTo === ack.ackedThrough) {
        const ours = toHex(this.o.sha256.sha256(batch.body.subarray(batch.offsets[i], batch.offsets[i] + batch.lengths[i])));
        if (ack.ackedHash !== ours) {
          return this.blocked({ kind: 'ack-mismatch', message: 'ingest acked seq ' + upTo + ' with hash ' + ack.ackedHash + ', ours is ' + ours + '; nothing freed', seq: upTo });
        }
      }
      q.ack(upTo);
      this.st.recordsAcked += q.status().ackedThrough - before;
    }
    const progressed = q.status().ackedThrough > before;
    const rejects = ack ? ack.rejected : [];
    const earlier = this.gapError;
    this.continueFrom = this.gapError = undefined;
    let onlyGaps = rejects.length > 0 && !parsed.malformed.length;
    for (let i = 0; i < rejects.length; i++) if (rejects[i].reason !== 'undeclared-gap') onlyGaps = false;
    if (onlyGaps) {
      // Boot recovery writes its fault record after the records that follow a damaged one, so the record that
      // declares the gap may be in a later batch: send on from here (the ingest holds what it got) before
      // calling it a fault.
      const r = rejects[0];
      this.gapError = earlier || { kind: 'rejected', code: r.reason, seq: r.seq, message: 'ingest refused seq ' + r.seq + ': ' + r.reason + (r.message ? ' (' + r.message + ')' : '') };
      this.continueFrom = last + 1;
      return { kind: 'more' };
    }
    for (let i = 0; i < rejects.length; i++) {
      if (rejects[i].permanent) {
        const r = rejects[i];
        return this.blocked({ kind: 'rejected', code: r.reason, seq: r.seq, message: 'ingest refused seq ' + r.seq + ': ' + r.reason + (r.message ? ' (' + r.message + ')' : '') });
      }
    }
    if (parsed.malformed.length) {
      const m = parsed.malformed[0];
      const seq = m.index >= 0 && m.index < seqs.length ? seqs[m.index] : null;
      return this.blocked({ kind: 'rejected', code: m.reason, seq: seq, message: 'ingest could not read the record with seq ' + seq + ': ' + m.message });
    }
    if (!progressed && q.status().ackedThrough < last) {
      const why = ack ? 'ingest acked through ' + ack.ackedThrough + ', below our first unacked seq ' + seqs[0] : 'the answer names no records of ' + this.o.device;
      return this.transient({ kind: 'answer', message: why });
    }
    return this.success(q.status().unacked > 0);
  }

  /** Halves the batch limits (a batch of `sent` records was too large for the ingest). */
  private halve(sent: number): void {
    this.st.maxCount = Math.max(1, Math.floor(Math.min(this.st.maxCount, sent) / 2));
    this.st.maxBytes = Math.max(1, Math.floor(this.st.maxBytes / 2));
  }

  private success(more: boolean): Next {
    this.st.attempt = 0;
    this.st.lastSuccessAt = this.o.clock.wallTime();
    this.st.lastError = undefined;
    return more ? { kind: 'more' } : { kind: 'idle' };
  }

  private fail(e: Omit<SyncError, 'at'>): void {
    const err: SyncError = { at: this.o.clock.wallTime(), kind: e.kind, permanent: e.permanent, message: e.message };
    if (e.status !== undefined) err.status = e.status;
    if (e.code !== undefined) err.code = e.code;
    if (e.seq !== undefined) err.seq = e.seq;
    this.st.lastError = err;
  }

  private transient(e: Omit<SyncError, 'at' | 'permanent'>, floorMs?: number): Next {
    this.fail(Object.assign({ permanent: false }, e));
    const jitter = fullJitter(this.policy, this.st.attempt, this.random);
    this.st.attempt++;
    return { kind: 'wait', state: 'backoff', ms: floorMs && floorMs > jitter ? floorMs : jitter };
  }

  private blocked(e: Omit<SyncError, 'at' | 'permanent'>): Next {
    this.fail(Object.assign({ permanent: true }, e));
    this.st.attempt++;
    return { kind: 'wait', state: 'blocked', ms: this.policy.capMs };
  }
}


