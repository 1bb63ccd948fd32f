import type { SpiDevice } from '../spi.js';
import type { Clock } from '../clock.js';
import type { Frame, Pcd, RadioResult, TransceiveOptions } from '../radio.js';
import type { AntennaGain, ChipVersion, ReaderChip } from '../reader.js';
import { radioError, radioOk } from '../radio.js';
import { HalError } from '../errors.js';
import { hexBytes } from '../hex.js';
import { RegisterIo } from './registers-io.js';
import {
  BitFraming, Cmd, CommandBits, ComIrq, Coll, Control, DivIrq, ErrorBits, FIFOLevel, FIFO_SIZE, Reg, Status2, TMode,
  TxControl, TxRxMode,
} from './registers.js';
import { describeVersion } from './selftest.js';
import { waitUntil } from './wait.js';
import { gainCode, gainFromCode } from './gain.js';
import { TimerConfig } from './timer.js';
import { copyBytes } from '../bytes.js';

export interface Mfrc522Options {
  /** Receiver gain applied at every init. Default 33 dB (the chip's reset value). */
  antennaGain?: AntennaGain;
  /** How long the tag may take to answer when the caller does not say, µs. Default 5000. */
  defaultTimeoutUs?: number;
}

const ALL_IRQ_CLEAR = 0x7f;
/** MFAuthent takes four frames on air; real cards finish well under 10 ms. */
const AUTH_TIMEOUT_US = 10000;
/**
 * The shortest time one poll can take: a 2-byte transfer at the chip's fastest SPI clock (10 MHz, data sheet 8.1.2)
 * is 1.6 µs. Bounding the polls by guard / this never ends a wait before the clock guard would on a real bus; it
 * only ends the loop on a clock that does not move.
 */
const MIN_POLL_US = 1.6;

/** How messages name a frame: made only for an error, since hex text on every exchange costs Espruino dearly. */
function frameText(frame: Uint8Array): string {
  return 'frame ' + hexBytes(frame, 8);
}

/**
 * NXP MFRC522 driver over a chip-select-framed SPI device.
 *
 * The radio path ({@link Pcd}) is synchronous, like the SPI under it: an exchange completes in milliseconds, so the
 * driver polls ComIrqReg in a bounded loop until the command ends, as mfrc522-rpi and the Arduino library do, and
 * a tap does not pay Espruino's cost per pending async call. The chip's own timer (TAuto, TReload) ends an exchange
 * nobody answers and times the field-off of {@link resetField}; the clock is only read, as a guard in case the
 * chip never raises an IRQ. Only the oscillator waits of init, self-test and wake-up, outside the tap path, sleep
 * on the injected clock. The data sheet's self-test is {@link mfrc522SelfTest} (selftest.ts), outside the class so
 * that an image that never runs it does not carry it.
 *
 * The driver keeps a shadow of the registers it owns (command, Tx/RxModeReg, TReload, FIFO state) so that an
 * exchange costs five or six SPI transfers: clear IRQs, fill the FIFO in one burst, StartSend, one combined status
 * read, drain the FIFO in one burst. Radio outcomes are {@link RadioResult}s; broken hardware throws
 * {@link HalError}.
 */
export class Mfrc522 implements Pcd, ReaderChip {
  readonly io: RegisterIo;
  private readonly defaultTimeoutUs: number;
  private gain: AntennaGain;
  private chip: ChipVersion | null = null;
  private readonly timer = new TimerConfig();
  // Shadow state, valid after init().
  private command: number = Cmd.Idle;
  private txMode = 0;
  private rxMode = 0;
  /** The receiver may still be waiting for an answer (the last exchange timed out). */
  private receiving = false;
  /** The FIFO may hold bytes we did not read. */
  private fifoDirty = true;
  private crypto1 = false;

  constructor(spi: SpiDevice, readonly clock: Clock, options: Mfrc522Options = {}) {
    this.io = new RegisterIo(spi);
    this.defaultTimeoutUs = options.defaultTimeoutUs === undefined ? 5000 : options.defaultTimeoutUs;
    this.gain = options.antennaGain === undefined ? 33 : options.antennaGain;
    gainCode(this.gain); // validates
  }

