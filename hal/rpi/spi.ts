// The Raspberry Pi's SPI0 through rpio (the native binding mfrc522-rpi also uses), as a chip-select-framed
// SpiDevice. rpio's spiTransfer is synchronous and holds CE0/CE1 low for the whole buffer, which is exactly the
// SpiDevice contract.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { SpiDevice } from '../spi.js';
import { HalError } from '../errors.js';

interface Rpio {
  init(options: { gpiomem?: boolean; mock?: string }): void;
  spiBegin(): void;
  spiChipSelect(cs: number): void;
  spiSetCSPolarity(cs: number, active: number): void;
  spiSetClockDivider(divider: number): void;
  spiSetDataMode(mode: number): void;
  spiTransfer(tx: Buffer, rx: Buffer, len: number): void;
  spiEnd(): void;
  LOW: number;
}

export interface RpioSpiOptions {
  /** Chip-select line: 0 (CE0, GPIO 8, the MFRC522 module's SDA pin in the usual wiring) or 1 (CE1). Default 0. */
  chipSelect?: 0 | 1;
  /** Clock divider of the 250 MHz core clock, even. Default 64 (3.9 MHz; the MFRC522 allows up to 10 MHz). */
  clockDivider?: number;
  /** rpio mock mode (e.g. 'raspi-3'): runs off the Pi, the bus reads back zeros. For tests. */
  mock?: string;
}

export class RpioSpiDevice implements SpiDevice {
  private readonly rpio: Rpio;
  private open = true;

  constructor(options: RpioSpiOptions = {}) {
    // rpio quietly falls back to a mock off the Pi; say plainly that there is no Pi instead.
    if (!options.mock && !isRaspberryPi()) {
      throw new HalError('SPI_IO', 'this machine is not a Raspberry Pi (no "Raspberry Pi" in /proc/device-tree/model)');
    }
    const require = createRequire(import.meta.url);
    try {
      this.rpio = require('rpio') as Rpio;
      this.rpio.init({ gpiomem: false, mock: options.mock });
      this.rpio.spiBegin();
      this.rpio.spiChipSelect(options.chipSelect ?? 0);
      this.rpio.spiSetCSPolarity(options.chipSelect ?? 0, this.rpio.LOW);
      this.rpio.spiSetClockDivider(options.clockDivider ?? 64);
      this.rpio.spiSetDataMode(0);
    } catch (e) {
      throw new HalError(
        'SPI_IO',
        `cannot open SPI0 through rpio (${(e as Error).message}); on a Raspberry Pi enable SPI (raspi-config) and run with access to /dev/mem`,
      );
    }
  }

  transfer(tx: Uint8Array): Uint8Array {
    if (!this.open) throw new HalError('SPI_IO', 'SPI device used after close()');
    const out = Buffer.from(tx);
    const rx = Buffer.alloc(tx.length);
    try {
      this.rpio.spiTransfer(out, rx, tx.length);
    } catch (e) {
      throw new HalError('SPI_IO', `SPI transfer of ${tx.length} bytes failed: ${(e as Error).message}`);
    }
    return new Uint8Array(rx.buffer, rx.byteOffset, rx.length);
  }

  close(): void {
    if (this.open) this.rpio.spiEnd();
    this.open = false;
  }
}

/** True on a Raspberry Pi (device-tree model string). */
export function isRaspberryPi(): boolean {
  try {
    return /Raspberry Pi/.test(readFileSync('/proc/device-tree/model', 'utf8'));
  } catch {
    return false;
  }
}
