// The whole store-and-forward system on one virtual clock: a simulated scanner (register-level MFRC522, NOR flash,
// queue, Scanner, SyncWorker) and an in-process ingest (the real Ingest over an in-memory SQLite store). The uplink
// hands each request body straight to the Ingest (tests/sync/helpers.ts ScriptedUplink) instead of a loopback
// socket: socket I/O is real time, and while bytes were in flight the virtual clock would leap past every request
// timeout; in-process, a pass is deterministic for its seed and a request costs microseconds.
import { VirtualClock } from '../clock.js';
import { RfField } from '../rf/field.js';
import { createSimBoard } from '../device/board.js';
import type { Queue } from '../../firmware/queue/queue.js';
import type { Scanner } from '../../firmware/app/scanner.js';
import type { SyncWorker } from '../../firmware/sync/worker.js';
import { Device } from '../../firmware/app/device.js';
import { NorFlash, PowerLossError } from '../flash/nor-flash.js';
import type { Uplink, UplinkRequest, UplinkResult } from '../../hal/uplink.js';
import type { RecoveryReport } from '../../firmware/queue/report.js';
import type { Ingest } from '../../upstream/ingest.js';
import type { SqliteStore } from '../../upstream/sqlite-store.js';
import { config } from './scanner-kit.js';
import { ed25519Device, crypto, type TestDevice } from './fixtures.js';
import { memoryIngest, prng, ScriptedUplink } from './ingest-kit.js';
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
  /** Errors other than a power loss that ended a boot. */
  readonly failures: unknown[] = [];

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
    const quiet = { led: { set: () => undefined }, buzzer: { play: () => undefined }, display: { show: () => undefined } };
    const board = await createSimBoard({ clock: this.clock, field: this.field, flash, crypto, signer: SWEEP_DEVICE.signer, uplink: new FieldUplink(this, flash), feedback: quiet });
    let device: Device;
    try {
      device = new Device(board, {
        config: config({ deviceId: SWEEP_DEVICE.id, dedupeWindowMs: 0, checkpointEvery: this.options.checkpointEvery }),
        sync: { random: this.random, maxCount: 40 },
        polling: 'manual',
        // A power loss under the sync worker ends the boot (the sweep sees the flash powered off); anything else is
        // a failure the sweep reports.
        onFailure: (e) => {
          if (!isPowerLoss(e)) this.failures.push(e);
        },
      });
    } catch (e) {
      if (isPowerLoss(e)) return { dead: flash };
      throw e;
    }
    // Recovery's last erase may have been the cut one (it completed; the power went right after).
    if (flash.poweredOff) return { dead: flash };
    const { queue, report, boot: number } = device;
    await check({ number, flash, queue, report });
    this.ledger.watch(queue, flash, number);
    device.onTap((e) => {
      if (e.seq !== undefined) this.ledger.tell(e.seq);
    });
    try {
      device.start();
    } catch (e) {
      if (isPowerLoss(e)) return { dead: flash };
      throw e;
    }
    return { number, flash, queue, report, scanner: device.scanner, sync: device.sync };
  }
}