  async init(): Promise<ChipVersion> {
    // VersionReg first: on a dead bus (00h or FFh) waiting for the soft reset would only say "timeout".
    const raw = this.io.read(Reg.VersionReg);
    if (raw === 0x00 || raw === 0xff) {
      throw new HalError('NO_CHIP', 'VersionReg reads ' + (raw === 0 ? '00h' : 'FFh') + ': no MFRC522 answers on the bus (check wiring, power and chip-select)');
    }
    await this.softReset();
    this.chip = describeVersion(raw);
    const io = this.io;
    io.write(Reg.TModeReg, TMode.TAuto | this.timer.prescalerHi());
    io.write(Reg.TPrescalerReg, this.timer.prescalerLo());
    io.write(Reg.TReloadRegH, this.timer.reloadHi);
    io.write(Reg.TReloadRegL, this.timer.reloadLo);
    io.write(Reg.TxASKReg, 0x40); // Force100ASK: ISO 14443A uses 100 % ASK (data sheet 9.3.2.6)
    io.write(Reg.ModeReg, 0x3d); // CRC preset 6363h = CRC_A for CalcCRC (data sheet 9.3.2.2)
    io.write(Reg.CollReg, 0x00); // ValuesAfterColl = 0: bits after a collision read 0 (anticollision relies on it)
    io.write(Reg.RFCfgReg, (gainCode(this.gain) << 4) | 0x08);
    io.write(Reg.TxControlReg, 0x80 | TxControl.Tx1RFEn | TxControl.Tx2RFEn); // antenna on
    return this.chip;
  }

  version(): ChipVersion {
    if (!this.chip) throw new HalError('CHIP_STATE', 'version() before init()');
    return this.chip;
  }

  /**
   * SoftReset, then wait until the chip has left it (CommandReg.PowerDown clears once the oscillator runs). The chip
   * then has its reset values: {@link init} configures it again.
   */
  async softReset(): Promise<void> {
    this.io.write(Reg.CommandReg, Cmd.SoftReset);
    await waitUntil(this.clock, 50, 'soft reset', () => (this.io.read(Reg.CommandReg) & (CommandBits.PowerDown | CommandBits.Command)) === Cmd.Idle);
    this.command = Cmd.Idle;
    this.txMode = 0;
    this.rxMode = 0;
    this.receiving = false;
    this.fifoDirty = false;
    this.crypto1 = false;
    this.timer.reset();
  }

  private setCommand(cmd: number): void {
    this.io.write(Reg.CommandReg, cmd);
    this.command = cmd;
  }

  private ensureModes(txCrc: boolean, rxCrc: boolean): void {
    const tx = txCrc ? TxRxMode.CRCEn : 0;
    const rx = rxCrc ? TxRxMode.CRCEn : 0;
    if (tx !== this.txMode) {
      this.io.write(Reg.TxModeReg, tx);
      this.txMode = tx;
    }
    if (rx !== this.rxMode) {
      this.io.write(Reg.RxModeReg, rx);
      this.rxMode = rx;
    }
  }

  private ensureTimeout(us: number): void {
    const change = this.timer.set(us);
    if (change.hi) this.io.write(Reg.TReloadRegH, this.timer.reloadHi);
    if (change.lo) this.io.write(Reg.TReloadRegL, this.timer.reloadLo);
  }

  /** Stops whatever runs and prepares the FIFO for a new frame. */
  private prepare(keepTransceive: boolean): void {
    if (this.command !== Cmd.Idle && !(keepTransceive && this.command === Cmd.Transceive && !this.receiving)) {
      this.setCommand(Cmd.Idle);
    }
    this.receiving = false;
    this.io.write(Reg.ComIrqReg, ALL_IRQ_CLEAR);
    if (this.fifoDirty) {
      this.io.write(Reg.FIFOLevelReg, FIFOLevel.FlushBuffer);
      this.fifoDirty = false;
    }
  }

