import type { Clock } from '../../hal/clock.js';
import type { Crypto } from '../../hal/crypto.js';
import type { RecordSigner } from '../../hal/keys.js';
import type { Activation, PiccReader } from '../../hal/reader.js';
import type { RadioError } from '../../hal/radio.js';
import { toHexUpper } from '../../hal/hex.js';
import type { Queue, QueueStatus } from '../queue/queue.js';
import type { RecoveryReport } from '../queue/report.js';
import type { CommissionEvidence, DiscardedSpan, RecordBody, ResetReason, Step } from '../records/kinds.js';
import { RecordChain, type ChainRecord, type FaultReport } from '../records/chain.js';
import { zeroHash } from '../records/links.js';
import { judge, type Judgement } from '../seals/verdict.js';
import { isType2, readType2, readingDigest, type TagReading, type Type2Reading } from '../scan/read-tag.js';
import { readBadge, stepOfBadge } from './badge.js';
import { resolveConfig, type ResolvedConfig, type ScannerConfig } from './config.js';
import { Feedback, type FeedbackParts, type Shown, type Signal } from './feedback.js';
import { RepeatWindow } from './repeat.js';

export interface ScannerDeps {
  reader: PiccReader;
  clock: Clock;
  crypto: Crypto;
  signer: RecordSigner;
  /** The device's queue, opened by the platform; `report` is what boot recovery found. */
  queue: Queue;
  report: RecoveryReport;
  /** This boot's number (one more than any boot before; see bootNumber in boot.ts). */
  boot: number;
  reset: ResetReason;
  feedback: FeedbackParts;
  config: ScannerConfig;
  /** Polls only while this says so (trigger mode: the trigger is held). Default: always. */
  armed?: () => boolean;
  /** True once per press of the board's step button (read before each poll): switches to the next step. */
  stepPressed?: () => boolean;
}

/** The outcome of one tap, as the console and tests see it. */
export interface TapEvent {
  /** no-read: a tag answers but cannot be selected (see {@link NO_READ_POLLS}); nothing is recorded. */
  /** step: a step badge or the step button switched the step scans record; nothing is recorded. */
  kind: 'scan' | 'login' | 'logout' | 'refused' | 'repeat' | 'badge-error' | 'no-read' | 'step';
  /** Hex; empty for a no-read (the UID never arrived whole). */
  uid: string;
  shown: Shown;
  judgement?: Judgement;
  seq?: number;
  time: number;
}

export interface ScannerStatus {
  device: string;
  inspector: string | null;
  boot: number;
  scans: number;
  /**
   * The last tap as the inspector saw it, without its judgement (that goes to the tap listeners): the judgement of a
   * sealed tag holds about a hundred variables on Espruino, which the next tap would hold twice.
   */
  lastTap: TapEvent | null;
  queue: QueueStatus;
  running: boolean;
  /** The step scans record now, and the steps this scanner may switch to. */
  step: Step;
  steps: Step[];
}

/**
 * Polls in a row in which a tag answered REQA but anticollision or SELECT failed (a tag at the edge of the field,
 * moving, or two that keep colliding) before the inspector is told NO READ. One or two such polls are normal while a
 * tag slides in and do not deserve a warning beep just before the verdict.
 */
export const NO_READ_POLLS = 3;

/** Transient radio outcomes worth a second try: the tag moved, or a bit flipped. */
function transient(e: RadioError): boolean {
  return e.reason === 'timeout' || e.reason === 'crc' || e.reason === 'parity' || e.reason === 'collision' || e.reason === 'protocol';
}

/**
 * The scanner application: boot (fault and boot records), then a poll loop that turns every tap into a verdict, a
 * signed record made durable in the queue, and only then feedback. Badges (MIFARE Classic) log inspectors in and
 * out; a package tap needs a logged-in inspector. When the queue is full, scans are refused with their own signal
 * and nothing is recorded that the inspector was not told about.
 */
export class Scanner {
  readonly config: ResolvedConfig;
  readonly feedback: Feedback;
  private readonly chain: RecordChain;
  private inspector: string | null = null;
  /** The step scans record: the configured one after each boot, switched by a step badge or the step button. */
  private step: Step;
  private sinceCheckpoint = 0;
  private scans = 0;
  private lastTap: TapEvent | null = null;
  private readonly repeats: RepeatWindow;
  private running = false;
  private loop: Promise<void> | null = null;
  private listeners: Array<(e: TapEvent) => void> = [];
  /** Polls in a row where a tag answered but could not be selected (reset by an empty field or a selected tag). */
  private unselected = 0;
  /** Records boot owes the log and could not yet write (see {@link settle}). */
  private owedFault: FaultReport | null = null;
  private owedBoot = false;

