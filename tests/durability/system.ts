// The whole store-and-forward system on one virtual clock: a simulated scanner (register-level MFRC522, NOR flash,
// queue, Scanner, SyncWorker) and an in-process ingest (the real Ingest over an in-memory SQLite store). The uplink
// hands each request body straight to the Ingest (tests/sync/helpers.ts ScriptedUplink) instead of a loopback
// socket: socket I/O is real time, and while bytes were in flight the virtual clock would leap past every request
// timeout; in-process, a pass is deterministic for its seed and a request costs microseconds.
import { VirtualClock } from '../../sim/clock.js';
import { RfField } from '../../sim/rf/field.js';
import { SimMfrc522 } from '../../sim/mfrc522/index.js';
import { NorFlash, PowerLossError } from '../../sim/flash/nor-flash.js';
import { NorSegmentStorage } from '../../sim/flash/nor-segment-storage.js';
import { Mfrc522 } from '../../hal/mfrc522/driver.js';
import { Iso14443aReader } from '../../hal/iso14443a/reader.js';
import type { Uplink, UplinkRequest, UplinkResult } from '../../hal/uplink.js';
import { Queue } from '../../firmware/queue/queue.js';
import type { RecoveryReport } from '../../firmware/queue/report.js';
import { Scanner } from '../../firmware/app/scanner.js';
import { bootNumber } from '../../firmware/app/boot.js';
import { SyncWorker } from '../../firmware/sync/worker.js';
import type { SyncQueue } from '../../firmware/sync/types.js';
import type { Ingest } from '../../upstream/ingest.js';
import type { SqliteStore } from '../../upstream/sqlite-store.js';
import { config } from '../helpers/device.js';
import { ed25519Device, crypto, type TestDevice } from '../records/fixtures.js';
import { memoryIngest, prng, ScriptedUplink } from '../sync/helpers.js';
import { Ledger } from './ledger.js';

export const SWEEP_DEVICE: TestDevice = ed25519Device('sweep-scanner-1');

export const isPowerLoss = (e: unknown): boolean => e instanceof PowerLossError || (e as Error | undefined)?.name === 'PowerLossError';

export interface SystemOptions {
  seed: number;
  /** Flash sectors: 2 state sectors, the rest one-sector segments. */
  sectors: number;
  checkpointEvery: number;
  /** Virtual-time windows [from, to) in ms when the network is down. */
  outages: Array<[number, number]>;
  /** Share of requests whose answer is lost after the ingest committed (the device resends: duplicates). */
  lostAnswers: number;
}

/** One power-up of the scanner. Dead once its flash lost power; every part of it then stops touching the world. */
export interface Boot {
  number: number;
  flash: NorFlash;
  queue: Queue;
  report: RecoveryReport;
  scanner: Scanner;
  sync: SyncWorker;
}

/** Flash operations a boot has used (programs and erases, the cut one included). */
export const opsOf = (f: NorFlash) => f.stats.programs + f.stats.erases;

/**
 * The queue as the sync worker of a dead boot sees it: once the power is gone its reads find nothing and its acks
 * go nowhere, so the worker winds down instead of throwing out of its loop (a real device would simply stop).
 */
function powered(queue: Queue, flash: NorFlash): SyncQueue {
  const guard = <T>(fn: () => T, dead: T): T => {
    try {
      return fn();
    } catch (e) {
      if (isPowerLoss(e) && flash.poweredOff) return dead;
      throw e;
    }
  };
  return {
    read: (limits) => guard(() => queue.read(limits), []),
    ack: (seq) => guard(() => queue.ack(seq), undefined),
    status: () => queue.status(),
  };
}

/** The network between the scanner and the ingest: down in the outage windows, and dead with the boot. */
class FieldUplink implements Uplink {
  constructor(
    private readonly sys: SimSystem,
    private readonly flash: NorFlash,
  ) {}

  async request(req: UplinkRequest): Promise<UplinkResult> {
    if (this.flash.poweredOff) return { ok: false, reason: 'unreachable', message: 'the scanner has no power' };
    const now = this.sys.clock.now();
    if (this.sys.options.outages.some(([a, b]) => now >= a && now < b)) return { ok: false, reason: 'unreachable', message: 'network down' };
    const r = await this.sys.wire.request(req);
    if (r.ok && this.sys.random() < this.sys.options.lostAnswers) return { ok: false, reason: 'reset', message: 'answer lost after the ingest committed' };
    return r;
  }
}

export class SimSystem {
  readonly clock = new VirtualClock();
  readonly field = new RfField();
  readonly ledger = new Ledger();
  readonly random: () => number;
  readonly wire: ScriptedUplink;

  private constructor(
    readonly options: SystemOptions,
    readonly ingest: Ingest,
    readonly store: SqliteStore,
  ) {
    this.random = prng(options.seed * 104729 + 3);
    this.wire = new ScriptedUplink(ingest, () => this.clock.now());
  }

  static async create(options: SystemOptions): Promise<SimSystem> {
    const { ingest, store } = await memoryIngest(SWEEP_DEVICE);
    return new SimSystem(options, ingest, store);
  }

  /**
   * Powers the scanner up on `image` (erased flash when undefined) with a cut armed after `cut.ops` more flash
   * operations. Returns the running boot, or the dead flash when the power failed during recovery or start.
   * `check` runs between recovery and the first record of the boot (the scanner has written nothing yet).
   */
  async powerUp(image: Uint8Array | undefined, cut: { ops: number; bytes: number | undefined }, check: (b: Omit<Boot, 'scanner' | 'sync'>) => Promise<void>): Promise<Boot | { dead: NorFlash }> {
    const flash = new NorFlash({ sectorCount: this.options.sectors, image, clock: this.clock });
    flash.cutAfter(cut.ops, cut.bytes);
    let queue: Queue;
    let report: RecoveryReport;
    try {
      ({ queue, report } = Queue.open(new NorSegmentStorage(flash), { sha256: crypto }));
    } catch (e) {
      if (isPowerLoss(e)) return { dead: flash };
      throw e;
    }
    // Recovery's last erase may have been the cut one (it completed; the power went right after).
    if (flash.poweredOff) return { dead: flash };
    const number = bootNumber(report);
    await check({ number, flash, queue, report });
    this.ledger.watch(queue, flash, number);
    const chip = new SimMfrc522({ clock: this.clock, field: this.field });
    const driver = new Mfrc522(chip, this.clock);
    await driver.init();
    const scanner = new Scanner({
      reader: new Iso14443aReader(driver),
      clock: this.clock,
      crypto,
      signer: SWEEP_DEVICE.signer,
      queue,
      report,
      boot: number,
      reset: 'power-on',
      feedback: { led: { set: () => undefined }, buzzer: { play: () => undefined }, display: { show: () => undefined } },
      config: config({ deviceId: SWEEP_DEVICE.id, dedupeWindowMs: 0, checkpointEvery: this.options.checkpointEvery }),
    });
    const sync = new SyncWorker({
      device: SWEEP_DEVICE.id,
      queue: powered(queue, flash),
      uplink: new FieldUplink(this, flash),
      clock: this.clock,
      sha256: crypto,
      random: this.random,
      maxCount: 40,
    });
    scanner.onTap((e) => {
      if (e.seq !== undefined) {
        this.ledger.tell(e.seq);
        sync.syncNow();
      }
    });
    try {
      scanner.start();
    } catch (e) {
      if (isPowerLoss(e)) return { dead: flash };
      throw e;
    }
    sync.start();
    return { number, flash, queue, report, scanner, sync };
  }
}
