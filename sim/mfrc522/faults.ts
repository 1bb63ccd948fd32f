import type { AirContext, AirExchange, AirFrame, AuthOutcome } from '../rf/air.js';

/**
 * Fault hooks of one simulated chip. Each hook may return a replacement or `undefined` to let the normal model run;
 * every hook is optional and none is installed by default. Hooks may throw (a `HalError('SPI_IO')` from `transfer`
 * is a broken bus).
 */
export interface Mfrc522Faults {
  /** Before an SPI transfer is decoded: return the MISO bytes to answer with instead (e.g. all FFh: no chip). */
  transfer?(tx: Uint8Array): Uint8Array | undefined;
  /**
   * One RF frame from the FIFO. `next()` runs the normal exchange with the field (once; later calls return the same
   * result), so a hook can corrupt a real answer (set `parityError`, drop it, delay it) or replace it.
   */
  exchange?(frame: AirFrame, context: AirContext, next: () => AirExchange): AirExchange | undefined;
  /** One MFAuthent run; `next()` asks the field as the normal model does. */
  authenticate?(keyType: number, block: number, key: Uint8Array, uid4: Uint8Array, next: () => AuthOutcome): AuthOutcome | undefined;
}