  constructor(private readonly deps: ScannerDeps) {
    this.config = resolveConfig(deps.config);
    this.feedback = new Feedback(deps.feedback);
    this.repeats = new RepeatWindow(this.config.dedupeWindowMs);
    this.step = this.config.step;
    const prev = deps.queue.prevHash();
    this.chain = new RecordChain(deps.signer, deps.crypto, {
      device: this.config.deviceId,
      nextSeq: deps.queue.nextSeq,
      prev: prev ? prev : zeroHash(),
      boot: deps.boot,
    });
  }

  /**
   * Writes what boot recovery lost as a signed fault record (when anything was), then the boot record. Both use the
   * queue's reserve, so a full queue can still say why it rebooted; when even the reserve is gone, they are owed and
   * written before any later record (see {@link settle}).
   */
  start(): void {
    const r = this.deps.report;
    if (r.lost.length > 0 || r.discardedBytes > 0 || r.prevHash === undefined) {
      const where: DiscardedSpan[] = [];
      let reason = r.prevHash === undefined ? 'chain-unanchored' : 'torn';
      for (let i = 0; i < r.discarded.length; i++) {
        const d = r.discarded[i];
        if (d.reason === 'stale') continue;
        where.push({ segment: 'slot-' + d.slot, offset: d.offset, length: d.length });
        if (i === 0 || d.reason === 'corrupt') reason = d.reason;
      }
      let bytes = 0;
      for (let i = 0; i < where.length; i++) bytes += where[i].length;
      const lost: Array<[number, number]> = [];
      for (let i = 0; i < r.lost.length; i++) lost.push([r.lost[i][0], r.lost[i][1]]);
      if (lost.length || bytes) this.owedFault = { reason: reason, lost: lost, discardedBytes: bytes, where: where };
    }
    this.owedBoot = true;
    this.settle();
    this.feedback.give('ready', 'READY', this.config.site);
  }

  /**
   * Writes what this boot owes the log, in order: the fault record (then the queue may forget the loss), the boot
   * record. Power failing again and again while offline opens a fresh segment each boot (a torn tail seals the old
   * one) and can use up the reserve, so the queue may refuse them at start; they are then retried before every later
   * record. A record written after lost seqs that no fault record declares would make the ingest hold everything
   * behind an undeclared gap until some later reboot. True when nothing is owed.
   */
  private settle(): boolean {
    if (this.owedFault) {
      if (!this.store(this.chain.fault(this.owedFault, this.deps.clock.wallTime()), 'system')) return false;
      this.owedFault = null;
      this.deps.queue.declareLost(this.deps.report.lost);
    }
    if (this.owedBoot) {
      const boot = this.chain.prepare({ kind: 'boot', firmware: this.config.firmware, reset: this.deps.reset }, this.deps.clock.wallTime());
      if (!this.store(boot, 'system')) return false;
      this.owedBoot = false;
    }
    return true;
  }

  /** Appends a signed record; true when it is durable. */
  private store(rec: ChainRecord, priority: 'scan' | 'system'): boolean {
    const r = this.deps.queue.append(rec.bytes, rec.payload.time, priority);
    if (!r.ok) return false;
    this.chain.commit(rec);
    this.sinceCheckpoint++;
    if (this.sinceCheckpoint >= this.config.checkpointEvery) {
      this.sinceCheckpoint = 0;
      const cp = this.chain.checkpoint(this.deps.clock.wallTime());
      if (this.deps.queue.append(cp.bytes, cp.payload.time, 'system').ok) this.chain.commit(cp);
    }
    return true;
  }

  /** Builds and appends a record after anything owed; null when the queue had no room. */
  private record(body: RecordBody, priority: 'scan' | 'system'): ChainRecord | null {
    if (!this.settle()) return null;
    const rec = this.chain.prepare(body, this.deps.clock.wallTime());
    return this.store(rec, priority) ? rec : null;
  }

