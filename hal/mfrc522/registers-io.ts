import type { SpiDevice } from '../spi.js';
import { HalError } from '../errors.js';
import { Reg, readAddress, writeAddress, FIFO_SIZE } from './registers.js';
import { copyBytes } from '../bytes.js';

/**
 * Register access over the MFRC522's SPI protocol (data sheet 8.1.2). Each method is exactly one SPI transfer:
 * a read transaction can name a different register in every byte, and a write transaction sends all its data bytes
 * to one register, which is how the FIFO is filled in one burst.
 */
export class RegisterIo {
  constructor(private readonly spi: SpiDevice) {}

  private transfer(tx: Uint8Array): Uint8Array {
    const rx = this.spi.transfer(tx);
    if (rx.length !== tx.length) {
      throw new HalError('SPI_IO', 'SPI transfer of ' + tx.length + ' bytes returned ' + rx.length);
    }
    return rx;
  }

  // The hot methods write the address byte themselves (readAddress/writeAddress in registers.ts say the same):
  // on Espruino a call costs about as much as the rest of a register access.
  read(reg: number): number {
    const tx = new Uint8Array(2);
    tx[0] = ((reg << 1) & 0x7e) | 0x80;
    return this.transfer(tx)[1];
  }

  /** Reads several registers in one transaction; the result is in the order asked. */
  readMany(regs: number[]): Uint8Array {
    const tx = new Uint8Array(regs.length + 1);
    for (let i = 0; i < regs.length; i++) tx[i] = ((regs[i] << 1) & 0x7e) | 0x80;
    return this.transfer(tx).subarray(1);
  }

  write(reg: number, value: number): void {
    const tx = new Uint8Array(2);
    tx[0] = (reg << 1) & 0x7e;
    tx[1] = value & 0xff;
    this.transfer(tx);
  }

  /** Pushes `data` into the FIFO in one burst. */
  writeFifo(data: Uint8Array): void {
    if (data.length > FIFO_SIZE) {
      throw new HalError('BAD_ARGUMENT', 'a frame of ' + data.length + ' bytes does not fit the 64-byte FIFO');
    }
    const tx = new Uint8Array(data.length + 1);
    tx[0] = writeAddress(Reg.FIFODataReg);
    tx.set(data, 1);
    this.transfer(tx);
  }

  /** Pops `n` bytes from the FIFO in one burst. */
  readFifo(n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    const tx = new Uint8Array(n + 1);
    const a = readAddress(Reg.FIFODataReg);
    for (let i = 0; i < n; i++) tx[i] = a;
    return copyBytes(this.transfer(tx), 1);
  }
}
