/**
 * One simulated scanner, whole: the register-level MFRC522 with our driver over an RF field with virtual tags, a NOR
 * flash holding the durable queue, an Ed25519 identity, the Scanner application and the sync worker talking to an
 * ingest through a simulated network. Boots survive power cuts the way the hardware's do (sim/device/boot.ts).
 */
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Crypto } from '../hal/crypto.js';
import type { DeviceIdentity } from '../hal/keys.js';
import type { Uplink } from '../hal/uplink.js';
import type { ResetReason, ScannerConfig } from '../firmware/app/config.js';
import type { TrustConfig } from '../firmware/seals/verdict.js';
import { createNodeCrypto } from '../hal/node/crypto.js';
import type { SimClock } from './clock.js';
import { RfField } from './rf/field.js';
import { NorFlash } from './flash/nor-flash.js';
import { NetworkConditions, type NetworkSetting } from './network.js';
import { DeviceBoot, type DeathCause, type SyncTuning } from './device/boot.js';
import { FlashFile } from './device/flash-file.js';
import { FrontPanel, type PanelState } from './device/front-panel.js';
import { fileIdentity, memoryIdentity } from './device/identity.js';
import { recoverySummary, tapSummary, type DeviceEvent, type RecoverySummary, type TapSummary } from './device/events.js';
import { DeviceWorld } from './device/world.js';
import { deviceStatus, type SimDeviceStatus } from './device/status.js';

export type { DeviceEvent, TapSummary, RecoverySummary, SimDeviceStatus };

export interface SimDeviceOptions {
  /** VirtualClock (tests, scenarios) or PacedClock (the console). */
  clock: SimClock;
  /** The way to the ingest; the device's {@link SimDevice.network} conditions wrap it. */
  uplink: Uplink;
  /** Seal issuers and originality keys the scanner trusts. */
  trust: TrustConfig;
  /** Default "sim-scanner-1". */
  deviceId?: string;
  /** Default "sim-site-1". */
  site?: string;
  /** Folder for the flash image and the device key; without one everything lives in memory. */
  dataDir?: string;
  /** Flash size in 4 KiB sectors (two hold the queue state). Default 64 (256 KiB). */
  sectors?: number;
  /** Scanner settings beyond id, site, trust and firmware. */
  config?: Partial<ScannerConfig>;
  sync?: SyncTuning;
  crypto?: Crypto;
}

/**
 * Guarantees: at most one boot runs at a time, and after a power cut nothing of the dead boot touches the world
 * again; the flash image (and, with a data folder, its file) holds exactly what the NOR model kept, so a reboot or
 * a restart of the process recovers from it; boot numbers never go back; events are delivered synchronously in the
 * order things happened.
 */
export class SimDevice {
  readonly clock: SimClock;
  readonly field = new RfField();
  readonly network: NetworkConditions;
  /** World face: tags, faults, network, power. */
  readonly world: DeviceWorld;
  readonly identity: DeviceIdentity;
  readonly config: ScannerConfig;
  private flash: NorFlash;
  private readonly file: FlashFile | undefined;
  private readonly crypto: Crypto;
  private current: DeviceBoot | undefined;
  private booting: Promise<RecoverySummary> | undefined;
  private listeners: Array<(e: DeviceEvent) => void> = [];
  private lastDeath: { cause: DeathCause; message: string } | undefined;
  private armed = false;
  private readonly panel: FrontPanel;
  /** Presses of the step button not yet seen by the scanner (it looks before each poll). */
  private stepPresses = 0;

  private constructor(private readonly o: SimDeviceOptions) {
    this.clock = o.clock;
    this.crypto = o.crypto ?? createNodeCrypto();
    const id = o.deviceId ?? 'sim-scanner-1';
    this.config = { deviceId: id, site: o.site ?? 'sim-site-1', firmware: 'sealscan-sim/0.1.0', trust: o.trust, ...o.config };
    const sectorCount = o.sectors ?? 64;
    if (o.dataDir) {
      mkdirSync(o.dataDir, { recursive: true, mode: 0o700 });
      this.file = FlashFile.open(join(o.dataDir, 'flash.bin'), sectorCount * 4096);
      const file = this.file;
      this.flash = new NorFlash({ sectorCount, image: file.read(), clock: o.clock, onWrite: (a, b) => file.write(a, b) });
      this.identity = fileIdentity(join(o.dataDir, 'keys'), id);
    } else {
      this.flash = new NorFlash({ sectorCount, clock: o.clock });
      this.identity = memoryIdentity(id, this.crypto.ed25519!);
    }
    this.panel = new FrontPanel(() => this.clock.wallTime(), (x) => this.emit({ type: 'feedback', at: this.clock.wallTime(), ...x }));
    this.network = new NetworkConditions(o.uplink, o.clock, id);
    this.network.onExchange((exchange) => this.emit({ type: 'uplink', at: exchange.at, exchange, waiting: this.boot ? this.boot.queue.status().unacked : exchange.records }));
    this.world = new DeviceWorld(this, (what, message) => this.emit({ type: 'world', at: this.clock.wallTime(), what, message }));
  }

  /** Makes the device, still off (register its identity with the ingest, then {@link powerOn}). */
  static create(options: SimDeviceOptions): SimDevice {
    return new SimDevice(options);
  }

