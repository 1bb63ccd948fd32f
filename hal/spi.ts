/**
 * One chip behind its own chip-select line on an SPI bus (embedded-hal's `SpiDevice`, not the bus).
 *
 * Guarantees an implementation must give:
 * - `transfer` is one full-duplex exchange: chip-select is asserted before the first byte and released after the
 *   last, and is never released in between. The returned array has exactly `tx.length` bytes, byte `i` being what
 *   was clocked in while `tx[i]` was clocked out.
 * - It is synchronous. Both real backends are (Linux spidev `transferSync`, Espruino `spi.send(data, cs)`), and the
 *   MFRC522 register protocol is a stream of short exchanges where an event-loop turn per byte would dominate.
 *   Anything that has to wait goes through the injected {@link Clock}.
 * - Bus configuration (mode 0, MSB first, clock rate, CS delays) is fixed when the device is built, not here.
 *
 * A broken bus throws {@link HalError} with code `SPI_IO`; nothing else throws.
 */
export interface SpiDevice {
  transfer(tx: Uint8Array): Uint8Array;
}
