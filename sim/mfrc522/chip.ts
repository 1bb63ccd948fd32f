import type { SpiDevice } from '../../hal/spi.js';
import { HalError } from '../../hal/errors.js';
import type { SimTime } from '../clock.js';
import type { RfMedium } from '../rf/air.js';
import { CommandEngine } from './commands.js';
import type { Mfrc522Faults } from './faults.js';
import { RegisterFile } from './register-file.js';
import { hexH } from '../../hal/hex.js';
import { RfPath } from './rf-path.js';
import { ChipState } from './state.js';
import { emptyStats, type Mfrc522Stats } from './stats.js';
import { ErrorBits } from './bits.js';
import { copyBytes } from '../../hal/bytes.js';

export interface SimMfrc522Options {
  clock: SimTime;
  /** The RF field the antenna drives; tags in it answer the chip's frames. */
  field: RfMedium;
  /**
   * VersionReg: 92h MFRC522 v2.0 (default), 91h v1.0, 90h v0.0, 88h FM17522 clone; any other byte is a chip whose
   * self-test matches no table (a counterfeit). Also decides whether DemodReg.TPrescalEven exists (v2.0 only).
   */
  version?: number;
  /** SPI clock, Hz: each transfer costs `tx.length · 8 / spiHz` of virtual time. Default 4 MHz (Arduino's). */
  spiHz?: number;
  /** Fixed cost of one transfer (chip-select, driver call), µs. Default 5. */
  transferOverheadUs?: number;
  /** Seed of Generate RandomID's generator. */
  seed?: number;
  faults?: Mfrc522Faults;
}

/**
 * A register-level NXP MFRC522 (DS Rev 3.9) on an SPI chip-select, running on virtual time.
 *
 * Bus face ({@link SpiDevice}): byte-exact SPI framing (DS §8.1.2.3), the 64 registers of the table in
 * registers.ts, the FIFO, the command engine, the timer, the CRC coprocessor, the self-test and the RF exchange
 * with the tags of `field`. Each transfer advances the clock by its bus time; an RF exchange completes inside the
 * SPI write that starts it and advances the clock by its air time, so drivers that read results right after
 * StartSend work. Touching a bit the model does not implement throws `HalError('UNMODELLED')` naming the register
 * and bit; a malformed address byte throws `HalError('BAD_ARGUMENT')`.
 *
 * Also offers `open()` and `write(tx)` so that mfrc522-rpi, which expects an rpi-softspi object, runs unchanged.
 *
 * World face: {@link hardReset}, {@link powerCycle}, {@link setOverheated}; fault hooks in {@link faults}.
 * Back door (read-only): {@link peek}, {@link stats}, {@link internalBuffer}, {@link irqPin}, {@link fifoContents}.
 */
export class SimMfrc522 implements SpiDevice {
  /** Fault hooks, per instance; empty = the normal model. */
  faults: Mfrc522Faults;
  private readonly clock: SimTime;
  private readonly s: ChipState;
  private readonly regs: RegisterFile;
  private readonly spiHz: number;
  private readonly overheadUs: number;
  private counters: Mfrc522Stats = emptyStats();

  constructor(options: SimMfrc522Options) {
    const version = options.version ?? 0x92;
    if (version !== Math.floor(version) || version < 0 || version > 0xff) {
      throw new HalError('BAD_ARGUMENT', `SimMfrc522: version ${version} is not a byte`);
    }
    this.clock = options.clock;
    this.spiHz = options.spiHz ?? 4_000_000;
    this.overheadUs = options.transferOverheadUs ?? 5;
    if (!(this.spiHz > 0) || !(this.overheadUs >= 0)) {
      throw new HalError('BAD_ARGUMENT', `SimMfrc522: spiHz ${this.spiHz} and transferOverheadUs ${this.overheadUs} must be positive`);
    }
    this.faults = options.faults ?? {};
    this.s = new ChipState(options.clock, options.field, version);
    const rf = new RfPath(this.s, () => this.counters, () => this.faults);
    const engine = new CommandEngine(this.s, rf, options.seed ?? 0x5ea15ca2);
    this.regs = new RegisterFile(this.s, engine, rf);
    this.s.resetRegisters();
  }

  // ---- bus face -------------------------------------------------------------------------------------------------

