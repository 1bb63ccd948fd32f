/**
 * The 64-byte FIFO (DS §8.3). Only storage: overflow flags, alerts and interrupts are the chip state's business,
 * because they depend on registers around the FIFO (WaterLevelReg, ErrorReg, ComIrqReg).
 */
export class Fifo {
  static readonly SIZE = 64;
  private readonly buf = new Uint8Array(Fifo.SIZE);
  private head = 0;
  private count = 0;

  get level(): number {
    return this.count;
  }

  get free(): number {
    return Fifo.SIZE - this.count;
  }

  /** Appends a byte; false (byte dropped) when the FIFO is full. */
  push(b: number): boolean {
    if (this.count === Fifo.SIZE) return false;
    this.buf[(this.head + this.count) % Fifo.SIZE] = b & 0xff;
    this.count++;
    return true;
  }

  /** Removes and returns the oldest byte; undefined when empty. */
  pop(): number | undefined {
    if (this.count === 0) return undefined;
    const b = this.buf[this.head];
    this.head = (this.head + 1) % Fifo.SIZE;
    this.count--;
    return b;
  }

  /** The oldest byte without removing it; undefined when empty. */
  peek(): number | undefined {
    return this.count === 0 ? undefined : this.buf[this.head];
  }

  /** Removes and returns up to `n` bytes (all by default). */
  take(n = this.count): Uint8Array {
    const k = Math.min(n, this.count);
    const out = new Uint8Array(k);
    for (let i = 0; i < k; i++) out[i] = this.pop() as number;
    return out;
  }

  /** A copy of the content, oldest first. */
  contents(): Uint8Array {
    const out = new Uint8Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.buf[(this.head + i) % Fifo.SIZE];
    return out;
  }

  flush(): void {
    this.head = 0;
    this.count = 0;
  }
}
