// SegmentStorage on files in one directory (Raspberry Pi, or any Node host). Node-only.
import { closeSync, constants, existsSync, fdatasyncSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { HalError } from '../errors.js';
import { checkAppend, writtenExtent, type SegmentGeometry, type SegmentStorage, type StateCopy } from '../storage.js';

export interface FileSegmentStorageOptions {
  /** Directory of the queue; created if missing. Nothing else should write there. */
  dir: string;
  /** Default 64. */
  segmentCount?: number;
  /** Default 1 MiB. */
  segmentSize?: number;
  /** Default 4096. */
  stateSize?: number;
}

const SEGMENT_FILE = /^seg-(\d+)$/;
const CHUNK = 65536;

/**
 * Slot i is the file `seg-<i>`; state copies are `state-0` and `state-1`.
 *
 * - A segment file is created whole, filled with 0xFF (what the interface calls erased), then fdatasync'ed and the
 *   directory fsync'ed. Appends overwrite that fill in place (pwrite) and `sync` is one fdatasync: the file's size
 *   and blocks never change after creation, so fdatasync flushes data only, no journal commit for the metadata.
 * - Bytes past the end of a short file (a fill cut by a crash) read as 0xFF, like the fill.
 * - `erase` unlinks the file and fsyncs the directory.
 * - `writeState` writes `state-N.tmp`, fsyncs it, renames it over `state-N` and fsyncs the directory: the copy is
 *   either old or new after a crash (the A/B copies above it then only guard against media damage).
 */
export class FileSegmentStorage implements SegmentStorage {
  readonly geometry: SegmentGeometry;
  private readonly dir: string;
  private readonly fds: Array<number | undefined> = [];
  private readonly extents: number[] = [];
  private fill: Uint8Array | undefined;
  private chunk: Uint8Array | undefined;

  constructor(options: FileSegmentStorageOptions) {
    this.dir = options.dir;
    this.geometry = {
      segmentCount: options.segmentCount ?? 64,
      segmentSize: options.segmentSize ?? 1 << 20,
      stateSize: options.stateSize ?? 4096,
    };
    io('open ' + this.dir, () => mkdirSync(this.dir, { recursive: true }));
    for (let i = 0; i < this.geometry.segmentCount; i++) this.extents.push(-1);
  }

  list(): number[] {
    const slots: number[] = [];
    for (const name of io('list', () => readdirSync(this.dir))) {
      const m = SEGMENT_FILE.exec(name);
      if (m && Number(m[1]) < this.geometry.segmentCount) slots.push(Number(m[1]));
    }
    return slots.sort((a, b) => a - b).filter((s) => this.length(s) > 0);
  }

  length(slot: number): number {
    this.slotCheck(slot);
    if (this.extents[slot] < 0) this.extents[slot] = io('length', () => this.scanExtent(slot));
    return this.extents[slot];
  }

  read(slot: number, offset: number, into: Uint8Array): void {
    this.slotCheck(slot);
    if (!(offset >= 0 && offset + into.length <= this.geometry.segmentSize)) {
      throw new HalError('BAD_ARGUMENT', `read ${offset}+${into.length} outside a ${this.geometry.segmentSize}-byte segment`);
    }
    const fd = this.fd(slot, false);
    const n = fd === undefined ? 0 : io('read', () => readFully(fd, into, offset));
    if (n < into.length) into.fill(0xff, n);
  }

  append(slot: number, data: Uint8Array): void {
    const at = this.length(slot);
    checkAppend(data, at, this.geometry.segmentSize);
    const fd = this.fd(slot, true) as number;
    if (at === 0) this.preallocate(fd);
    io('append', () => {
      let done = 0;
      while (done < data.length) done += writeSync(fd, data, done, data.length - done, at + done);
    });
    this.extents[slot] = at + data.length;
  }

  sync(slot: number): void {
    this.slotCheck(slot);
    const fd = this.fds[slot];
    if (fd !== undefined) io('sync', () => fdatasyncSync(fd));
  }

  erase(slot: number): void {
    this.slotCheck(slot);
    this.extents[slot] = -1;
    this.closeSlot(slot);
    const path = this.segmentPath(slot);
    io('erase', () => {
      if (existsSync(path)) {
        unlinkSync(path);
        this.syncDir();
      }
    });
    this.extents[slot] = 0;
  }

  readState(copy: StateCopy): Uint8Array | undefined {
    const path = join(this.dir, 'state-' + stateIndex(copy));
    const bytes = io('read state', () => (existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined));
    return bytes && bytes.length ? bytes : undefined;
  }

  writeState(copy: StateCopy, data: Uint8Array): void {
    if (!(data.length >= 1 && data.length <= this.geometry.stateSize) || data[data.length - 1] === 0xff) {
      throw new HalError('BAD_ARGUMENT', `state of ${data.length} bytes`);
    }
    const path = join(this.dir, 'state-' + stateIndex(copy));
    io('write state', () => {
      const fd = openSync(path + '.tmp', 'w');
      try {
        writeSync(fd, data);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(path + '.tmp', path);
      this.syncDir();
    });
  }

  /** Closes every file (the storage can be reopened by a new instance on the same directory). */
  close(): void {
    for (let i = 0; i < this.fds.length; i++) this.closeSlot(i);
  }

  private fd(slot: number, create: boolean): number | undefined {
    const open = this.fds[slot];
    if (open !== undefined) return open;
    const path = this.segmentPath(slot);
    if (!create && !existsSync(path)) return undefined;
    const fd = io('open segment', () => openSync(path, constants.O_RDWR | constants.O_CREAT));
    this.fds[slot] = fd;
    return fd;
  }

  /** Fills the file up to the segment size with 0xFF, durably, so later appends change no metadata. */
  private preallocate(fd: number): void {
    const size = this.geometry.segmentSize;
    io('create segment', () => {
      const have = fstatSync(fd).size;
      if (have >= size) return;
      if (!this.fill) this.fill = new Uint8Array(size).fill(0xff);
      let done = have;
      while (done < size) done += writeSync(fd, this.fill, 0, size - done, done);
      fdatasyncSync(fd);
      this.syncDir();
    });
  }

  private scanExtent(slot: number): number {
    const fd = this.fd(slot, false);
    if (fd === undefined) return 0;
    let end = Math.min(fstatSync(fd).size, this.geometry.segmentSize);
    if (!this.chunk) this.chunk = new Uint8Array(CHUNK);
    const buf = this.chunk;
    while (end > 0) {
      const start = end > CHUNK ? end - CHUNK : 0;
      const n = readFully(fd, buf.subarray(0, end - start), start);
      const found = writtenExtent(buf.subarray(0, n));
      if (found > 0) return start + found;
      end = start;
    }
    return 0;
  }

  private closeSlot(slot: number): void {
    const fd = this.fds[slot];
    if (fd === undefined) return;
    this.fds[slot] = undefined;
    closeSync(fd);
  }

  private syncDir(): void {
    const fd = openSync(this.dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  private segmentPath(slot: number): string {
    return join(this.dir, 'seg-' + slot);
  }

  private slotCheck(slot: number): void {
    if (!(slot >= 0 && slot < this.geometry.segmentCount && slot === Math.floor(slot))) {
      throw new HalError('BAD_ARGUMENT', `no segment slot ${slot}`);
    }
  }
}

function stateIndex(copy: StateCopy): number {
  if (copy !== 0 && copy !== 1) throw new HalError('BAD_ARGUMENT', `no state copy ${String(copy)}`);
  return copy;
}

/** Reads into `out` from `position` until it is full or the file ends; returns the bytes read. */
function readFully(fd: number, out: Uint8Array, position: number): number {
  let n = 0;
  while (n < out.length) {
    const got = readSync(fd, out, n, out.length - n, position + n);
    if (got === 0) break;
    n += got;
  }
  return n;
}

/** Runs a file-system step, turning its failure into the interface's STORAGE_IO error. */
function io<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof HalError) throw e;
    throw new HalError('STORAGE_IO', what + ': ' + (e instanceof Error ? e.message : String(e)));
  }
}
