import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

/**
 * Where a simulated scanner keeps its boot count. The queue (firmware/queue) does not store one, so the simulator
 * keeps it beside the flash image: in a small file in the data folder, or in memory for tests and scenarios.
 */
export interface BootCounter {
  /**
   * The number of the boot starting now: one more than both the last number handed out and `floor` (the highest
   * boot count seen in records still on the device), stored before it is returned. So it never goes back, even
   * when the counter was lost while records survived.
   */
  next(floor: number): number;
  /** The last number handed out (0 before the first boot). */
  readonly last: number;
}

export class MemoryBootCounter implements BootCounter {
  last = 0;

  next(floor: number): number {
    this.last = Math.max(this.last, floor) + 1;
    return this.last;
  }
}

/** The count as decimal text in `path`, replaced atomically (temporary file, fsync, rename). */
export class FileBootCounter implements BootCounter {
  last: number;

  constructor(private readonly path: string) {
    let text = '';
    try {
      text = readFileSync(path, 'utf8').trim();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    this.last = /^\d{1,15}$/.test(text) ? Number(text) : 0;
  }

  next(floor: number): number {
    const n = Math.max(this.last, floor) + 1;
    const tmp = this.path + '.tmp';
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, String(n) + '\n');
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.last = n;
    return n;
  }
}