  onTap(listener: (e: TapEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  private emit(e: TapEvent): TapEvent {
    this.lastTap = e.judgement ? { kind: e.kind, uid: e.uid, shown: e.shown, seq: e.seq, time: e.time } : e;
    for (let i = 0; i < this.listeners.length; i++) this.listeners[i](e);
    return e;
  }

  private tap(kind: TapEvent['kind'], uid: Uint8Array, shown: Shown, extra?: { judgement?: Judgement; seq?: number }): TapEvent {
    const e: TapEvent = { kind: kind, uid: toHexUpper(uid), shown: shown, time: this.deps.clock.wallTime() };
    if (extra && extra.judgement) e.judgement = extra.judgement;
    if (extra && extra.seq !== undefined) e.seq = extra.seq;
    return this.emit(e);
  }

  /**
   * One poll: REQA; a tag that answers is handled and halted (so it is not read again while it stays on the
   * reader). Returns what happened, or null when no tag was there. Synchronous from REQA to the durable record and
   * the feedback: the radio is (hal/radio.ts) and so is the queue's append.
   */
  pollOnce(): TapEvent | null {
    const reader = this.deps.reader;
    const a = reader.activate();
    if (!a.ok) {
      if (a.reason === 'timeout') {
        this.unselected = 0;
        return null;
      }
      // A tag half-way through anticollision stays READY and ignores the next REQA: reset it.
      reader.resetField();
      this.unselected++;
      // Said once per stay on the reader: the count only starts again after an empty field or a read.
      if (this.unselected !== NO_READ_POLLS) return null;
      return this.tap('no-read', new Uint8Array(0), this.feedback.give('unreadable', 'NO READ', 'Hold the tag still, closer'));
    }
    this.unselected = 0;
    let event: TapEvent;
    if ((a.value.sak & 0x7f) === 0x08) event = this.handleBadge(a.value);
    else event = this.handlePackage(a.value);
    // HLTA first, Crypto1 off after: a MIFARE Classic halts only inside its encrypted session.
    reader.halt();
    reader.stopCrypto1();
    return event;
  }

  private handleBadge(a: Activation): TapEvent {
    const badge = readBadge(this.deps.reader, a, this.config.badge.block, this.config.badge.key);
    if (!badge.ok) return this.tap('badge-error', a.uid, this.feedback.give('badge-unreadable', 'BADGE NOT READ', 'Tap the badge again'));
    const wanted = stepOfBadge(badge.inspector);
    if (wanted !== null) return this.switchStep(wanted, a.uid);
    if (this.inspector === badge.inspector) {
      const rec = this.record({ kind: 'logout', inspector: badge.inspector }, 'system');
      this.inspector = null;
      return this.tap('logout', a.uid, this.feedback.give('logout', 'LOGGED OUT', badge.inspector), { seq: rec ? rec.seq : undefined });
    }
    if (this.inspector) this.record({ kind: 'logout', inspector: this.inspector }, 'system');
    const rec = this.record({ kind: 'login', inspector: badge.inspector, site: this.config.site }, 'system');
    if (!rec) return this.tap('refused', a.uid, this.feedback.give('full', 'STORAGE FULL', 'Sync the scanner before going on'));
    this.inspector = badge.inspector;
    return this.tap('login', a.uid, this.feedback.give('login', 'LOGGED IN', badge.inspector), { seq: rec.seq });
  }

  private readWithRetries(a: Activation): Type2Reading {
    let reading = readType2(this.deps.reader, a);
    for (let i = 0; i < this.config.readRetries && reading.error && transient(reading.error); i++) {
      // The tag may have moved: power it afresh and select it again by its UID.
      this.deps.reader.resetField();
      const again = this.deps.reader.select(a.uid);
      if (!again.ok) continue;
      reading = readType2(this.deps.reader, again.value);
    }
    return reading;
  }

  /**
   * A package tap. Every tap is read and judged before anything else: a magic clone answers with its original's UID,
   * and only the bytes behind the UID tell them apart. Only then may the repeat window spare a second record (see
   * {@link RepeatWindow}); a repeat gets its verdict's own feedback, marked as already scanned.
   */
  private handlePackage(a: Activation): TapEvent {
    const now = this.deps.clock.wallTime();
    if (!this.inspector) return this.tap('refused', a.uid, this.feedback.give('login-required', 'LOG IN FIRST', 'Tap your badge'));
    const reading: TagReading = isType2(a) ? this.readWithRetries(a) : { kind: 'other', activation: a };
    const j = judge(reading, this.config.trust, this.deps.crypto, now);
    const digest = readingDigest(reading, this.deps.crypto);
    const signal: Signal = j.verdict === 'genuine' && j.expired ? 'genuine-expired' : j.verdict;
    if (this.repeats.repeats(digest, j, this.inspector, this.deps.clock.now())) {
      return this.tap('repeat', a.uid, this.feedback.give(signal, j.headline, '(already scanned) ' + describe(j)), { judgement: j });
    }
    // After the repeat check: a repeat needs no room, the record it repeats is already durable.
    if (this.deps.queue.status().state === 'full') {
      return this.tap('refused', a.uid, this.feedback.give('full', 'STORAGE FULL - scan not saved', 'Sync the scanner, then scan again'));
    }
    const body: RecordBody = {
      kind: 'scan',
      uid: a.uid,
      tagType: j.tagType,
      originality: j.originality,
      tamper: j.tamper,
      verdict: j.verdict,
      reasons: j.reasons,
      inspector: this.inspector,
      site: this.config.site,
      step: this.step,
    };
    if (j.seal) body.seal = j.seal;
    if (j.digitalLink !== undefined) body.digitalLink = j.digitalLink;
    // Only for an unchecked signature: where the scanner checked it, its verdict is in the record already.
    if (j.originalitySig) body.originalitySig = j.originalitySig;
    const rec = this.record(body, 'scan');
    // Feedback only after the record is durable (DESIGN.md): a scan the inspector was told about is never lost.
    if (!rec) return this.tap('refused', a.uid, this.feedback.give('full', 'STORAGE FULL - scan not saved', 'Sync the scanner, then scan again'));
    this.scans++;
    this.repeats.recorded(digest, j, this.inspector, this.deps.clock.now());
    return this.tap('scan', a.uid, this.feedback.give(signal, j.headline, describe(j)), { judgement: j, seq: rec.seq });
  }

  /**
   * A packaging station sealed a tag: writes the signed commission record (the station's site from its
   * configuration) into this device's chain and queue. Returns its seq once it is durable, or null when the queue
   * had no room (the seal is on the tag regardless; the caller must say that no record was kept).
   */
  commission(c: Omit<CommissionEvidence, 'site'>): number | null {
    const rec = this.record({ kind: 'commission', uid: c.uid, digitalLink: c.digitalLink, sealHash: c.sealHash, issuerKeyId: c.issuerKeyId, site: this.config.site }, 'scan');
    return rec ? rec.seq : null;
  }

  /**
   * Switches the step scans record: to `to`, or to the next of the configured steps (the step button). A step this
   * scanner is not configured for is refused on the display, and the step stays. Nothing is recorded: every scan
   * carries its step.
   */
  switchStep(to?: Step, uid?: Uint8Array): TapEvent {
    const steps = this.config.steps;
    const next = to === undefined ? steps[(steps.indexOf(this.step) + 1) % steps.length] : to;
    if (steps.indexOf(next) < 0) {
      return this.tap('refused', uid || new Uint8Array(0), this.feedback.give('badge-unreadable', 'STEP NOT USED HERE', next + ' is not a step of this scanner (' + steps.join(', ') + ')'));
    }
    // A tap after the switch is an event at the new step: it is recorded even inside the repeat window.
    if (next !== this.step) this.repeats.forget();
    this.step = next;
    return this.tap('step', uid || new Uint8Array(0), this.feedback.give('step', 'STEP: ' + next.toUpperCase(), 'Scans now record ' + next));
  }

  /**
   * Polls until {@link stop}: a poll, then a timer for the next. Written without async/await on purpose: the loop is
   * pending for the device's whole life, and on Espruino a pending async call holds a generator state machine
   * (about 126 variables), where a timer's callback holds only its closure.
   */
  run(): Promise<void> {
    if (this.loop) return this.loop;
    this.running = true;
    const self = this;
    const armed = this.deps.armed;
    const stepPressed = this.deps.stepPressed;
    this.loop = new Promise<void>(function (resolve, reject) {
      const pass = function (): void {
        if (!self.running) {
          self.loop = null;
          return resolve();
        }
        try {
          if (stepPressed && stepPressed()) self.switchStep();
          if (!armed || armed()) self.pollOnce();
        } catch (e) {
          return reject(e);
        }
        self.deps.clock.sleep(self.config.pollIntervalMs).then(pass, reject);
      };
      pass();
    });
    return this.loop;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.loop) await this.loop;
  }

  status(): ScannerStatus {
    return {
      device: this.config.deviceId,
      inspector: this.inspector,
      boot: this.deps.boot,
      scans: this.scans,
      lastTap: this.lastTap,
      queue: this.deps.queue.status(),
      running: this.running,
      step: this.step,
      steps: this.config.steps.slice(),
    };
  }
}

/** The display's second line: the product, or the first reason in words. */
function describe(j: Judgement): string {
  if (j.verdict === 'genuine') {
    const l = j.link;
    if (!l) return '';
    return 'GTIN ' + l.gtin + (l.serial ? ' SN ' + l.serial : '') + (l.expiry ? ' EXP ' + l.expiry : '');
  }
  for (let i = 0; i < j.findings.length; i++) if (j.findings[i].level === j.verdict) return j.findings[i].text;
  return '';
}
