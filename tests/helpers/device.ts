/** A whole simulated scanner for tests: reader world, NOR-flash queue, Ed25519 identity, recorded feedback. */
import { badge, config, crypto, deviceKey, DEVICE, issuer } from '../../sim/sweeps/scanner-kit.js';
import { sealTag } from '../../firmware/seals/sealer.js';
export { badge, config, crypto, deviceKey, DEVICE, issuer } from '../../sim/sweeps/scanner-kit.js';
import { world, type World } from '../../sim/sweeps/world.js';
import { NorFlash } from '../../sim/flash/nor-flash.js';
import { NorSegmentStorage } from '../../sim/flash/nor-segment-storage.js';
import { Queue } from '../../firmware/queue/queue.js';
import { Scanner } from '../../firmware/app/scanner.js';
import { bootNumber } from '../../firmware/app/boot.js';
import type { ScannerConfig } from '../../firmware/app/config.js';
import { ed25519Signer } from '../../firmware/records/signers.js';
import { verifyRecords } from '../../firmware/records/verify.js';
import type { BeepPattern, LedColor } from '../../hal/feedback.js';
import type { Crypto } from '../../hal/crypto.js';
import type { RecordSigner } from '../../hal/keys.js';
import type { Picc } from '../../sim/rf/air.js';

export interface Ui {
  led: LedColor[];
  beeps: BeepPattern[];
  lines: string[];
}

export interface Device {
  w: World;
  flash: NorFlash;
  queue: Queue;
  scanner: Scanner;
  ui: Ui;
  report: ReturnType<typeof Queue.open>['report'];
}

export interface DeviceOptions {
  tags?: Picc[];
  image?: Uint8Array;
  boot?: number;
  config?: Partial<ScannerConfig>;
  sectors?: number;
  /** The board's crypto (default: Node's, with everything); e.g. without `ed25519` and `originality`, as on Espruino. */
  crypto?: Crypto;
  /** How records are signed (default: Ed25519 with the kit's device key). */
  signer?: RecordSigner;
}

export async function device(options: DeviceOptions = {}): Promise<Device> {
  const w = await world(options.tags ?? []);
  const flash = new NorFlash({ sectorCount: options.sectors ?? 64, image: options.image });
  const storage = new NorSegmentStorage(flash);
  const { queue, report } = Queue.open(storage, { sha256: crypto });
  const ui: Ui = { led: [], beeps: [], lines: [] };
  const scanner = new Scanner({
    reader: w.reader,
    clock: w.clock,
    crypto: options.crypto ?? crypto,
    signer: options.signer ?? ed25519Signer(crypto.ed25519!, deviceKey.privateKey),
    queue,
    report,
    boot: options.boot ?? bootNumber(report),
    reset: 'power-on',
    feedback: {
      led: { set: (c) => ui.led.push(c) },
      buzzer: { play: (p) => ui.beeps.push(p) },
      display: { show: (h, d) => ui.lines.push(h + (d ? ' | ' + d : '')) },
    },
    config: config(options.config),
  });
  return { w, flash, queue, scanner, ui, report };
}

export const LINK = 'https://id.gs1.org/01/09506000134352/21/42';

/** `tag` sealed by the kit's issuer (the one the kit's scanner trusts) with `link`, as a packaging station does. */
export async function sealed<T extends Picc>(tag: T, link = LINK): Promise<T> {
  const w = await world([tag]);
  const a = await w.reader.activate();
  if (!a.ok) throw new Error(a.message);
  const s = await sealTag(w.reader, a.value, { link, issuer, sealedAt: Math.floor(w.clock.wallTime() / 1000) }, crypto);
  if (!s.ok) throw new Error(JSON.stringify(s));
  w.field.remove(tag);
  return tag;
}

/** Places `tag`, polls once, removes it (a tap). */
export async function tapOnce(d: Device, tag: Picc) {
  d.w.field.place(tag);
  const e = await d.scanner.pollOnce();
  d.w.field.remove(tag);
  return e;
}

/** Every record still in the queue (acked ones excluded). */
export function queued(q: Queue): Uint8Array[] {
  return q.read({ maxCount: 100000, maxBytes: 1 << 30 }).map((e) => e.record);
}

export function verify(records: Uint8Array[]) {
  return verifyRecords(records, (id) => (id === DEVICE ? { alg: -8, publicKey: deviceKey.publicKey } : undefined), crypto);
}