  transceive(frame: Uint8Array, options: TransceiveOptions = {}): RadioResult<Frame> {
    const txLastBits = options.txLastBits === undefined ? 8 : options.txLastBits;
    const rxAlign = options.rxAlign === undefined ? 0 : options.rxAlign;
    const timeoutUs = options.timeoutUs === undefined ? this.defaultTimeoutUs : options.timeoutUs;
    if (frame.length < 1 || frame.length > FIFO_SIZE) throw new HalError('BAD_ARGUMENT', 'frame of ' + frame.length + ' bytes: must be 1 to 64');
    if (!(txLastBits >= 1 && txLastBits <= 8)) throw new HalError('BAD_ARGUMENT', 'txLastBits ' + txLastBits + ': must be 1 to 8');
    if (!(rxAlign >= 0 && rxAlign <= 7)) throw new HalError('BAD_ARGUMENT', 'rxAlign ' + rxAlign + ': must be 0 to 7');

    this.ensureModes(!!options.txCrc, !!options.rxCrc);
    this.ensureTimeout(timeoutUs);
    this.prepare(true);
    this.io.writeFifo(frame);
    if (this.command !== Cmd.Transceive) this.setCommand(Cmd.Transceive);
    this.io.write(Reg.BitFramingReg, BitFraming.StartSend | (rxAlign << BitFraming.RxAlignShift) | (txLastBits & BitFraming.TxLastBits));

    const s = this.poll([Reg.ComIrqReg, Reg.ErrorReg, Reg.FIFOLevelReg, Reg.ControlReg], ComIrq.RxIRq | ComIrq.TimerIRq, timeoutUs);
    if (!s) {
      this.abort();
      return radioError('timeout', frameText(frame) + ': the chip raised no interrupt within ' + timeoutUs + ' µs');
    }
    const irq = s[0];
    const errors = s[1];
    if (errors & ErrorBits.WrErr) {
      this.fifoDirty = true;
      throw new HalError('WRITE_ERROR', 'ErrorReg.WrErr after ' + frameText(frame) + ': the FIFO was written while the chip forbade it');
    }
    if (errors & ErrorBits.TempErr) {
      this.receiving = true;
      return radioError('temperature', frameText(frame) + ': the chip overheated and switched its antenna drivers off (ErrorReg.TempErr)');
    }
    if (!(irq & ComIrq.RxIRq)) {
      this.receiving = true;
      return radioError('timeout', frameText(frame) + ': no answer within ' + timeoutUs + ' µs');
    }
    const level = s[2] & FIFOLevel.Level;
    const lastBits = s[3] & Control.RxLastBits;
    const bytes = this.io.readFifo(level);
    const bits = level === 0 ? 0 : (level - 1) * 8 + (lastBits || 8) - rxAlign;
    const received: Frame = { bytes: bytes, bits: bits };

    if (errors & ErrorBits.BufferOvfl) {
      this.fifoDirty = true;
      return radioError('overflow', frameText(frame) + ': the answer overflowed the 64-byte FIFO', { partial: received });
    }
    if (errors & ErrorBits.CollErr) {
      const coll = this.io.read(Reg.CollReg);
      const extra: { partial: Frame; collisionBit?: number } = { partial: received };
      if (!(coll & Coll.CollPosNotValid)) {
        // CollPos counts from bit 0 of the first FIFO byte, RxAlign offset included; 0 stands for 32.
        const pos = coll & Coll.CollPos || 32;
        extra.collisionBit = pos - 1 - rxAlign;
      }
      return radioError('collision', frameText(frame) + ': several tags answered' + (extra.collisionBit === undefined ? '' : ' (first collision at bit ' + extra.collisionBit + ')'), extra);
    }
    if (errors & ErrorBits.ParityErr) return radioError('parity', frameText(frame) + ': parity error in the answer', { partial: received });
    if (errors & ErrorBits.ProtocolErr) return radioError('protocol', frameText(frame) + ': protocol error (bad start of frame)', { partial: received });
    // A 4-bit ACK/NAK carries no CRC; the chip still flags CRCErr when RxCRCEn is on.
    if (errors & ErrorBits.CRCErr && !(bits === 4 && rxAlign === 0)) {
      return radioError('crc', frameText(frame) + ': CRC_A of the answer is wrong (' + hexBytes(bytes, 8) + ')', { partial: received });
    }
    if (bits === 0) return radioError('unexpected', frameText(frame) + ': the chip reported an empty answer');
    return radioOk(received);
  }

  /**
   * Polls the registers in `regs` (ComIrqReg first) in one transfer each time until one of the `done` IRQ bits is
   * set, without yielding: the chip's timer, set to `timeoutUs`, raises TimerIRq when nothing else ends the command.
   * Returns the register values, or null when the host-side guard (1.5 times the timeout plus 5 ms of the clock, or
   * as many polls as could fit in that time on the fastest bus) ran out first: a chip that never raises its IRQ.
   */
  private poll(regs: number[], done: number, timeoutUs: number): Uint8Array | null {
    const guardMs = (timeoutUs * 1.5) / 1000 + 5;
    const maxPolls = Math.ceil((guardMs * 1000) / MIN_POLL_US);
    const start = this.clock.now();
    for (let n = 0; n < maxPolls; n++) {
      const s = this.io.readMany(regs);
      if (s[0] & done) return s;
      if (this.clock.now() - start > guardMs) break;
    }
    return null;
  }

  /** The host gave up on a command: stop it, and forget what the FIFO holds. */
  private abort(): void {
    this.setCommand(Cmd.Idle);
    this.fifoDirty = true;
  }

