/**
 * The queue's segment storage on Espruino's flash filesystem (`require("Storage")`). Each slot is one file of
 * `segmentSize` bytes, created by its first append (at offset 0) and filled by later appends in place: Storage's
 * files have NOR semantics (unwritten bytes read 0xFF, a byte is written once), which is what the queue's format
 * was made for (docs/queue-format.md). Each state copy is a file holding a log of versions (`u16 length` + bytes),
 * appended in place and started afresh only when full, so that the other copy always survives a power cut.
 */
import { HalError } from '../errors.js';
import { checkAppend, writtenExtent, type SegmentGeometry, type SegmentStorage, type StateCopy } from '../storage.js';
import { copyBytes } from '../bytes.js';
import type { EspruinoStorage } from './runtime.js';

/**
 * How much of a segment one Storage read takes. Where flash is not mapped into memory, Storage copies what it reads
 * into RAM as one block: a whole 32 KB segment needed about 1,900 contiguous variables on a 5,100-variable pool.
 */
const PIECE = 512;

export interface StorageLayout {
  /** File name prefix: slots are `<prefix><n>`, state copies `<prefix>s0` and `<prefix>s1` (at most 27 characters). */
  prefix: string;
  segmentCount: number;
  segmentSize: number;
  /** Size of each state copy's file; a version is at most this minus 2 bytes. Default 1024. */
  stateFileSize?: number;
}

export class EspruinoSegmentStorage implements SegmentStorage {
  readonly geometry: SegmentGeometry;
  /** Each slot's written extent, -1 until first asked (a typed array: a few variables, not one per slot). */
  private readonly lengths: Int32Array;
  private readonly stateFile: number;

  /** `toBytes` turns what Storage.read returns into bytes (`E.toUint8Array` on a board). */
  constructor(private readonly fs: EspruinoStorage, private readonly layout: StorageLayout, private readonly toBytes: (s: string) => Uint8Array = latin1Bytes) {
    this.stateFile = layout.stateFileSize || 1024;
    if ((layout.prefix + layout.segmentCount + 's').length > 27) throw new HalError('BAD_ARGUMENT', 'storage prefix "' + layout.prefix + '" makes names longer than 27 characters');
    if (!(layout.segmentCount >= 2 && layout.segmentSize >= 256)) throw new HalError('BAD_ARGUMENT', 'storage of ' + layout.segmentCount + ' segments of ' + layout.segmentSize + ' bytes');
    this.geometry = { segmentCount: layout.segmentCount, segmentSize: layout.segmentSize, stateSize: this.stateFile - 2 };
    this.lengths = new Int32Array(layout.segmentCount);
    this.lengths.fill(-1);
  }

