// One boot of the simulated scanner: from power-on to the power going away. A new chip and driver over the shared
// RF field, the queue opened on whatever the flash holds (boot recovery), the Scanner and the sync worker. The
// platform glue a real board's entry point has, with a power gate around everything that outlives the boot.
import type { Crypto } from '../../hal/crypto.js';
import type { RecordSigner } from '../../hal/keys.js';
import type { Uplink } from '../../hal/uplink.js';
import type { FeedbackParts } from '../../firmware/app/feedback.js';
import type { ScannerConfig, ResetReason } from '../../firmware/app/config.js';
import { Scanner, type TapEvent } from '../../firmware/app/scanner.js';
import { Queue } from '../../firmware/queue/queue.js';
import type { RecoveryReport } from '../../firmware/queue/report.js';
import { SyncWorker } from '../../firmware/sync/worker.js';
import type { SyncOptions, SyncQueue } from '../../firmware/sync/types.js';
import { bootNumber } from '../../firmware/app/boot.js';
import { Mfrc522 } from '../../hal/mfrc522/driver.js';
import { Iso14443aReader } from '../../hal/iso14443a/reader.js';
import { SimMfrc522 } from '../mfrc522/chip.js';
import type { RfMedium } from '../rf/air.js';
import type { SimClock } from '../clock.js';
import { NorFlash, PowerLossError } from '../flash/nor-flash.js';
import { NorSegmentStorage } from '../flash/nor-segment-storage.js';
import { PowerGate } from './power-gate.js';

/** Sync worker settings a device may choose (the rest is wired by the boot). */
export type SyncTuning = Omit<SyncOptions, 'device' | 'queue' | 'uplink' | 'clock' | 'sha256'>;

/** Why a boot ended: the power was cut between operations, a cut stopped a flash write, or the firmware threw. */
export type DeathCause = 'cut-now' | 'cut-during-write' | 'crash';

export interface BootInputs {
  clock: SimClock;
  field: RfMedium;
  flash: NorFlash;
  crypto: Crypto;
  signer: RecordSigner;
  reset: ResetReason;
  config: ScannerConfig;
  uplink: Uplink;
  sync: SyncTuning;
  feedback: FeedbackParts;
  onTap: (e: TapEvent) => void;
  /** Called once recovery is done and the boot number known, just before the boot record is written. */
  onStart: (boot: DeviceBoot) => void;
  /** Called once, when this boot ends for any reason but a deliberate {@link DeviceBoot.halt}. */
  onDeath: (cause: DeathCause, error: unknown) => void;
}

/**
 * Guarantees: the boot number is one more than the newest record on the flash says (firmware/app/boot.ts); the
 * boot record and any fault record are durable before `boot` resolves (or the boot died trying, and `onDeath` was
 * called); after the boot ends, nothing of it reaches the field, the network or the feedback parts again.
 */
export class DeviceBoot {
  private ended = false;

  private constructor(
    private readonly inputs: BootInputs,
    private readonly gate: PowerGate,
    readonly number: number,
    readonly queue: Queue,
    readonly report: RecoveryReport,
    readonly scanner: Scanner,
    readonly sync: SyncWorker,
    readonly chip: SimMfrc522,
  ) {}

  /** Powers the scanner up on `inputs.flash` (which must be a freshly powered flash, see NorFlash.restart). */
  static async boot(inputs: BootInputs): Promise<DeviceBoot> {
    const gate = new PowerGate();
    const chip = new SimMfrc522({ clock: inputs.clock, field: gate.medium(inputs.field) });
    const driver = new Mfrc522(chip, inputs.clock);
    await driver.init();
    const { queue, report } = Queue.open(new NorSegmentStorage(inputs.flash), { sha256: inputs.crypto });
    const number = bootNumber(report);
    const f = inputs.feedback;
    const scanner = new Scanner({
      reader: new Iso14443aReader(driver),
      clock: inputs.clock,
      crypto: inputs.crypto,
      signer: inputs.signer,
      queue,
      report,
      boot: number,
      reset: inputs.reset,
      feedback: { led: { set: gate.guard((c) => f.led.set(c)) }, buzzer: { play: gate.guard((p) => f.buzzer.play(p)) }, display: { show: gate.guard((h, d) => f.display.show(h, d)) } },
      config: inputs.config,
    });
    let self: DeviceBoot | undefined;
    const sync = new SyncWorker({
      ...inputs.sync,
      device: inputs.config.deviceId,
      queue: guarded(queue, (e) => self?.died(e)),
      uplink: gate.uplink(inputs.uplink),
      clock: inputs.clock,
      sha256: inputs.crypto,
    });
    self = new DeviceBoot(inputs, gate, number, queue, report, scanner, sync, chip);
    scanner.onTap((e) => {
      if (gate.closed) return;
      inputs.onTap(e);
      // A new record is waiting: an idle worker sends it now rather than at its next poll. A worker in backoff
      // keeps its wait, so a failing ingest (or its Retry-After) is not hammered once per scan.
      if (e.seq !== undefined && sync.status().state === 'idle') sync.syncNow();
    });
    inputs.onStart(self);
    try {
      scanner.start();
    } catch (e) {
      self.died(e);
      return self;
    }
    sync.start();
    scanner.run().catch((e: unknown) => self?.died(e));
    return self;
  }

  /** True once this boot is over (power cut, crash or halt). */
  get over(): boolean {
    return this.ended;
  }

  /** The power goes now, between two operations. */
  cutNow(): void {
    this.end();
    this.inputs.onDeath('cut-now', undefined);
  }

  /** Ends the boot without a death (the process closes): loops stopped, nothing written afterwards. */
  async halt(): Promise<void> {
    this.end();
    await Promise.all([this.scanner.stop().catch(() => undefined), this.sync.stop().catch(() => undefined)]);
  }

  /** A PowerLossError or any other throw from the firmware ends the boot. */
  private died(error: unknown): void {
    if (this.ended) return;
    this.end();
    this.inputs.onDeath(error instanceof PowerLossError ? 'cut-during-write' : 'crash', error);
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.gate.close();
    // The field goes dark with the chip; tags in it lose power.
    this.inputs.field.setField(false);
    if (!this.inputs.flash.poweredOff) this.inputs.flash.powerOff();
    // Both loops notice at their next step; a rejection they end with is this death, already handled.
    void this.scanner.stop().catch(() => undefined);
    void this.sync.stop().catch(() => undefined);
  }
}

/** The queue as the sync worker sees it: a power loss inside any call ends the boot before the throw goes on. */
function guarded(queue: Queue, died: (e: unknown) => void): SyncQueue {
  const wrap = <T>(fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      died(e);
      throw e;
    }
  };
  return {
    read: (limits) => wrap(() => queue.read(limits)),
    ack: (seq) => wrap(() => queue.ack(seq)),
    status: () => queue.status(),
  };
}