  mifareAuthenticate(keyType: 'A' | 'B', block: number, key: Uint8Array, uid: Uint8Array): RadioResult<true> {
    if (key.length !== 6) throw new HalError('BAD_ARGUMENT', 'MIFARE key of ' + key.length + ' bytes: must be 6');
    if (uid.length !== 4) throw new HalError('BAD_ARGUMENT', 'MIFARE authentication takes 4 UID bytes, got ' + uid.length);
    if (!(block >= 0 && block <= 255)) throw new HalError('BAD_ARGUMENT', 'block ' + block + ': must be 0 to 255');
    this.ensureTimeout(AUTH_TIMEOUT_US);
    this.prepare(false);
    const fifo = new Uint8Array(12);
    fifo[0] = keyType === 'A' ? 0x60 : 0x61;
    fifo[1] = block;
    fifo.set(key, 2);
    fifo.set(uid, 8);
    this.io.writeFifo(fifo);
    this.setCommand(Cmd.MFAuthent);
    const s = this.poll([Reg.ComIrqReg, Reg.ErrorReg, Reg.Status2Reg], ComIrq.IdleIRq | ComIrq.TimerIRq | ComIrq.ErrIRq, AUTH_TIMEOUT_US);
    const what = 'authentication of block ' + block + ' with key ' + keyType;
    if (s && s[0] & ComIrq.IdleIRq && s[2] & Status2.MFCrypto1On) {
      this.command = Cmd.Idle; // MFAuthent terminates itself on success
      this.crypto1 = true;
      return radioOk(true);
    }
    if (this.command !== Cmd.Idle) this.setCommand(Cmd.Idle);
    this.fifoDirty = true;
    if (s && s[1] & ErrorBits.ProtocolErr) return radioError('protocol', what + ': the chip reported a protocol error');
    return radioError('auth', what + ' failed: wrong key, or the card left');
  }

  stopCrypto1(): void {
    // Status2Reg's other writable bits (TempSensClear, I2CForceHS) are left at 0 by this driver.
    this.io.write(Reg.Status2Reg, 0x00);
    this.crypto1 = false;
  }

  /** True while a MIFARE Classic session is encrypted. */
  crypto1On(): boolean {
    return this.crypto1;
  }

  /**
   * Field off for `offMs` (default 5: ISO/IEC 14443-3 6.2.1 asks for 5 to 10 ms), timed by the chip's timer
   * (ControlReg.TStartNow, then TimerIRq), so that it needs no event-loop turn on any board and takes its real length
   * in the simulator's virtual time. Should the timer never fire, the clock guard has kept the field off longer.
   */
  resetField(offMs?: number): void {
    const us = (offMs === undefined ? 5 : offMs) * 1000;
    if (this.crypto1) this.stopCrypto1();
    this.io.write(Reg.TxControlReg, 0x80);
    this.ensureTimeout(us);
    this.prepare(false);
    this.io.write(Reg.ControlReg, Control.TStartNow);
    if (!this.poll([Reg.ComIrqReg], ComIrq.TimerIRq, us)) this.abort();
    this.io.write(Reg.TxControlReg, 0x80 | TxControl.Tx1RFEn | TxControl.Tx2RFEn);
  }

  /** CRC with the coprocessor (CalcCRC, preset from ModeReg: 6363h = CRC_A after init). Low byte first. */
  calcCrc(data: Uint8Array): Uint8Array {
    this.prepare(false);
    this.io.write(Reg.DivIrqReg, DivIrq.CRCIRq); // Set2 = 0: clears CRCIRq
    this.io.writeFifo(data);
    this.setCommand(Cmd.CalcCRC);
    // The coprocessor takes microseconds per byte; the guard (95 ms of the clock) only catches a dead chip.
    if (!this.poll([Reg.DivIrqReg], DivIrq.CRCIRq, 60000)) {
      this.abort();
      throw new HalError('CHIP_TIMEOUT', 'CalcCRC did not finish: DivIrqReg.CRCIRq never rose');
    }
    this.setCommand(Cmd.Idle); // CalcCRC never stops by itself
    const r = this.io.readMany([Reg.CRCResultRegL, Reg.CRCResultRegH]);
    return copyBytes(r, 0, 2);
  }

  setAntennaGain(db: AntennaGain): void {
    const code = gainCode(db);
    this.io.write(Reg.RFCfgReg, (code << 4) | 0x08);
    this.gain = db;
  }

  antennaGain(): AntennaGain {
    return gainFromCode((this.io.read(Reg.RFCfgReg) >> 4) & 0x07);
  }

  async powerDown(): Promise<void> {
    this.io.write(Reg.CommandReg, CommandBits.PowerDown | Cmd.Idle);
    this.command = Cmd.Idle;
    this.crypto1 = false;
  }

  async powerUp(): Promise<void> {
    this.io.write(Reg.CommandReg, Cmd.Idle);
    // PowerDown reads 1 until the oscillator has started again (data sheet 8.6.2); the Arduino library allows 500 ms.
    await waitUntil(this.clock, 500, 'wake-up from soft power-down', () => (this.io.read(Reg.CommandReg) & CommandBits.PowerDown) === 0);
    this.fifoDirty = true;
  }
}
