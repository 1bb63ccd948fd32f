import { FC_HZ } from '../rf/timing.js';

/** Timer settings latched when the timer starts (TReload "takes effect at the next timer start", DS §9.3.3.10). */
export interface TimerSettings {
  /** 12-bit TPrescaler = TModeReg[3:0]:TPrescalerReg. */
  prescaler: number;
  /** DemodReg.TPrescalEven (v2.0 only): divide by 2·TPrescaler + 2 instead of 2·TPrescaler + 1. */
  even: boolean;
  /** 16-bit TReload. */
  reload: number;
  autoRestart: boolean;
  /**
   * TModeReg.TGated ≠ 00b. The gate inputs (MFIN, AUX1) are not driven in the model, so the gate never opens and
   * a gated timer holds its value: it is "running" (TRunning = 1) but never counts and never raises TimerIRq.
   */
  gated: boolean;
}

/** One timer clock period, ms: (2·TPrescaler + 1) / 13.56 MHz, or (2·TPrescaler + 2) with TPrescalEven (DS §8.5). */
export function timerTickMs(prescaler: number, even: boolean): number {
  return ((2 * prescaler + (even ? 2 : 1)) / FC_HZ) * 1000;
}

// Virtual time is a sum of floating-point milliseconds; a tick boundary reached "exactly" must count as reached.
const EPS_TICKS = 1e-6;

/**
 * The MFRC522 down-counter (DS §8.5), evaluated lazily from virtual time. It loads TReload at start and decrements
 * once per timer clock; the clock after it reads 0 it underflows: TimerIRq, then it reloads (TAutoRestart) or stops
 * at 0. So the period is (TReload + 1) timer clocks, matching td = (2·TPrescaler+1)·(TReload+1)/13.56 MHz.
 */
export class ChipTimer {
  private runningFlag = false;
  private startAt = 0;
  private tickMs = 1;
  private settings: TimerSettings = { prescaler: 0, even: false, reload: 0, autoRestart: false, gated: false };
  private underflowsSeen = 0;
  private held = 0;

  get running(): boolean {
    return this.runningFlag;
  }

  start(at: number, settings: TimerSettings): void {
    this.settings = { ...settings };
    this.tickMs = timerTickMs(settings.prescaler, settings.even);
    this.startAt = at;
    this.underflowsSeen = 0;
    this.runningFlag = true;
    this.held = settings.reload;
  }

  /** Stops the counter at its current value (TStopNow, or the 5th received bit with TAuto). */
  stop(at: number): void {
    if (!this.runningFlag) return;
    this.held = this.value(at);
    this.runningFlag = false;
  }

  /** Forgets everything (reset). */
  clear(): void {
    this.runningFlag = false;
    this.held = 0;
    this.underflowsSeen = 0;
  }

  /** Brings the counter up to time `now`. True when it underflowed (TimerIRq) since the previous sync. */
  sync(now: number): boolean {
    if (!this.runningFlag || this.settings.gated) return false;
    const period = this.settings.reload + 1;
    const underflows = Math.floor(this.ticks(now) / period);
    if (underflows <= this.underflowsSeen) return false;
    this.underflowsSeen = underflows;
    if (!this.settings.autoRestart) {
      this.runningFlag = false;
      this.held = 0;
    }
    return true;
  }

  /** TCounterVal at time `now` (call sync first so a finished one-shot timer reads 0). */
  value(now: number): number {
    if (!this.runningFlag || this.settings.gated) return this.held;
    const period = this.settings.reload + 1;
    const k = this.ticks(now);
    if (this.settings.autoRestart) return this.settings.reload - (k % period);
    return Math.max(0, this.settings.reload - k);
  }

  /** Virtual time of the next underflow, or null when the timer is stopped or gated. */
  nextUnderflowAt(): number | null {
    if (!this.runningFlag || this.settings.gated) return null;
    const period = this.settings.reload + 1;
    return this.startAt + (this.underflowsSeen + 1) * period * this.tickMs;
  }

  private ticks(now: number): number {
    return Math.max(0, Math.floor((now - this.startAt) / this.tickMs + EPS_TICKS));
  }
}
