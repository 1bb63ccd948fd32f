import { HalError } from '../../hal/errors.js';
import { checkAppend, writtenExtent, type SegmentGeometry, type SegmentStorage, type StateCopy } from '../../hal/storage.js';
import type { NorFlash } from './nor-flash.js';
import { copyBytes } from '../../hal/bytes.js';

export interface NorSegmentStorageOptions {
  /** Sectors per segment slot. Default 1. */
  sectorsPerSegment?: number;
}

/** Sectors 0 and 1 hold the state copies A and B; segment slots follow. */
const STATE_SECTORS = 2;

/**
 * SegmentStorage on raw NOR flash, the way an MCU driver would do it. A slot is a run of sectors; its written
 * extent is found after power-up by scanning back over 0xFF; appends are split at page boundaries; erase goes
 * back to front so the segment header dies last. Each state copy is one sector used as a small log of
 * length-prefixed versions (u16 LE + bytes): a new version is programmed after the last one, and the sector is
 * erased only when full or damaged, so acks cost an erase only every few dozen writes (wear).
 */
export class NorSegmentStorage implements SegmentStorage {
  readonly geometry: SegmentGeometry;
  private readonly perSlot: number;
  private readonly extents: number[] = [];

  constructor(
    private readonly flash: NorFlash,
    options: NorSegmentStorageOptions = {},
  ) {
    this.perSlot = options.sectorsPerSegment ?? 1;
    const count = Math.floor((flash.sectorCount - STATE_SECTORS) / this.perSlot);
    if (count < 1) throw new HalError('BAD_ARGUMENT', 'flash too small for state sectors and one segment');
    this.geometry = { segmentCount: count, segmentSize: this.perSlot * flash.sectorSize, stateSize: flash.sectorSize - 2 };
    for (let i = 0; i < count; i++) this.extents.push(-1);
  }

  list(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.geometry.segmentCount; i++) if (this.length(i) > 0) out.push(i);
    return out;
  }

  length(slot: number): number {
    this.slotCheck(slot);
    if (this.extents[slot] < 0) this.extents[slot] = writtenExtent(this.flash.read(this.base(slot), this.geometry.segmentSize));
    return this.extents[slot];
  }

  read(slot: number, offset: number, into: Uint8Array): void {
    this.slotCheck(slot);
    if (!(offset >= 0 && offset + into.length <= this.geometry.segmentSize)) {
      throw new HalError('BAD_ARGUMENT', `read ${offset}+${into.length} outside a ${this.geometry.segmentSize}-byte segment`);
    }
    into.set(this.flash.read(this.base(slot) + offset, into.length));
  }

  append(slot: number, data: Uint8Array): void {
    const at = this.length(slot);
    checkAppend(data, at, this.geometry.segmentSize);
    this.programAt(this.base(slot) + at, data);
    this.extents[slot] = at + data.length;
  }

  sync(slot: number): void {
    this.slotCheck(slot); // a completed page program is already durable
  }

  erase(slot: number): void {
    this.slotCheck(slot);
    this.extents[slot] = -1;
    const first = STATE_SECTORS + slot * this.perSlot;
    for (let s = first + this.perSlot - 1; s >= first; s--) this.flash.eraseSector(s);
    this.extents[slot] = 0;
  }

  readState(copy: StateCopy): Uint8Array | undefined {
    const log = this.stateLog(copy);
    return log.last >= 0 ? copyBytes(log.bytes, log.last + 2, log.last + 2 + u16(log.bytes, log.last)) : undefined;
  }

  writeState(copy: StateCopy, data: Uint8Array): void {
    if (!(data.length >= 1 && data.length <= this.geometry.stateSize) || data[data.length - 1] === 0xff) {
      throw new HalError('BAD_ARGUMENT', `state of ${data.length} bytes`);
    }
    const log = this.stateLog(copy);
    let at = log.end;
    if (!log.clean || at + 2 + data.length > this.flash.sectorSize) {
      this.flash.eraseSector(copy);
      at = 0;
    }
    const rec = new Uint8Array(2 + data.length);
    rec[0] = data.length & 0xff;
    rec[1] = data.length >> 8;
    rec.set(data, 2);
    this.programAt(copy * this.flash.sectorSize + at, rec);
  }

  /** Walks a state sector's versions: the last one, where the next goes, and whether everything after is erased. */
  private stateLog(copy: StateCopy): { bytes: Uint8Array; last: number; end: number; clean: boolean } {
    if (copy !== 0 && copy !== 1) throw new HalError('BAD_ARGUMENT', `no state copy ${String(copy)}`);
    const bytes = this.flash.read(copy * this.flash.sectorSize, this.flash.sectorSize);
    let p = 0;
    let last = -1;
    while (p + 2 <= bytes.length) {
      const n = u16(bytes, p);
      if (n === 0xffff || n === 0 || p + 2 + n > bytes.length) break;
      last = p;
      p += 2 + n;
    }
    return { bytes, last, end: p, clean: writtenExtent(bytes.subarray(p)) === 0 };
  }

  private programAt(addr: number, data: Uint8Array): void {
    let i = 0;
    while (i < data.length) {
      const room = this.flash.pageSize - ((addr + i) % this.flash.pageSize);
      const n = Math.min(room, data.length - i);
      this.flash.program(addr + i, data.subarray(i, i + n));
      i += n;
    }
  }

  private base(slot: number): number {
    return (STATE_SECTORS + slot * this.perSlot) * this.flash.sectorSize;
  }

  private slotCheck(slot: number): void {
    if (!(slot >= 0 && slot < this.geometry.segmentCount && slot === Math.floor(slot))) {
      throw new HalError('BAD_ARGUMENT', `no segment slot ${slot}`);
    }
  }
}

function u16(b: Uint8Array, at: number): number {
  return b[at] | (b[at + 1] << 8);
}