  /**
   * One chip-select-framed exchange (DS §8.1.2.3). Read: MOSI = addresses with bit 7 set, then 00h; MISO[0] = 00h
   * and MISO[i] = the register named by MOSI[i-1]. Write: MOSI = address, then data bytes that all go to that one
   * register, applied in order (FIFO bursts). Bit 0 of an address byte must be 0.
   */
  transfer(tx: Uint8Array): Uint8Array {
    this.counters.transfers++;
    this.counters.bytes += tx.length;
    this.clock.advance((this.overheadUs + (tx.length * 8 * 1e6) / this.spiHz) / 1000);
    const hook = this.faults.transfer;
    const faked = hook && hook(tx);
    if (faked) return faked;
    const rx = new Uint8Array(tx.length);
    if (tx.length === 0) return rx;
    const first = tx[0];
    checkAddress(first, 0);
    if (first & 0x80) {
      // Check the whole transaction first, so that a malformed one pops nothing from the FIFO.
      for (let i = 1; i < tx.length; i++) {
        const b = tx[i];
        // The closing byte is 00h (DS Table 6); any other byte must be a read address too.
        if (i === tx.length - 1 && b === 0x00) continue;
        checkAddress(b, i);
        if (!(b & 0x80)) {
          throw new HalError('BAD_ARGUMENT', `SPI byte ${i} (${hexH(b)}) is a write address inside a read transaction`);
        }
      }
      for (let i = 1; i < tx.length; i++) rx[i] = this.regs.read((tx[i - 1] >> 1) & 0x3f);
    } else {
      const addr = first >> 1;
      for (let i = 1; i < tx.length; i++) this.regs.write(addr, tx[i]);
    }
    return rx;
  }

  /** rpi-softspi compatibility: nothing to open. */
  open(): this {
    return this;
  }

  /** rpi-softspi compatibility: a transfer whose MISO bytes are dropped. */
  write(tx: Uint8Array): void {
    this.transfer(tx);
  }

  // ---- world face -----------------------------------------------------------------------------------------------

  /** A pulse on NRSTPD: registers to reset values, FIFO emptied, field off; the internal buffer is kept (DS §8.8.1). */
  hardReset(): void {
    this.s.resetRegisters();
  }

  /** Power removed and restored: as {@link hardReset}, and the internal buffer is lost too (zeros). */
  powerCycle(): void {
    this.s.buffer.fill(0);
    this.s.resetRegisters();
  }

  /**
   * The die passes 125 °C (or cools down). Hot: ErrorReg.TempErr (ErrIRq) and the antenna drivers switch off.
   * Cooled: TempErr stays until the host writes Status2Reg.TempSensClear = 1 (DS §9.3.1.7, §9.3.1.9).
   */
  setOverheated(hot: boolean): void {
    this.s.sync();
    this.s.hot = hot;
    if (hot) this.s.setError(ErrorBits.TempErr);
    this.s.updateField();
  }

  // ---- back door (read-only) ------------------------------------------------------------------------------------

  /**
   * A register as the host would read it now, without side effects (no FIFO pop: FIFODataReg shows the oldest byte
   * or 00h) and without throwing for reserved or unmodelled registers (they show their reset value). Like every
   * access it first catches the model up with virtual time (a timer that ran out shows TimerIRq).
   */
  peek(reg: number): number {
    if (reg !== Math.floor(reg) || reg < 0 || reg > 0x3f) throw new HalError('BAD_ARGUMENT', `peek: register ${reg} is not 00h..3Fh`);
    return this.regs.read(reg, true);
  }

  get stats(): Readonly<Mfrc522Stats> {
    return this.counters;
  }

  resetStats(): void {
    this.counters = emptyStats();
  }

  /** A copy of the 25-byte internal buffer of the Mem and Generate RandomID commands. */
  get internalBuffer(): Uint8Array {
    return copyBytes(this.s.buffer);
  }

  /** A copy of the FIFO, oldest byte first. */
  fifoContents(): Uint8Array {
    return this.s.fifo.contents();
  }

  /**
   * Level of the IRQ pin, true = high: Status1Reg.IRq, inverted by ComIEnReg.IRqInv (set at reset, so an idle chip's
   * pin is high). With DivIEnReg.IRQPushPull = 0 the pin is open drain; this assumes the usual pull-up.
   */
  get irqPin(): boolean {
    this.s.sync();
    return this.s.irqPinHigh();
  }

  /** True while the antenna radiates (a driver enabled, awake, not overheated). */
  get fieldOn(): boolean {
    this.s.sync();
    return this.s.fieldWanted();
  }
}

function checkAddress(b: number, i: number): void {
  if (b & 0x01) {
    throw new HalError('BAD_ARGUMENT', `SPI byte ${i} (${hexH(b)}) is not an MFRC522 address byte: bit 0 must be 0 (DS §8.1.2.3)`);
  }
}
