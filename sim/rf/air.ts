/**
 * The air interface between the simulated MFRC522 (sim/mfrc522) and the simulated tags (sim/tags) at 106 kbit/s,
 * ISO/IEC 14443-2/-3 type A. This is the contract between the two halves of the simulator: the chip turns FIFO bytes
 * and framing registers into {@link AirFrame}s and hands them to an {@link RfMedium} (the field); the field delivers
 * them to every powered {@link Picc} and combines the answers bit by bit.
 *
 * Bits are in transmission order: bit 0 of `bytes[0]` goes first (ISO 14443 sends LSB first). Parity bits are not
 * stored: a standard frame carries one odd-parity bit after every complete byte, and a fault can mark it wrong.
 */

export interface AirFrame {
  /** Data bits, LSB first; the last byte may be partial (its high bits are 0). */
  bytes: Uint8Array;
  /** Number of data bits (a short frame like REQA has 7; an anticollision answer can start mid-byte). */
  bits: number;
  /** Set when one or more parity bits were received wrong (a corrupting fault, a weak field). */
  parityError?: boolean;
}

/** Why the PCD sent a frame: whether MIFARE Crypto1 is on (Status2Reg.MFCrypto1On). */
export interface AirContext {
  /** The chip encrypts with Crypto1. Tags outside an authenticated session read this frame as garbage. */
  crypto1: boolean;
}

/** What a tag answers to one frame. */
export interface PiccAnswer {
  frame: AirFrame;
  /**
   * Extra processing time before the answer starts, µs, beyond the minimum frame delay time of ISO 14443-3
   * (an EEPROM write takes milliseconds before its ACK). Default 0.
   */
  delayUs?: number;
}

/** Outcome of MIFARE Classic three-pass authentication, modelled abstractly (no Crypto1 cipher on the wire). */
export type AuthOutcome = 'ok' | 'no-answer' | 'rejected';

/**
 * A tag (PICC) as the field sees it. Each virtual tag is a state machine (IDLE, READY, ACTIVE, HALT and the
 * tag-specific states) driven only by these calls.
 */
export interface Picc {
  /** Human-readable identity for logs: type and UID. */
  readonly label: string;
  /** The field reached the tag (field switched on with the tag in range, or the tag entered a live field). */
  powerOn(): void;
  /** The tag lost power (field off, tag removed): volatile state is lost, it restarts in IDLE next time. */
  powerOff(): void;
  /** One frame from the PCD. `null`: the tag stays silent. */
  receive(frame: AirFrame, context: AirContext): PiccAnswer | null;
  /**
   * MIFARE Classic authentication of `block`'s sector (keyType 0x60 = key A, 0x61 = key B), given the key and the 4
   * UID bytes the reader authenticates with. Only tags that implement Crypto1 have it.
   * 'no-answer': the tag did not answer the auth request (not active, not Classic, block out of range);
   * 'rejected': it answered with a nonce but the reader's token was wrong (wrong key): the tag goes IDLE, silent.
   */
  authenticate?(keyType: number, block: number, key: Uint8Array, uid4: Uint8Array): AuthOutcome;
}

/** What the PCD's receiver got back for one transmitted frame. */
export interface AirExchange {
  /** The superposed answer of every tag that answered, or null when none did. */
  answer: AirFrame | null;
  /** 0-based index in `answer` of the first bit where answering tags disagreed; -1 when they agreed. */
  collisionBit: number;
  /** µs from the end of the PCD's frame to the start of the answer (frame delay time plus tag processing). */
  delayUs: number;
}

/** The RF field as the chip drives it. */
export interface RfMedium {
  /** Antenna drivers on (TxControlReg Tx1RFEn/Tx2RFEn) or off. Switching off powers every tag down. */
  setField(on: boolean): void;
  fieldOn(): boolean;
  /** Sends one frame to every powered tag. With the field off nothing answers. */
  exchange(frame: AirFrame, context: AirContext): AirExchange;
  /** MIFARE Classic authentication, routed to the tags like a frame. */
  authenticate(keyType: number, block: number, key: Uint8Array, uid4: Uint8Array): AuthOutcome;
}
