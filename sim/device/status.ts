// A simulated scanner's state as one JSON-safe snapshot, for the console's status panel and tests.
import type { PanelState } from './front-panel.js';
import type { QueueStatus } from '../../firmware/queue/queue.js';
import type { SyncStatus } from '../../firmware/sync/types.js';
import type { NorFlash } from '../flash/nor-flash.js';
import type { NetworkSetting } from '../network.js';
import type { DeviceBoot, DeathCause } from './boot.js';
import { recoverySummary, type RecoverySummary } from './events.js';

export interface SimDeviceStatus {
  device: string;
  site: string;
  power: 'on' | 'off';
  /** Why the power went, while off. */
  off?: { cause: DeathCause; message: string };
  /** Device wall time, ms since the Unix epoch. */
  time: number;
  boot: number | null;
  recovery: RecoverySummary | null;
  ui: PanelState;
  inspector: string | null;
  /** The step scans record now (null while off), and the steps the step button cycles through. */
  step: string | null;
  steps: string[];
  scans: number;
  /** Null while off. `oldestUnackedAgeMs`: how long the oldest unsynced record has waited, in device time. */
  queue: (QueueStatus & { oldestUnackedAgeMs: number | null }) | null;
  sync: SyncStatus | null;
  network: NetworkSetting;
  reader: { tags: string[]; weakField: boolean };
  flash: { bytes: number; programs: number; erases: number; cutArmed: boolean };
}

/** What the status needs of its device. */
export interface StatusHost {
  readonly config: { deviceId: string; site: string };
  readonly clock: { wallTime(): number };
  readonly ui: SimDeviceStatus['ui'];
  readonly cutArmed: boolean;
  readonly network: { readonly setting: NetworkSetting };
  readonly world: { tags(): Array<{ label: string }>; readonly weakField: boolean };
}

export function deviceStatus(d: StatusHost, boot: DeviceBoot | undefined, flash: NorFlash, off: SimDeviceStatus['off']): SimDeviceStatus {
  const now = d.clock.wallTime();
  const s: SimDeviceStatus = {
    device: d.config.deviceId,
    site: d.config.site,
    power: boot ? 'on' : 'off',
    time: now,
    boot: boot ? boot.number : null,
    recovery: boot ? recoverySummary(boot.report) : null,
    ui: d.ui,
    inspector: null,
    step: null,
    steps: [],
    scans: 0,
    queue: null,
    sync: null,
    network: d.network.setting,
    reader: { tags: d.world.tags().map((t) => t.label), weakField: d.world.weakField },
    flash: { bytes: flash.size, programs: flash.stats.programs, erases: flash.stats.erases, cutArmed: d.cutArmed },
  };
  if (!boot && off) s.off = off;
  if (boot) {
    const sc = boot.scanner.status();
    s.inspector = sc.inspector;
    s.step = sc.step;
    s.steps = sc.steps;
    s.scans = sc.scans;
    const q = sc.queue;
    s.queue = { ...q, oldestUnackedAgeMs: q.oldestUnackedTime === undefined ? null : Math.max(0, now - q.oldestUnackedTime) };
    s.sync = boot.sync.status();
  }
  return s;
}
