import { HalError, SealscanError } from '../../hal/errors.js';
import type { SimTime } from '../clock.js';
import { byteList, copyBytes } from '../../hal/bytes.js';

/** Thrown by every operation once the simulated power is gone: the firmware instance is dead until a reboot. */
export class PowerLossError extends SealscanError {
  declare readonly code: 'POWER_LOSS';
  constructor(what: string) {
    super('POWER_LOSS', 'POWER_LOSS: ' + what + ' after the power cut');
    this.name = 'PowerLossError';
  }
}

export interface NorFlashOptions {
  /** Erase unit in bytes. Default 4096. */
  sectorSize?: number;
  /** Number of sectors. Default 64 (256 KiB). */
  sectorCount?: number;
  /** Program unit boundary: one program operation may not cross it (SPI NOR page program). Default 256. */
  pageSize?: number;
  /** The image to power up on (a copy is taken), e.g. what survived a cut. Default: all erased. */
  image?: Uint8Array;
  /** Erase counts per sector carried over from before a reboot (wear). */
  eraseCounts?: ArrayLike<number>;
  /** When given, operations advance it by their typical duration (datasheet-like W25Q figures below). */
  clock?: SimTime;
  /** Page program and sector erase times in ms. Default 0.7 and 45. */
  timing?: { programMs: number; eraseMs: number };
  /**
   * Called after every program or erase, also one a power cut stopped part-way, with the address and the bytes the
   * range it touched now holds (a view: copy to keep). Lets a backend mirror the medium, e.g. the simulator's flash
   * file, so that what survives a cut or a restart is exactly what this model holds.
   */
  onWrite?: (addr: number, bytes: Uint8Array) => void;
}

/** Where the next power cut falls: after `ops` more program/erase operations, the last cut after `bytes` bytes. */
interface CutPlan {
  ops: number;
  bytes: number | undefined;
}

/**
 * NOR flash as firmware meets it: erased bytes read 0xFF, programming can only clear bits (the new byte is the AND of
 * old and new), only a sector erase sets them again. A power cut is a counted stop: after the N-th program or erase
 * from now, optionally truncated after k bytes of that operation; every operation afterwards throws
 * {@link PowerLossError} until a test boots a new instance on {@link image} (see {@link restart}).
 */
export class NorFlash {
  readonly sectorSize: number;
  readonly sectorCount: number;
  readonly pageSize: number;
  private readonly mem: Uint8Array;
  private readonly erases: Uint32Array;
  private plan: CutPlan | undefined;
  private dead = false;
  /** Operations and bytes since power-up; `overwrites` counts programs that tried to turn a 0 bit back into 1. */
  readonly stats = { programs: 0, erases: 0, bytesProgrammed: 0, overwrites: 0 };

  constructor(private readonly options: NorFlashOptions = {}) {
    this.sectorSize = options.sectorSize ?? 4096;
    this.sectorCount = options.sectorCount ?? 64;
    this.pageSize = options.pageSize ?? 256;
    this.mem = new Uint8Array(this.sectorSize * this.sectorCount).fill(0xff);
    if (options.image) this.mem.set(options.image.subarray(0, this.mem.length));
    this.erases = new Uint32Array(this.sectorCount);
    if (options.eraseCounts) this.erases.set(byteList(options.eraseCounts).slice(0, this.sectorCount));
  }

  get size(): number {
    return this.mem.length;
  }

  // --- bus face -----------------------------------------------------------------------------------------------

  read(addr: number, length: number): Uint8Array {
    this.alive('read');
    this.check(addr, length);
    return copyBytes(this.mem, addr, addr + length);
  }

