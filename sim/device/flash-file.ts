import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * The simulated scanner's NOR flash kept in a file (the console's data folder), so a device survives restarts of
 * `sealscan sim` as a real one survives being switched off. Guarantees: the file is exactly `size` bytes; a new file
 * reads as erased flash (all FFh); {@link write} puts bytes at their flash address before returning (page cache:
 * it survives the process being killed, not the host losing power, which the simulator does not model).
 */
export class FlashFile {
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    readonly size: number,
    fd: number,
  ) {
    this.fd = fd;
  }

  /** Opens `path`, creating an erased image of `size` bytes when missing. Throws when it exists with another size. */
  static open(path: string, size: number): FlashFile {
    const created = !existsSync(path);
    const fd = openSync(path, created ? 'w+' : 'r+', 0o600);
    const f = new FlashFile(path, size, fd);
    if (created) {
      const erased = new Uint8Array(size).fill(0xff);
      writeSync(fd, erased, 0, size, 0);
    } else {
      const actual = fstatSync(fd).size;
      if (actual !== size) {
        closeSync(fd);
        throw new Error(`${path} holds ${actual} bytes, not a ${size}-byte flash image (delete it to start with an erased flash)`);
      }
    }
    return f;
  }

  /** The whole image as stored now. */
  read(): Uint8Array {
    const out = new Uint8Array(this.size);
    readSync(this.handle(), out, 0, this.size, 0);
    return out;
  }

  /** Stores `bytes` at flash address `addr` (a NorFlash onWrite hook). */
  write(addr: number, bytes: Uint8Array): void {
    writeSync(this.handle(), bytes, 0, bytes.length, addr);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private handle(): number {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    return this.fd;
  }
}
