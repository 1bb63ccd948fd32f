import type { Clock } from './clock.js';
import type { Crypto } from './crypto.js';
import type { RecordSigner } from './keys.js';
import type { ChipVersion, PiccReader } from './reader.js';
import type { SegmentStorage } from './storage.js';
import type { Uplink } from './uplink.js';
import type { Buzzer, StatusLed, TextDisplay } from './feedback.js';

/**
 * A trigger button. In trigger mode the scanner reads only while it is held; a board without one polls
 * continuously. `held()` is the debounced state, read once before each poll.
 */
export interface Trigger {
  held(): boolean;
}

/** A button that switches the scanner's step where a site does several (ScannerConfig.steps). */
export interface StepButton {
  /** True once for each debounced press since the last call. */
  pressed(): boolean;
}

/** What `doctor` and the console say about a board: one line per part, in the board's own words. */
export interface BoardDescription {
  /** e.g. "Raspberry Pi (spidev0.0)", "PC with the simulated reader", "simulator". */
  target: string;
  chip: ChipVersion;
  /** Part name to a short description: storage, uplink, feedback, trigger. */
  parts: { [part: string]: string };
}

/**
 * What a target supplies (DESIGN.md "Boards"): its hardware behind the HAL interfaces, nothing of the application.
 * Each target builds one with its own `createBoard` (hal/rpi, the PC runner and the simulator's device in sim/);
 * firmware/app/device.ts does everything else with it.
 */
export interface Board {
  /** The MFRC522 (or the simulated chip) behind ISO 14443-3A, initialised. */
  reader: PiccReader;
  clock: Clock;
  crypto: Crypto;
  signer: RecordSigner;
  /** The medium under the durable queue. */
  storage: SegmentStorage;
  uplink: Uplink;
  led: StatusLed;
  buzzer: Buzzer;
  /** A one- or two-line text display; a board without one shows nothing. */
  display?: TextDisplay;
  trigger?: Trigger;
  stepButton?: StepButton;
  describe(): BoardDescription;
  /** Releases the hardware (SPI, GPIO) once the device has stopped. */
  close?(): void;
}
