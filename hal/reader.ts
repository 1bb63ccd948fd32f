import type { Pcd, RadioResult } from './radio.js';

/** A selected ISO/IEC 14443-3A tag. */
export interface Activation {
  /** 4, 7 or 10 bytes, cascade tags removed. */
  uid: Uint8Array;
  /** ATQA as received: first byte first (NTAG: 44h 00h). */
  atqa: Uint8Array;
  /** SAK of the last cascade level (NTAG 00h, MIFARE Classic 1K 08h). */
  sak: number;
}

/**
 * ISO/IEC 14443-3A on top of a {@link Pcd}: request, anticollision over cascade levels 1 to 3, select, halt.
 * Only one tag is active at a time; the frames sent through `transceive` go to it. Synchronous, as the Pcd is.
 */
export interface PiccReader extends Pcd {
  /** REQA (or WUPA with `wakeup`), then anticollision and select of one tag. `timeout` when no tag answers. */
  activate(options?: { wakeup?: boolean }): RadioResult<Activation>;
  /**
   * Every tag in the field, each found by anticollision, selected, and halted in turn; the list is in the order
   * found. Tags already halted before the call are found too (WUPA). At most `max` (default 16).
   */
  inventory(options?: { max?: number }): RadioResult<Activation[]>;
  /** Wake halted tags (WUPA) and select the one with this UID. */
  select(uid: Uint8Array): RadioResult<Activation>;
  /** HLTA: the active tag goes to HALT. */
  halt(): RadioResult<true>;
}

/** What a reader chip reports about itself. */
export interface ChipVersion {
  /** VersionReg as read. */
  raw: number;
  /** e.g. "MFRC522 v2.0", "FM17522 clone", "unknown (12h)". */
  name: string;
  /** True when the datasheet self-test has a reference table for this version. */
  selfTestKnown: boolean;
}

export interface SelfTestResult {
  pass: boolean;
  version: ChipVersion;
  /** The 64 bytes the chip produced. */
  bytes: Uint8Array;
  /** The datasheet's bytes for this version, or null when none is known. */
  expected: Uint8Array | null;
}

/** Receiver gain in dB as the MFRC522 knows it (RFCfgReg.RxGain). */
export type AntennaGain = 18 | 23 | 33 | 38 | 43 | 48;

/**
 * Chip-level functions power management and `doctor` use. The chip's own self-test is a function of its driver
 * (the MFRC522's: mfrc522SelfTest), so that a device image that never runs it does not carry it.
 */
export interface ReaderChip {
  /** Reset and configure the chip; switches the field on. Throws HalError NO_CHIP when nothing answers. */
  init(): Promise<ChipVersion>;
  version(): ChipVersion;
  setAntennaGain(db: AntennaGain): void;
  antennaGain(): AntennaGain;
  /** Soft power-down (CommandReg.PowerDown); registers keep their values, the field is off. */
  powerDown(): Promise<void>;
  /** Wake from soft power-down and wait until the oscillator runs. */
  powerUp(): Promise<void>;
}
