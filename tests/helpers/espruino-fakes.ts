// Espruino's Storage as the 2v29 interpreter behaves (checked on its Linux build): `write(name, data, 0, size)`
// creates a file of `size` bytes of 0xFF with `data` at 0; a write at another offset may only fill 0xFF bytes and
// throws "File already written with different data" otherwise; a write at offset 0 replaces the file.
export class FakeStorage {
  readonly files = new Map<string, Uint8Array>();
  /** Every write, for tests that count them. */
  writes = 0;
  /** Throw on the nth write from now (a power cut in the middle of a write), once. */
  failAt = -1;

  write(name: string, data: Uint8Array | string, offset?: number, size?: number): boolean {
    if (this.failAt >= 0 && this.failAt-- === 0) throw new Error('simulated power cut');
    this.writes++;
    if (name.length > 28) throw new Error(`name ${name} longer than 28 characters`);
    const bytes = typeof data === 'string' ? Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff) : new Uint8Array(data);
    const at = offset ?? 0;
    if (at === 0) {
      const file = new Uint8Array(Math.max(size ?? bytes.length, bytes.length)).fill(0xff);
      file.set(bytes);
      this.files.set(name, file);
      return true;
    }
    const file = this.files.get(name);
    if (!file || at + bytes.length > file.length) return false;
    for (let i = 0; i < bytes.length; i++) if (file[at + i] !== 0xff && file[at + i] !== bytes[i]) throw new Error('File already written with different data');
    file.set(bytes, at);
    return true;
  }

  /** Storage.read as the interpreter clips it (src/jsflash.c jsfReadFile); counts the bytes each read copies. */
  read(name: string, offset = 0, length = 0): string | undefined {
    const f = this.files.get(name);
    if (!f) return undefined;
    const at = Math.min(Math.max(offset, 0), f.length);
    let n = length <= 0 ? f.length : length;
    if (at + n > f.length) n = f.length - at;
    this.largestRead = Math.max(this.largestRead, Math.max(n, 0));
    return n <= 0 ? '' : Buffer.from(f.subarray(at, at + n)).toString('latin1');
  }

  /** The whole file as an ArrayBuffer (what `sealscan flash` reads back to hash it). */
  readArrayBuffer(name: string): ArrayBuffer | undefined {
    const f = this.files.get(name);
    return f ? (f.buffer.slice(f.byteOffset, f.byteOffset + f.length) as ArrayBuffer) : undefined;
  }

  /** The most bytes one read has returned. */
  largestRead = 0;

  erase(name: string): void {
    this.files.delete(name);
  }

  getFree(): number {
    return 1 << 20;
  }
}
