// The unmodified npm package mfrc522-rpi, as a Raspberry Pi application loads it, typed for the tests that drive the
// simulated chip with it. It requires the native `rpio` at load time; rpio loads on x86 without touching hardware as
// long as no pin is opened.
import { createRequire } from 'node:module';

export interface ToCardResult {
  status: boolean;
  data: number[];
  bitSize: number;
}

/** The part of the package's API the tests use. */
export interface Mfrc522Rpi {
  reset(): void;
  findCard(): { status: boolean | null; bitSize: number | null };
  getUid(): { status: boolean; data: number[] };
  selectCard(uid: number[]): number;
  authenticate(block: number, key: number[], uid: number[]): boolean;
  getDataForBlock(block: number): number[];
  writeDataToBlock(block: number, data: number[]): void;
  stopCrypto(): void;
  calculateCRC(data: number[]): number[];
  toCard(command: number, bytes: number[]): ToCardResult;
  writeRegister(reg: number, value: number): void;
}

/** The package's class; its constructor takes the SPI object (here a SimMfrc522). */
export const MFRC522 = createRequire(import.meta.url)('mfrc522-rpi') as new (spi: unknown) => Mfrc522Rpi;
