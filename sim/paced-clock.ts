import type { SimClock } from './clock.js';

export interface PacedClockOptions {
  /** Wall time at clock time 0, ms since the Unix epoch. Default: the real time when the clock is made. */
  epochMs?: number;
  /** The real monotonic clock, ms. Default `performance.now`. Tests pass their own. */
  realNow?: () => number;
}

interface Sleeper {
  at: number;
  resolve: () => void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * Time for the interactive console: it follows the wall clock, and simulated hardware can still spend time in it.
 *
 * Guarantees: `now()` = real ms elapsed since the clock was made + every ms spent through {@link advance} (SPI and
 * air time of the chip model, flash programs, the console's "skip ahead"); it never goes backwards. `sleep(ms)`
 * resolves once `now()` has reached its deadline, whichever comes first: real time passing (a real timer) or an
 * advance (which wakes due sleepers at once). `wallTime()` = `epochMs + now()`, so skipping ahead moves the
 * device's wall time too, as if the scanner had sat in a drawer.
 */
export class PacedClock implements SimClock {
  private readonly realNow: () => number;
  private readonly start: number;
  private readonly epochMs: number;
  private offset = 0;
  private sleepers: Sleeper[] = [];
  private disposed = false;

  constructor(options: PacedClockOptions = {}) {
    this.realNow = options.realNow ?? (() => performance.now());
    this.start = this.realNow();
    this.epochMs = options.epochMs ?? Date.now();
  }

  now(): number {
    return this.realNow() - this.start + this.offset;
  }

  wallTime(): number {
    return Math.floor(this.epochMs + this.now());
  }

  /** Ms spent through {@link advance} so far (how far this clock runs ahead of the wall clock). */
  get skipped(): number {
    return this.offset;
  }

  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`PacedClock.advance: ${ms} ms is not a non-negative duration`);
    this.offset += ms;
    this.wakeDue();
  }

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.after(ms, resolve);
    });
  }

  after(ms: number, fn: () => void): () => void {
    const s: Sleeper = { at: this.now() + Math.max(0, ms), resolve: fn, timer: undefined };
    this.sleepers.push(s);
    this.arm(s);
    return () => {
      this.drop(s);
    };
  }

  /** Cancels every real timer (pending sleeps never resolve), so a process can exit. */
  dispose(): void {
    this.disposed = true;
    for (const s of this.sleepers) clearTimeout(s.timer);
    this.sleepers = [];
  }

  private arm(s: Sleeper): void {
    if (this.disposed) return;
    // A real timer for what is left; it may fire early relative to this clock only if nothing advanced it, and
    // then it is simply re-armed for the remainder.
    s.timer = setTimeout(() => {
      if (this.now() >= s.at) this.wake(s);
      else this.arm(s);
    }, Math.max(0, Math.ceil(s.at - this.now())));
  }

  private wake(s: Sleeper): void {
    if (this.drop(s)) s.resolve();
  }

  /** Removes `s` and its real timer; false when it was gone already (woken or cancelled). */
  private drop(s: Sleeper): boolean {
    const i = this.sleepers.indexOf(s);
    if (i < 0) return false;
    this.sleepers.splice(i, 1);
    clearTimeout(s.timer);
    return true;
  }

  private wakeDue(): void {
    const t = this.now();
    for (const s of this.sleepers.slice()) if (s.at <= t) this.wake(s);
  }
}
