import type { SimTime } from '../clock.js';
import type { RfMedium } from '../rf/air.js';
import { Command, ComIEn, ComIrq, DivIrq, ErrorBits, ModemState, TMode, TxControl, Demod, Status2 } from './bits.js';
import { Fifo } from './fifo.js';
import { REGISTERS, Reg } from './registers.js';
import { ChipTimer, type TimerSettings } from './timer.js';

/** Soft power-down wake-up: the oscillator needs 1024 clocks of 13.56 MHz before PowerDown reads 0 (DS §8.6.2). */
export const WAKE_UP_MS = (1024 / 13_560_000) * 1000;

export type PowerState = 'on' | 'down' | 'waking';

/**
 * Everything the chip remembers, and the rules that tie flags together (interrupt latching, FIFO alerts, the IRQ
 * pin, the antenna). The register file, command engine and RF path all work on one instance.
 */
export class ChipState {
  /** Stored register bits (the `rw` fields and the reserved bits' reset values); dynamic bits live below. */
  readonly regs = new Uint8Array(64);
  readonly fifo = new Fifo();
  readonly timer = new ChipTimer();
  /** The 25-byte internal buffer of Mem / Generate RandomID: survives resets, lost on power loss (DS §10.3.1.2). */
  readonly buffer = new Uint8Array(25);

  comIrq = 0;
  divIrq = 0;
  error = 0;
  command: number = Command.Idle;
  rcvOff = false;
  power: PowerState = 'on';
  wakeAt = 0;
  modem: number = ModemState.Idle;
  crypto1 = false;
  crcResult = 0xffff;
  crcReady = true;
  crcOk = false;
  rxLastBits = 0;
  /** CollReg bits 5:0 (CollPosNotValid and CollPos). */
  collLow = 0x20;
  /** The world made the chip overheat: TempErr holds and the drivers stay off until cooled and cleared. */
  hot = false;

  private alertHi = false;
  private alertLo = true;
  private fieldDriven: boolean | null = null;

  constructor(
    readonly clock: SimTime,
    readonly field: RfMedium,
    readonly version: number,
  ) {}

  now(): number {
    return this.clock.now();
  }

  advanceUs(us: number): void {
    if (us > 0) this.clock.advance(us / 1000);
  }

  /** Advances virtual time to `at` (ms) if it lies in the future, then catches the timer up. */
  advanceTo(at: number): void {
    const now = this.clock.now();
    if (at > now) this.clock.advance(at - now);
    this.sync();
  }

  /**
   * All registers to their reset values (SoftReset, NRSTPD). The internal buffer is kept; the antenna is switched
   * off (TxControlReg 80h), which powers the tags down, and Crypto1 is off (Status2Reg 00h).
   */
  resetRegisters(): void {
    for (const spec of REGISTERS) this.regs[spec.addr] = spec.reset;
    this.regs[Reg.VersionReg] = this.version;
    this.comIrq = 0x14;
    this.divIrq = 0;
    this.error = this.hot ? ErrorBits.TempErr : 0;
    this.command = Command.Idle;
    this.rcvOff = true; // CommandReg resets to 20h: RcvOff = 1
    this.power = 'on';
    this.modem = ModemState.Idle;
    this.crypto1 = false;
    this.crcResult = 0xffff;
    this.crcReady = true;
    this.crcOk = false;
    this.rxLastBits = 0;
    this.collLow = 0x20;
    this.fifo.flush();
    this.timer.clear();
    this.alertHi = false;
    this.alertLo = true;
    this.updateField(true);
  }

  /** Catches up with virtual time that passed outside the chip: timer underflows, the end of a wake-up. */
  sync(): void {
    const now = this.clock.now();
    if (this.timer.sync(now)) this.comIrq |= ComIrq.TimerIRq;
    if (this.power === 'waking' && now >= this.wakeAt - 1e-9) {
      this.power = 'on';
      this.updateField();
    }
  }

  setError(bits: number): void {
    this.error |= bits;
    this.comIrq |= ComIrq.ErrIRq;
  }

