// The scanner, assembled once for every target (DESIGN.md "Boards"): a board supplies the hardware, this file does
// the rest. It opens the queue on the board's storage (boot recovery), takes the boot number, runs the Scanner and
// the SyncWorker with one sync policy, and stops them in order. Nothing here knows which board it runs on.
import type { Board } from '../../hal/board.js';
import type { Sha256 } from '../../hal/crypto.js';
import type { SegmentStorage } from '../../hal/storage.js';
import { Queue } from '../queue/queue.js';
import type { QueueOptions } from '../queue/types.js';
import type { RecoveryReport } from '../queue/report.js';
import type { CommissionEvidence, ResetReason } from '../records/kinds.js';
import { SyncWorker } from '../sync/worker.js';
import type { SyncOptions, SyncQueue, SyncStatus } from '../sync/types.js';
import { bootNumber } from './boot.js';
import { ConfigError, type ScannerConfig } from './config.js';
import { Scanner, type ScannerStatus, type TapEvent } from './scanner.js';

/** Sync worker settings a deployment may choose; the device wires the rest. */
export type SyncTuning = Omit<SyncOptions, 'device' | 'queue' | 'uplink' | 'clock' | 'sha256'>;

/** Queue settings a deployment may choose. */
export type QueueTuning = Omit<QueueOptions, 'sha256'>;

export interface DeviceOptions {
  config: ScannerConfig;
  /** Why this boot happened, written into the boot record. Default power-on. */
  reset?: ResetReason;
  sync?: SyncTuning;
  queue?: QueueTuning;
  /** trigger: read only while the board's trigger is held. Default: trigger when the board has one, else continuous. */
  mode?: 'continuous' | 'trigger';
  /** manual: no poll loop; the owner calls `scanner.pollOnce()` itself (the durability sweep taps on its own schedule). */
  polling?: 'loop' | 'manual';
  /**
   * The device cannot go on: the poll loop ended on an error, or the queue threw under the sync worker (storage gone;
   * in the simulator, the power). Called once; the device has stopped both loops by then.
   */
  onFailure?: (error: unknown) => void;
}

/** The durable queue on `storage`, with boot recovery: what `doctor` and the device itself open. */
export function openQueue(storage: SegmentStorage, sha256: Sha256, tuning?: QueueTuning): { queue: Queue; report: RecoveryReport } {
  return Queue.open(storage, Object.assign(Object.assign({}, tuning || {}), { sha256: sha256 }));
}

/**
 * One boot of a scanner. Guarantees: the queue is opened exactly once, before anything is written; the boot number is
 * one more than any boot before (boot.ts); the sync worker is woken by a new record only while it idles, never out of a
 * backoff, a Retry-After or a blocked wait; after {@link stop} resolves neither loop touches the board again.
 */
export class Device {
  readonly queue: Queue;
  readonly report: RecoveryReport;
  /** This boot's number. */
  readonly boot: number;
  readonly scanner: Scanner;
  readonly sync: SyncWorker;
  private readonly board: Board;
  private readonly onFailure: ((error: unknown) => void) | undefined;
  private readonly polling: 'loop' | 'manual';
  private closed = false;
  private started = false;
  private ended = false;

  /**
   * Recovers the queue on the board's storage and builds the scanner and the sync worker; writes nothing yet (see
   * {@link start}). Throws what recovery throws (a storage failure).
   */
  constructor(board: Board, options: DeviceOptions) {
    this.board = board;
    this.onFailure = options.onFailure;
    this.polling = options.polling || 'loop';
    const opened = openQueue(board.storage, board.crypto, options.queue);
    this.queue = opened.queue;
    this.report = opened.report;
    this.boot = bootNumber(opened.report);
    const display = board.display || { show: function () {} };
    const trigger = board.trigger;
    const useTrigger = options.mode ? options.mode === 'trigger' : trigger !== undefined;
    if (useTrigger && !trigger) throw new ConfigError('mode', 'trigger mode needs a board with a trigger button; this board has none');
    this.scanner = new Scanner({
      reader: board.reader,
      clock: board.clock,
      crypto: board.crypto,
      signer: board.signer,
      queue: this.queue,
      report: this.report,
      boot: this.boot,
      reset: options.reset || 'power-on',
      feedback: { led: board.led, buzzer: board.buzzer, display: display },
      config: options.config,
      armed: useTrigger && trigger ? () => trigger.held() : undefined,
      stepPressed: board.stepButton ? () => board.stepButton!.pressed() : undefined,
    });
    this.sync = new SyncWorker(
      Object.assign(Object.assign({}, options.sync || {}), {
        device: this.scanner.config.deviceId,
        queue: this.watched(this.queue),
        uplink: board.uplink,
        clock: board.clock,
        sha256: board.crypto,
      }),
    );
    const worker = this.sync;
    this.scanner.onTap(function (e: TapEvent) {
      if (e.seq !== undefined) worker.newRecords();
    });
  }

  /**
   * Writes the fault record (when recovery lost anything) and the boot record, then starts polling and syncing.
   * Throws when those records cannot be written (the storage failed); nothing is running then.
   */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.scanner.start();
    this.sync.start();
    if (this.polling === 'manual') return;
    const self = this;
    void this.scanner.run().then(
      function () {},
      function (e: unknown) {
        self.fail(e);
      },
    );
  }

  /**
   * Stops polling (a tap being handled finishes, its record included), then the sync worker after its request, then
   * releases the board. Each step runs even when the one before failed (a poll loop that ended on a power loss).
   */
  stop(): Promise<void> {
    this.ended = true;
    const self = this;
    const ignore = function () {};
    return this.scanner
      .stop()
      .then(ignore, ignore)
      .then(function () {
        return self.sync.stop().then(ignore, ignore);
      })
      .then(function () {
        if (self.closed) return;
        self.closed = true;
        if (self.board.close) self.board.close();
      });
  }

  status(): { scanner: ScannerStatus; sync: SyncStatus } {
    return { scanner: this.scanner.status(), sync: this.sync.status() };
  }

  /**
   * A packaging station's seal as a signed commission record in this device's chain (Scanner.commission), then a
   * nudge to the sync worker. The seq once durable; null when the queue had no room.
   */
  commission(c: Omit<CommissionEvidence, 'site'>): number | null {
    const seq = this.scanner.commission(c);
    if (seq !== null) this.sync.newRecords();
    return seq;
  }

  /** Subscribes to every tap's outcome; returns the unsubscribe function. */
  onTap(listener: (e: TapEvent) => void): () => void {
    return this.scanner.onTap(listener);
  }

  private fail(error: unknown): void {
    if (this.ended) return;
    this.ended = true;
    void this.scanner.stop().then(undefined, function () {});
    void this.sync.stop().then(undefined, function () {});
    if (this.onFailure) this.onFailure(error);
  }

  /** The queue as the sync worker sees it: a throw ends the device (after the worker has seen it too). */
  private watched(queue: Queue): SyncQueue {
    const self = this;
    function guard<T>(fn: () => T): T {
      try {
        return fn();
      } catch (e) {
        self.fail(e);
        throw e;
      }
    }
    return {
      read: function (limits) {
        return guard(function () {
          return queue.read(limits);
        });
      },
      ack: function (seq) {
        guard(function () {
          queue.ack(seq);
        });
      },
      status: function () {
        return queue.status();
      },
    };
  }
}
