// One boot of the simulated scanner: from power-on to the power going away. A new chip and driver over the shared
// RF field, the queue opened on whatever the flash holds (boot recovery), the Scanner and the sync worker. The
// platform glue a real board's entry point has, with a power gate around everything that outlives the boot.
import type { Crypto } from '../../hal/crypto.js';
import type { RecordSigner } from '../../hal/keys.js';
import type { Uplink } from '../../hal/uplink.js';
import type { StepButton } from '../../hal/board.js';
import type { FeedbackParts } from '../../firmware/app/feedback.js';
import type { ScannerConfig, ResetReason } from '../../firmware/app/config.js';
import type { CommissionEvidence } from '../../firmware/records/kinds.js';
import type { Scanner, TapEvent } from '../../firmware/app/scanner.js';
import type { Queue } from '../../firmware/queue/queue.js';
import type { RecoveryReport } from '../../firmware/queue/report.js';
import type { SyncWorker } from '../../firmware/sync/worker.js';
import { Device, type SyncTuning } from '../../firmware/app/device.js';
import type { SimMfrc522 } from '../mfrc522/chip.js';
import type { RfMedium } from '../rf/air.js';
import type { SimClock } from '../clock.js';
import { NorFlash, PowerLossError } from '../flash/nor-flash.js';
import { createSimBoard, type SimBoard } from './board.js';

export type { SyncTuning };

/** Why a boot ended: the power was cut between operations, a cut stopped a flash write, or the firmware threw. */
/** Why a device went dark: a power cut (between operations or during a write), a crash, or its power switch. */
export type DeathCause = 'cut-now' | 'cut-during-write' | 'crash' | 'switched-off';

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
  stepButton?: StepButton;
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
    private readonly board: SimBoard,
    private readonly device: Device,
  ) {}

  get number(): number {
    return this.device.boot;
  }
  get queue(): Queue {
    return this.device.queue;
  }
  get report(): RecoveryReport {
    return this.device.report;
  }
  get scanner(): Scanner {
    return this.device.scanner;
  }
  get sync(): SyncWorker {
    return this.device.sync;
  }
  get chip(): SimMfrc522 {
    return this.board.chip;
  }

  /** Powers the scanner up on `inputs.flash` (which must be a freshly powered flash, see NorFlash.restart). */
  static async boot(inputs: BootInputs): Promise<DeviceBoot> {
    const board = await createSimBoard(inputs);
    let self: DeviceBoot | undefined;
    const device = new Device(board, { config: inputs.config, reset: inputs.reset, sync: inputs.sync, onFailure: (e) => self?.died(e) });
    self = new DeviceBoot(inputs, board, device);
    device.onTap((e) => {
      if (!board.gate.closed) inputs.onTap(e);
    });
    inputs.onStart(self);
    try {
      device.start();
    } catch (e) {
      self.died(e);
    }
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

  /** A packaging station's commission record in this boot's chain (Device.commission): its seq, null when full. */
  commission(c: Omit<CommissionEvidence, 'site'>): number | null {
    return this.device.commission(c);
  }

  /** Ends the boot without a death (the process closes): loops stopped, nothing written afterwards. */
  async halt(): Promise<void> {
    this.end();
    await this.device.stop().catch(() => undefined);
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
    this.board.gate.close();
    // The field goes dark with the chip; tags in it lose power.
    this.inputs.field.setField(false);
    if (!this.inputs.flash.poweredOff) this.inputs.flash.powerOff();
    // Both loops notice at their next step; a rejection they end with is this death, already handled.
    void this.device.stop().catch(() => undefined);
  }
}