  /** Programs `data` at `addr` (within one page). Bits only go from 1 to 0. */
  program(addr: number, data: Uint8Array): void {
    this.alive('program');
    this.check(addr, data.length);
    if (Math.floor(addr / this.pageSize) !== Math.floor((addr + data.length - 1) / this.pageSize)) {
      throw new HalError('BAD_ARGUMENT', `program of ${data.length} bytes at ${addr} crosses a ${this.pageSize}-byte page`);
    }
    const cut = this.tick();
    const n = cut === undefined ? data.length : Math.min(cut, data.length);
    let raises = false;
    for (let i = 0; i < n; i++) {
      const old = this.mem[addr + i];
      if (data[i] & ~old & 0xff) raises = true;
      this.mem[addr + i] = old & data[i];
    }
    if (raises) this.stats.overwrites++;
    this.options.onWrite?.(addr, this.mem.subarray(addr, addr + data.length));
    this.stats.programs++;
    this.stats.bytesProgrammed += n;
    this.options.clock?.advance(this.options.timing?.programMs ?? 0.7);
    if (cut !== undefined) throw new PowerLossError('program');
  }

  eraseSector(sector: number): void {
    this.alive('erase');
    if (!(sector >= 0 && sector < this.sectorCount)) throw new HalError('BAD_ARGUMENT', `no sector ${sector}`);
    const cut = this.tick();
    const base = sector * this.sectorSize;
    if (cut === undefined) this.mem.fill(0xff, base, base + this.sectorSize);
    else this.partialErase(base, sector, cut / this.sectorSize);
    this.erases[sector]++;
    this.stats.erases++;
    this.options.onWrite?.(base, this.mem.subarray(base, base + this.sectorSize));
    this.options.clock?.advance(this.options.timing?.eraseMs ?? 45);
    if (cut !== undefined) throw new PowerLossError('erase');
  }

  // --- world face ---------------------------------------------------------------------------------------------

  /**
   * Cuts the power after the `ops`-th program or erase counted from now (1 = the next one). Without `bytes` that
   * operation completes and the power dies right after it; with `bytes` it is cut short: a program keeps only its
   * first `bytes` bytes, an erase gets `bytes / sectorSize` of the way (a deterministic mix of erased, partly
   * erased and untouched bytes) and throws.
   */
  cutAfter(ops: number, bytes?: number): void {
    if (!(ops >= 1)) throw new HalError('BAD_ARGUMENT', 'cutAfter: ops counts from 1');
    this.plan = { ops, bytes };
  }

  /** The power goes now, between two operations: every later operation throws {@link PowerLossError}. */
  powerOff(): void {
    this.plan = undefined;
    this.dead = true;
  }

  /** True once the power is gone. */
  get poweredOff(): boolean {
    return this.dead;
  }

  /** A new chip powered up on what survived here (image and wear), as a reboot sees it. */
  restart(options: Omit<NorFlashOptions, 'image' | 'eraseCounts'> = {}): NorFlash {
    return new NorFlash({ ...this.options, ...options, image: this.mem, eraseCounts: this.erases });
  }

  // --- back door ----------------------------------------------------------------------------------------------

  /** A copy of the whole memory. */
  image(): Uint8Array {
    return copyBytes(this.mem);
  }

  /** Erase count of each sector (wear). */
  eraseCounts(): number[] {
    return byteList(this.erases);
  }

  private alive(what: string): void {
    if (this.dead) throw new PowerLossError(what);
  }

  private check(addr: number, length: number): void {
    if (!(addr >= 0 && length >= 0 && addr + length <= this.mem.length)) {
      throw new HalError('BAD_ARGUMENT', `flash access ${addr}+${length} outside ${this.mem.length} bytes`);
    }
  }

  /** Counts one program/erase; returns the byte count to cut it at, or undefined to let it finish. */
  private tick(): number | undefined {
    const p = this.plan;
    if (!p) return undefined;
    if (--p.ops > 0) return undefined;
    this.plan = undefined;
    this.dead = true;
    return p.bytes;
  }

  /** An erase stopped part-way: bits drift to 1 unevenly, so the sector is neither old nor erased. */
  private partialErase(base: number, sector: number, progress: number): void {
    let h = (sector * 2654435761 + this.erases[sector] * 40503 + 1) >>> 0;
    for (let i = 0; i < this.sectorSize; i++) {
      h = (h ^ (h << 13)) >>> 0;
      h = (h ^ (h >>> 17)) >>> 0;
      h = (h ^ (h << 5)) >>> 0;
      const r = h / 4294967296;
      if (r < progress) this.mem[base + i] = 0xff;
      else if (r < progress + 0.1) this.mem[base + i] |= (h >>> 8) & 0xff;
    }
  }
}
