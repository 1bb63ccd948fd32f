import type { Clock } from '../clock.js';
import type { ChipVersion } from '../reader.js';
import type { SpiDevice } from '../spi.js';
import { Iso14443aReader } from '../iso14443a/reader.js';
import { Mfrc522, type Mfrc522Options } from './driver.js';

/** An MFRC522 behind ISO 14443-3A, ready to read: what every board and reader command builds from its SPI device. */
export interface OpenedReader {
  driver: Mfrc522;
  reader: Iso14443aReader;
  chip: ChipVersion;
}

/** Initialises the chip on `spi` (soft reset, version, antenna on) and puts the ISO 14443-3A reader on it. */
export async function openMfrc522(spi: SpiDevice, clock: Clock, options?: Mfrc522Options): Promise<OpenedReader> {
  const driver = new Mfrc522(spi, clock, options);
  const chip = await driver.init();
  return { driver: driver, reader: new Iso14443aReader(driver), chip: chip };
}