  /** Host or receiver writes one byte; a full FIFO drops it and sets BufferOvfl (DS §9.3.1.7). */
  pushFifo(b: number): boolean {
    const ok = this.fifo.push(b);
    if (!ok) this.setError(ErrorBits.BufferOvfl);
    this.updateAlerts();
    return ok;
  }

  popFifo(): number | undefined {
    const b = this.fifo.pop();
    if (b !== undefined) this.updateAlerts();
    return b;
  }

  takeFifo(n?: number): Uint8Array {
    const out = this.fifo.take(n);
    this.updateAlerts();
    return out;
  }

  /** FIFOLevelReg.FlushBuffer: empties the FIFO and clears BufferOvfl (DS §9.3.1.11). */
  flushFifo(): void {
    this.fifo.flush();
    this.error &= ~ErrorBits.BufferOvfl;
    this.updateAlerts();
  }

  get waterLevel(): number {
    return this.regs[Reg.WaterLevelReg] & 0x3f;
  }

  hiAlert(): boolean {
    return Fifo.SIZE - this.fifo.level <= this.waterLevel;
  }

  loAlert(): boolean {
    return this.fifo.level <= this.waterLevel;
  }

  /** HiAlertIRq/LoAlertIRq latch the moment Status1's HiAlert/LoAlert become true (DS §9.3.1.5). */
  updateAlerts(): void {
    const hi = this.hiAlert();
    const lo = this.loAlert();
    if (hi && !this.alertHi) this.comIrq |= ComIrq.HiAlertIRq;
    if (lo && !this.alertLo) this.comIrq |= ComIrq.LoAlertIRq;
    this.alertHi = hi;
    this.alertLo = lo;
  }

  /** Status1Reg.IRq: an interrupt flag is set whose enable bit is set (DS §9.3.1.8). */
  irqActive(): boolean {
    const com = this.comIrq & this.regs[Reg.ComIEnReg] & 0x7f;
    const div = this.divIrq & this.regs[Reg.DivIEnReg] & (DivIrq.CRCIRq | DivIrq.MfinActIRq);
    return com !== 0 || div !== 0;
  }

  /** IRQ pin level, true = high: Status1.IRq, inverted when ComIEnReg.IRqInv = 1 (the reset value). */
  irqPinHigh(): boolean {
    const inv = (this.regs[Reg.ComIEnReg] & ComIEn.IRqInv) !== 0;
    return this.irqActive() !== inv;
  }

  /** The antenna radiates: a driver enabled, the chip awake, not overheated (DS §8.6.3, §9.3.1.7 TempErr). */
  fieldWanted(): boolean {
    const enabled = (this.regs[Reg.TxControlReg] & (TxControl.Tx1RFEn | TxControl.Tx2RFEn)) !== 0;
    return enabled && this.power === 'on' && (this.error & ErrorBits.TempErr) === 0;
  }

  /** Tells the field when the antenna changes state; `force` tells it even when nothing changed. */
  updateField(force = false): void {
    const on = this.fieldWanted();
    if (force || on !== this.fieldDriven) {
      this.fieldDriven = on;
      this.field.setField(on);
    }
  }

  get tAuto(): boolean {
    return (this.regs[Reg.TModeReg] & TMode.TAuto) !== 0;
  }

  timerSettings(): TimerSettings {
    const tmode = this.regs[Reg.TModeReg];
    return {
      prescaler: ((tmode & TMode.TPrescalerHi) << 8) | this.regs[Reg.TPrescalerReg],
      even: this.version === 0x92 && (this.regs[Reg.DemodReg] & Demod.TPrescalEven) !== 0,
      reload: (this.regs[Reg.TReloadRegH] << 8) | this.regs[Reg.TReloadRegL],
      autoRestart: (tmode & TMode.TAutoRestart) !== 0,
      gated: (tmode & TMode.TGated) !== 0,
    };
  }

  startTimer(at = this.clock.now()): void {
    this.timer.start(at, this.timerSettings());
  }

  status2(): number {
    return (this.regs[Reg.Status2Reg] & Status2.TempSensClear) | (this.crypto1 ? Status2.MFCrypto1On : 0) | this.modem;
  }
}
