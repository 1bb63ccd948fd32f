/** What one RF frame sent from the FIFO cost on air (back door, for tests and benchmarks). */
export interface ExchangeRecord {
  /** Bytes of the transmitted frame, CRC included when TxCRCEn appended it. */
  txBytes: number;
  /** The transmitted frame itself (a copy), so that a benchmark can recompute its timing independently. */
  frame: Uint8Array;
  /** Transmitted data bits. */
  txBits: number;
  /** Bits the receiver got, or null when nothing was received (silence, receiver off, Transmit command). */
  answerBits: number | null;
  /** Tag processing time beyond the ISO 14443-3 minimum frame delay, µs. */
  tagDelayUs: number;
  /** Air time of the exchange (`exchangeUs`: TX frame, frame delay, tag delay, answer), µs. */
  airUs: number;
}

/** Counters kept since construction or the last `resetStats()`. */
export interface Mfrc522Stats {
  /** SPI transfers (each `transfer` or `write` call). */
  transfers: number;
  /** Bytes clocked over SPI. */
  bytes: number;
  /** Total air time of all exchanges and MIFARE authentications, µs (waiting for a timeout is not air time). */
  airUs: number;
  exchanges: ExchangeRecord[];
  /** MFAuthent runs that reached the air. */
  authentications: number;
}

export function emptyStats(): Mfrc522Stats {
  return { transfers: 0, bytes: 0, airUs: 0, exchanges: [], authentications: 0 };
}