  /** Makes the device and powers it on. */
  static async start(options: SimDeviceOptions): Promise<SimDevice> {
    const d = new SimDevice(options);
    await d.powerOn('power-on');
    return d;
  }

  /** Listens to everything the device does; returns a function that stops listening. */
  on(listener: (e: DeviceEvent) => void): () => void {
    this.listeners.push(listener);
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** True while a boot runs. */
  get powered(): boolean {
    return !!this.current && !this.current.over;
  }

  /** The running boot (back door for tests: queue, scanner, sync worker); undefined while off. */
  get boot(): DeviceBoot | undefined {
    return this.powered ? this.current : undefined;
  }

  /** Boots on what the flash holds; returns what recovery found. Does nothing but report while already on. */
  powerOn(reset: ResetReason = 'power-on'): Promise<RecoverySummary> {
    if (this.booting) return this.booting;
    if (this.powered) return Promise.resolve(recoverySummary(this.current!.report));
    this.booting = this.bootOnce(reset).finally(() => (this.booting = undefined));
    return this.booting;
  }

  private async bootOnce(reset: ResetReason): Promise<RecoverySummary> {
    if (this.flash.poweredOff) this.flash = this.flash.restart();
    this.armed = false;
    this.stepPresses = 0;
    this.lastDeath = undefined;
    let recovery: RecoverySummary | undefined;
    await DeviceBoot.boot({
      clock: this.clock, field: this.field, flash: this.flash, crypto: this.crypto, signer: this.identity,
      reset, config: this.config, uplink: this.network, sync: this.o.sync ?? {},
      feedback: this.panel.parts,
      stepButton: {
        pressed: () => {
          if (this.stepPresses === 0) return false;
          this.stepPresses--;
          return true;
        },
      },
      onTap: (e) => this.emit({ type: 'tap', at: e.time, tap: tapSummary(e) }),
      onStart: (b) => {
        this.current = b;
        recovery = recoverySummary(b.report);
        this.emit({ type: 'boot', at: this.clock.wallTime(), boot: b.number, reset, recovery });
      },
      onDeath: (cause, error) => this.died(cause, error),
    });
    return recovery!;
  }

  private died(cause: DeathCause, error: unknown): void {
    this.armed = false;
    const message = cause === 'cut-now' ? 'power cut' : cause === 'cut-during-write' ? 'power cut during a flash write' : cause === 'switched-off' ? 'switched off' : 'firmware crashed: ' + (error instanceof Error ? error.stack ?? error.message : String(error));
    this.lastDeath = { cause, message };
    this.panel.dark();
    this.emit({ type: 'power', at: this.clock.wallTime(), state: 'off', cause, message });
  }

  /**
   * World face: cut the power. `now`: between two operations (nothing in flight is written). `next-write`: during
   * the next flash program or erase, which keeps only its first `bytes` bytes (all of them when omitted).
   */
  cutPower(when: 'now' | 'next-write', bytes?: number): void {
    if (!this.powered) return;
    if (when === 'now') this.current!.cutNow();
    else {
      this.flash.cutAfter(1, bytes);
      this.armed = true;
    }
  }

  /**
   * World face: the power switch. The loops stop between two operations (a record being written finishes), so
   * unlike a cut nothing is torn; what is not yet synced stays queued for the next boot.
   */
  async switchOff(): Promise<void> {
    if (!this.powered) return;
    await this.current!.halt();
    this.died('switched-off', undefined);
  }

  /** World face: the step button on the case, pressed once (the scanner switches to its next step at its next poll). */
  pressStepButton(): void {
    if (this.powered) this.stepPresses++;
  }

  /** Ends the running boot and boots again (a watchdog or software reset: the flash keeps every completed write). */
  async reset(reason: 'software' | 'watchdog' = 'software'): Promise<RecoverySummary> {
    if (this.powered) await this.current!.halt();
    return this.powerOn(reason);
  }

  /** True while a cut waits for the next flash write. */
  get cutArmed(): boolean {
    return this.armed;
  }

  /** What the LED, display and buzzer show now (the buzzer: the last pattern and when it started). */
  get ui(): PanelState {
    return this.panel.state();
  }

  setNetwork(setting: Partial<NetworkSetting>): NetworkSetting {
    const s = this.network.set(setting);
    this.emit({ type: 'network', at: this.clock.wallTime(), setting: s });
    return s;
  }

  /** Asks the sync worker to try now (ends a backoff wait). */
  syncNow(): void {
    this.boot?.sync.syncNow();
  }

  status(): SimDeviceStatus {
    return deviceStatus(this, this.boot, this.flash, this.lastDeath);
  }

  /** Back door: a copy of the flash image. */
  flashImage(): Uint8Array {
    return this.flash.image();
  }

  /** Stops the running boot without a power cut and closes the flash file. */
  async close(): Promise<void> {
    if (this.booting) await this.booting.catch(() => undefined);
    if (this.current && !this.current.over) await this.current.halt();
    this.file?.close();
  }

  /** Delivers `e` to every listener (also used by the world face). */
  emit(e: DeviceEvent): void {
    for (const l of this.listeners.slice()) l(e);
  }
}
