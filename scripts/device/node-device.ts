// The scanner on Node (a Raspberry Pi, or a PC with the simulated reader): the one place where the Node backends
// are chosen and wired to the platform-free application (DESIGN.md: createBoard per target).
import { join } from 'node:path';
import { createNodeCrypto } from '../../hal/node/crypto.js';
import { SystemClock } from '../../hal/node/clock.js';
import { FileKeyStore } from '../../hal/node/key-store.js';
import { FileSegmentStorage } from '../../hal/node/file-storage.js';
import { HttpUplink } from '../../hal/node/http-uplink.js';
import { createPiFeedback, type PiFeedback } from '../../hal/rpi/feedback.js';
import { RpioSpiDevice } from '../../hal/rpi/spi.js';
import { Mfrc522 } from '../../hal/mfrc522/driver.js';
import { Iso14443aReader } from '../../hal/iso14443a/reader.js';
import type { ChipVersion } from '../../hal/reader.js';
import type { SpiDevice } from '../../hal/spi.js';
import { Queue } from '../../firmware/queue/queue.js';
import type { RecoveryReport } from '../../firmware/queue/report.js';
import { Scanner } from '../../firmware/app/scanner.js';
import { bootNumber } from '../../firmware/app/boot.js';
import { SyncWorker } from '../../firmware/sync/worker.js';
import { VirtualClock } from '../../sim/clock.js';
import { RfField } from '../../sim/rf/field.js';
import { SimMfrc522 } from '../../sim/mfrc522/index.js';
import type { LoadedDevice } from './config-file.js';

export const FIRMWARE_VERSION = 'sealscan-node-0.1.0';

export class DeviceSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceSetupError';
  }
}

export interface NodeDevice {
  scanner: Scanner;
  sync: SyncWorker;
  queue: Queue;
  report: RecoveryReport;
  chip: ChipVersion;
  /** The simulated field when the reader is simulated (place and remove tags on it). */
  field?: RfField;
  stop(): Promise<void>;
}

export function keyStoreOf(dataDir: string): FileKeyStore {
  return new FileKeyStore(join(dataDir, 'keys'));
}

export function openStorage(d: LoadedDevice): FileSegmentStorage {
  return new FileSegmentStorage({ dir: join(d.dataDir, 'queue'), segmentCount: d.raw.queue?.segmentCount, segmentSize: d.raw.queue?.segmentSize });
}

/** Builds and starts the device. `reader`: the MFRC522 on SPI0 of this Pi, or the simulated chip and field. */
export async function startNodeDevice(d: LoadedDevice, reader: 'pi' | 'sim', log: (line: string) => void = console.log): Promise<NodeDevice> {
  const crypto = createNodeCrypto();
  const clock = new SystemClock();
  const identity = keyStoreOf(d.dataDir).load(d.raw.deviceId);
  if (!identity) throw new DeviceSetupError(`no key for ${d.raw.deviceId} in ${join(d.dataDir, 'keys')}; run sealscan provision first`);
  let spi: SpiDevice & { close?: () => void };
  let field: RfField | undefined;
  if (reader === 'pi') spi = new RpioSpiDevice(d.raw.spi ?? {});
  else {
    // The simulated chip keeps its own virtual time for its timer and air time; exchanges finish inside the SPI
    // transfer, so the driver on the system clock never waits for them.
    field = new RfField();
    spi = new SimMfrc522({ clock: new VirtualClock({ epochMs: Date.now() }), field });
  }
  const driver = new Mfrc522(spi, clock);
  const chip = await driver.init();
  const { queue, report } = Queue.open(openStorage(d), { sha256: crypto });
  const feedback: PiFeedback = createPiFeedback(d.raw.gpio ?? {}, log);
  const scanner = new Scanner({
    reader: new Iso14443aReader(driver),
    clock,
    crypto,
    signer: identity,
    queue,
    report,
    boot: bootNumber(report),
    reset: 'power-on',
    feedback,
    config: d.scanner,
  });
  const sync = new SyncWorker({
    device: d.raw.deviceId,
    queue,
    uplink: new HttpUplink(d.raw.ingest, { 'user-agent': FIRMWARE_VERSION }),
    clock,
    sha256: crypto,
  });
  scanner.onTap((e) => {
    if (e.seq !== undefined) sync.syncNow();
  });
  scanner.start();
  sync.start();
  const running = scanner.run();
  return {
    scanner,
    sync,
    queue,
    report,
    chip,
    field,
    async stop() {
      await scanner.stop();
      await running;
      await sync.stop();
      feedback.close();
      if (spi.close) spi.close();
    },
  };
}