  list(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.geometry.segmentCount; i++) if (this.length(i) > 0) out.push(i);
    return out;
  }

  length(slot: number): number {
    this.check(slot);
    if (this.lengths[slot] < 0) this.lengths[slot] = this.extent(this.name(slot));
    return this.lengths[slot];
  }

  read(slot: number, offset: number, into: Uint8Array): void {
    this.check(slot);
    if (!(offset >= 0 && offset + into.length <= this.geometry.segmentSize)) throw new HalError('BAD_ARGUMENT', 'read ' + offset + '+' + into.length + ' outside a ' + this.geometry.segmentSize + '-byte segment');
    into.fill(0xff);
    const name = this.name(slot);
    for (let at = 0; at < into.length; at += PIECE) {
      const b = this.bytesAt(name, offset + at, Math.min(PIECE, into.length - at));
      if (!b || b.length === 0) break;
      into.set(b, at);
    }
  }

  append(slot: number, data: Uint8Array): void {
    const at = this.length(slot);
    checkAppend(data, at, this.geometry.segmentSize);
    const name = this.name(slot);
    // Offset 0 creates the file at its full size; any other offset writes in place.
    this.write(name, data, at, at === 0 ? this.geometry.segmentSize : undefined);
    this.lengths[slot] = at + data.length;
  }

  sync(slot: number): void {
    this.check(slot); // a Storage write is in flash when it returns
  }

  erase(slot: number): void {
    this.check(slot);
    this.lengths[slot] = -1;
    this.fs.erase(this.name(slot));
    this.lengths[slot] = 0;
  }

  readState(copy: StateCopy): Uint8Array | undefined {
    const log = this.stateLog(copy);
    return log.last >= 0 && log.bytes ? copyBytes(log.bytes, log.last + 2, log.last + 2 + u16(log.bytes, log.last)) : undefined;
  }

  writeState(copy: StateCopy, data: Uint8Array): void {
    if (!(data.length >= 1 && data.length <= this.geometry.stateSize) || data[data.length - 1] === 0xff) throw new HalError('BAD_ARGUMENT', 'state of ' + data.length + ' bytes');
    const log = this.stateLog(copy);
    const rec = new Uint8Array(2 + data.length);
    rec[0] = data.length & 0xff;
    rec[1] = data.length >> 8;
    rec.set(data, 2);
    const name = this.layout.prefix + 's' + copy;
    if (log.bytes && log.clean && log.end + rec.length <= this.stateFile) {
      this.write(name, rec, log.end);
      return;
    }
    this.fs.erase(name);
    this.write(name, rec, 0, this.stateFile);
  }

  private stateLog(copy: StateCopy): { bytes: Uint8Array | undefined; last: number; end: number; clean: boolean } {
    if (copy !== 0 && copy !== 1) throw new HalError('BAD_ARGUMENT', 'no state copy ' + String(copy));
    const bytes = this.bytesAt(this.layout.prefix + 's' + copy, 0, this.stateFile);
    let p = 0;
    let last = -1;
    if (!bytes) return { bytes: bytes, last: last, end: 0, clean: false };
    while (p + 2 <= bytes.length) {
      const n = u16(bytes, p);
      if (n === 0xffff || n === 0 || p + 2 + n > bytes.length) break;
      last = p;
      p += 2 + n;
    }
    return { bytes: bytes, last: last, end: p, clean: writtenExtent(bytes.subarray(p)) === 0 };
  }

  private write(name: string, data: Uint8Array, offset: number, size?: number): void {
    let ok: boolean;
    try {
      ok = size === undefined ? this.fs.write(name, data, offset) : this.fs.write(name, data, offset, size);
    } catch (e) {
      throw new HalError('STORAGE_IO', 'Storage.write ' + name + ' at ' + offset + ': ' + String((e as Error).message || e));
    }
    if (!ok) throw new HalError('STORAGE_IO', 'Storage.write ' + name + ' at ' + offset + ' failed (' + this.fs.getFree() + ' bytes free)');
  }

  /** Bytes [offset, offset + length) of file `name` (fewer where it ends; length above 0), or undefined without it. */
  private bytesAt(name: string, offset: number, length: number): Uint8Array | undefined {
    const s = this.fs.read(name, offset, length);
    return s === undefined ? undefined : this.toBytes(s);
  }

  /** Where the written part of file `name` ends (0 without it): its last byte that is not 0xFF, sought from the end. */
  private extent(name: string): number {
    for (let end = this.geometry.segmentSize; end > 0; end -= PIECE) {
      const start = Math.max(0, end - PIECE);
      const b = this.bytesAt(name, start, end - start);
      if (!b) return 0;
      const n = writtenExtent(b);
      if (n > 0) return start + n;
    }
    return 0;
  }

  private name(slot: number): string {
    return this.layout.prefix + slot;
  }

  private check(slot: number): void {
    if (!(slot >= 0 && slot < this.geometry.segmentCount && slot === Math.floor(slot))) throw new HalError('BAD_ARGUMENT', 'no segment slot ' + slot);
  }
}

/** The bytes of a string of char codes 0..255 (what Storage.read returns), where no `E.toUint8Array` is given. */
function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function u16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}
