import type { Clock } from '../clock.js';

/** Real time on Node: monotonic `performance.now()`, wall time from `Date.now()`. */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.after(ms, resolve);
    });
  }

  after(ms: number, fn: () => void): () => void {
    const t = setTimeout(fn, Math.max(0, ms));
    return () => clearTimeout(t);
  }

  wallTime(): number {
    return Date.now();
  }
}
