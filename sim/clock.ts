import type { Clock } from '../hal/clock.js';
import { HalError } from '../hal/errors.js';

// Node has setImmediate; Espruino (the self-test image) has only timers. Declared here so that the Espruino build,
// which knows no Node globals, type-checks this file too.
declare const setImmediate: ((f: () => void) => unknown) | undefined;

/** Runs `f` after every pending promise callback: setImmediate on Node, a zero timeout elsewhere. */
function later(f: () => void): void {
  if (typeof setImmediate === 'function') setImmediate(f);
  else setTimeout(f, 0);
}

/**
 * What simulated hardware needs of time: read it, and spend it. An SPI transfer, an RF exchange or a flash program
 * costs its duration at once (synchronously), which is why the clock must accept `advance` from the model.
 */
export interface SimTime {
  /** Monotonic ms, as {@link Clock.now}. */
  now(): number;
  /** Spends `ms` (>= 0) now; sleepers that became due wake. */
  advance(ms: number): void;
}

/** A firmware clock that simulated hardware can advance: {@link VirtualClock}, or the console's paced clock. */
export interface SimClock extends Clock, SimTime {}

interface Sleeper {
  at: number;
  seq: number;
  resolve: () => void;
}

export interface VirtualClockOptions {
  /** Wall time at virtual time 0, ms since the Unix epoch. Default 2026-01-01T00:00:00Z. */
  epochMs?: number;
  /**
   * When true (default), a pending sleep is completed as soon as every other task is waiting too: time jumps to the
   * earliest wake-up. Tests then run as fast as the CPU allows. When false, only {@link VirtualClock.advance} and
   * {@link VirtualClock.run} move time.
   */
  auto?: boolean;
}

/**
 * Virtual time for the simulator. Simulated hardware advances it synchronously (an SPI transfer costs its bus time,
 * an RF exchange its air time); sleeping tasks wake in deadline order. Nothing here reads the real clock.
 */
export class VirtualClock implements SimClock {
  private t = 0;
  private epochMs: number;
  private readonly auto: boolean;
  private sleepers: Sleeper[] = [];
  private seq = 0;
  private tickScheduled = false;

  constructor(options: VirtualClockOptions = {}) {
    this.epochMs = options.epochMs ?? 1767225600000; // 2026-01-01T00:00:00Z
    this.auto = options.auto ?? true;
  }

  now(): number {
    return this.t;
  }

  wallTime(): number {
    return Math.floor(this.epochMs + this.t);
  }

  /** Sets the wall time without moving monotonic time (the device's clock was corrected). */
  setWallTime(ms: number): void {
    this.epochMs = ms - this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.after(ms, resolve);
    });
  }

  after(ms: number, fn: () => void): () => void {
    const s: Sleeper = { at: this.t + Math.max(0, ms), seq: this.seq++, resolve: fn };
    this.sleepers.push(s);
    this.sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    if (this.auto) this.scheduleTick();
    return () => {
      const i = this.sleepers.indexOf(s);
      if (i >= 0) this.sleepers.splice(i, 1);
    };
  }

  /** Moves time forward by `ms` at once and wakes every sleeper that became due. Used by simulated hardware. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new HalError('BAD_ARGUMENT', `VirtualClock.advance: ${ms} ms is not a non-negative duration`);
    this.t += ms;
    this.wakeDue();
  }

  /** Number of tasks waiting on this clock. */
  pending(): number {
    return this.sleepers.length;
  }

  /**
   * Runs virtual time forward by `ms`, waking sleepers in deadline order and letting each woken task run before the
   * next deadline is taken. For manual mode.
   */
  async run(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      await flushMicrotasks();
      const first = this.sleepers[0];
      if (!first || first.at > end) break;
      this.t = Math.max(this.t, first.at);
      this.wakeDue();
    }
    this.t = Math.max(this.t, end);
    this.wakeDue();
    await flushMicrotasks();
  }

  private wakeDue(): void {
    while (this.sleepers.length && this.sleepers[0].at <= this.t) {
      const s = this.sleepers.shift() as Sleeper;
      s.resolve();
    }
  }

  private scheduleTick(): void {
    if (this.tickScheduled) return;
    this.tickScheduled = true;
    // setImmediate runs after all pending promise callbacks: every task that could still run has run, so the
    // earliest sleeper is the next thing that happens in virtual time.
    later(() => {
      this.tickScheduled = false;
      const first = this.sleepers[0];
      if (!first) return;
      this.t = Math.max(this.t, first.at);
      this.wakeDue();
      if (this.sleepers.length) this.scheduleTick();
    });
  }
}

function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => later(resolve));
}
