// The Raspberry Pi's SPI through the kernel's spidev driver (/dev/spidevB.C) with the `spi-device` package: works on
// every Pi from the 3 to the 5 (RP1) as a user in the spi group, where rpio needed /dev/mem and root. One message per
// transfer keeps chip-select low for the whole buffer, which is the SpiDevice contract.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { SpiDevice } from '../spi.js';
import { HalError } from '../errors.js';

/** The part of the `spi-device` package used here. */
export interface SpiDeviceModule {
  openSync(bus: number, device: number, options: { mode: number; maxSpeedHz: number }): SpiDeviceHandle;
}

export interface SpiDeviceHandle {
  transferSync(messages: Array<{ sendBuffer: Buffer; receiveBuffer: Buffer; byteLength: number; speedHz?: number }>): SpiDeviceHandle;
  closeSync(): void;
}

export interface SpidevOptions {
  /** SPI bus: 0 on the header. Default 0. */
  bus?: number;
  /** Chip-select: 0 (CE0, GPIO 8, pin 24) or 1 (CE1, GPIO 7, pin 26). Default 0. */
  chipSelect?: number;
  /** Clock, Hz. Default 4 MHz; the MFRC522 allows at most 10 MHz. */
  speedHz?: number;
  /** The `spi-device` module (tests pass a fake wired to the simulated chip). Default: the installed package. */
  module?: SpiDeviceModule;
}

export const DEFAULT_SPI_HZ = 4_000_000;
export const MAX_SPI_HZ = 10_000_000;

function loadModule(): SpiDeviceModule {
  try {
    return createRequire(import.meta.url)('spi-device') as SpiDeviceModule;
  } catch (e) {
    throw new HalError('SPI_IO', `the spi-device package is not installed or did not build (${(e as Error).message}); on the Pi run npm ci in the install folder`);
  }
}

export class SpidevSpiDevice implements SpiDevice {
  readonly path: string;
  readonly speedHz: number;
  private handle: SpiDeviceHandle | undefined;

  constructor(options: SpidevOptions = {}) {
    const bus = options.bus ?? 0;
    const cs = options.chipSelect ?? 0;
    const speed = options.speedHz ?? DEFAULT_SPI_HZ;
    if (!Number.isInteger(bus) || bus < 0) throw new HalError('BAD_ARGUMENT', `spi.bus: ${bus} is not an SPI bus number`);
    if (cs !== 0 && cs !== 1) throw new HalError('BAD_ARGUMENT', `spi.chipSelect: ${cs} must be 0 (CE0) or 1 (CE1)`);
    if (!Number.isInteger(speed) || speed < 100_000 || speed > MAX_SPI_HZ) throw new HalError('BAD_ARGUMENT', `spi.speedHz: ${speed} must be a whole number from 100000 to ${MAX_SPI_HZ} (the MFRC522's limit)`);
    this.path = `/dev/spidev${bus}.${cs}`;
    this.speedHz = speed;
    if (!options.module && !isRaspberryPi()) throw new HalError('SPI_IO', 'this machine is not a Raspberry Pi (no "Raspberry Pi" in /proc/device-tree/model)');
    const mod = options.module ?? loadModule();
    try {
      this.handle = mod.openSync(bus, cs, { mode: 0, maxSpeedHz: speed });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new HalError('SPI_IO', `${this.path} does not exist: SPI is not enabled (sudo raspi-config nonint do_spi 0, or dtparam=spi=on in config.txt, then reboot)`);
      if (code === 'EACCES' || code === 'EPERM') throw new HalError('SPI_IO', `${this.path} cannot be opened by this user: join the spi group (sudo usermod -aG spi $USER, then log in again)`);
      throw new HalError('SPI_IO', `cannot open ${this.path}: ${(e as Error).message}`);
    }
  }

  transfer(tx: Uint8Array): Uint8Array {
    if (!this.handle) throw new HalError('SPI_IO', `${this.path} used after close()`);
    const send = Buffer.from(tx.buffer, tx.byteOffset, tx.byteLength);
    const receive = Buffer.alloc(tx.length);
    try {
      this.handle.transferSync([{ sendBuffer: send, receiveBuffer: receive, byteLength: tx.length, speedHz: this.speedHz }]);
    } catch (e) {
      throw new HalError('SPI_IO', `${this.path}: transfer of ${tx.length} bytes failed: ${(e as Error).message}`);
    }
    return new Uint8Array(receive.buffer, receive.byteOffset, receive.length);
  }

  close(): void {
    if (!this.handle) return;
    this.handle.closeSync();
    this.handle = undefined;
  }
}

/** True on a Raspberry Pi (the device tree names the model). */
export function isRaspberryPi(): boolean {
  try {
    return /Raspberry Pi/.test(readFileSync('/proc/device-tree/model', 'utf8'));
  } catch {
    return false;
  }
}
