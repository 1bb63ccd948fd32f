/**
 * The NDEF mapping of Type 2 tags below the message (NFC Forum T2T; reference §5.5): the capability container in
 * page 3 and the TLV area that starts at byte 16 (page 4) and spans the data area the CC declares.
 *
 * Lock Control and Memory Control TLVs declare bytes inside the data area that belong to lock bits or are reserved;
 * those bytes are not part of the TLV stream, so reading and writing skip them ({@link DataCursor}). Scanning stops
 * at the first NDEF Message TLV (as phones and nfcpy do), at a Terminator, or at the end of the data area.
 *
 * Nothing here throws or reads outside the image; every loop advances by at least one byte of a bounded area.
 */
import { finding, parsed, type Parsed } from './findings.js';
import { hexBytes, hexH } from '../../hal/hex.js';
import { copyBytes } from '../../hal/bytes.js';

export const TLV_NULL = 0x00;
export const TLV_LOCK_CONTROL = 0x01;
export const TLV_MEMORY_CONTROL = 0x02;
export const TLV_NDEF = 0x03;
export const TLV_PROPRIETARY = 0xfd;
export const TLV_TERMINATOR = 0xfe;

export const CC_MAGIC = 0xe1;
/** Byte address of the CC (page 3) and of the data area (page 4). */
export const CC_OFFSET = 12;
export const DATA_AREA_START = 16;

export interface CapabilityContainer {
  bytes: Uint8Array;
  /** Mapping version byte (10h = 1.0); major in the high nibble. */
  version: number;
  /** Data area size in bytes (CC byte 2 × 8). */
  dataAreaSize: number;
  /** High nibble of CC byte 3: 0h = read access without restriction. */
  readAccess: number;
  /** Low nibble of CC byte 3: 0h = writable, Fh = read-only, others reserved (treated as not writable). */
  writeAccess: number;
}

/**
 * The CC in `image[12..16)`. `dataLimit` = byte address the data area may not pass (default: the image length;
 * give the end of user memory when the image also holds configuration pages).
 */
export function parseCapabilityContainer(image: Uint8Array, dataLimit?: number): Parsed<CapabilityContainer> {
  if (image.length < DATA_AREA_START) return finding('IMAGE_SHORT', 'image of ' + image.length + ' bytes ends before the capability container', image.length);
  return parseCcBytes(image.subarray(CC_OFFSET, DATA_AREA_START), dataLimit === undefined ? image.length : Math.min(dataLimit, image.length));
}

/** The 4 CC bytes on their own; the data area must end at or before byte address `dataLimit`. */
export function parseCcBytes(bytes: Uint8Array, dataLimit: number): Parsed<CapabilityContainer> {
  const cc = copyBytes(bytes, 0, 4);
  if ((cc[0] | cc[1] | cc[2] | cc[3]) === 0) return finding('CC_BLANK', 'CC is 00 00 00 00: not formatted for NDEF', CC_OFFSET);
  if (cc[0] !== CC_MAGIC) return finding('CC_MAGIC', 'CC ' + hexBytes(cc) + ' does not start with E1h', CC_OFFSET);
  if (cc[1] >> 4 !== 1) return finding('CC_VERSION', 'NDEF mapping version ' + (cc[1] >> 4) + '.' + (cc[1] & 15) + ': major must be 1', CC_OFFSET + 1);
  const size = cc[2] * 8;
  if (size === 0) return finding('CC_SIZE', 'CC declares an empty data area', CC_OFFSET + 2);
  if (DATA_AREA_START + size > dataLimit) return finding('CC_SIZE', 'CC declares ' + size + ' data bytes, the tag has ' + Math.max(0, dataLimit - DATA_AREA_START), CC_OFFSET + 2);
  if (cc[3] >> 4 !== 0) return finding('CC_NO_READ', 'CC read access ' + hexH(cc[3] >> 4) + ': not readable under the NDEF mapping', CC_OFFSET + 3);
  return parsed({ bytes: cc, version: cc[1], dataAreaSize: size, readAccess: cc[3] >> 4, writeAccess: cc[3] & 15 });
}

/** Largest data area a CC can declare (FFh × 8), for tags whose type is not known. */
export const MAX_DATA_AREA = 255 * 8;

/** Bytes a Lock Control or Memory Control TLV takes out of the data area: addresses [from, to). */
export interface ReservedArea {
  kind: 'lock' | 'memory';
  from: number;
  to: number;
  /** Address of the control TLV that declared it. */
  tlvOffset: number;
}

/**
 * Position, size and page size of a control TLV value (T2T 2.3.1–2.3.2): byte 0 high nibble = page, low nibble =
 * byte offset; byte 1 = size (lock: bits, memory: bytes; 0 = 256); byte 2 low nibble = log2(bytes per page).
 */
export function controlArea(kind: 'lock' | 'memory', v0: number, v1: number, v2: number, tlvOffset: number): ReservedArea {
  const from = (v0 >> 4) * (1 << (v2 & 0x0f)) + (v0 & 0x0f);
  const size = v1 === 0 ? 256 : v1;
  return { kind: kind, from: from, to: from + (kind === 'lock' ? (size + 7) >> 3 : size), tlvOffset: tlvOffset };
}

/** Walks the data area in address order, stepping over reserved areas. */
export class DataCursor {
  /** Next address to look at (may be inside a reserved area until {@link next} skips it). */
  pos: number;
  private readonly areas: ReservedArea[] = [];

  constructor(readonly end: number, start?: number) {
    this.pos = start === undefined ? DATA_AREA_START : start;
  }

  /** Reserved areas in order of their start (as added). */
  get reserved(): ReservedArea[] {
    return this.areas.slice();
  }

  /** Adds an area; kept sorted by start so one pass of {@link skip} is enough. */
  add(area: ReservedArea): void {
    let i = this.areas.length;
    while (i > 0 && this.areas[i - 1].from > area.from) i--;
    this.areas.splice(i, 0, area);
  }

  /** `addr`, or the first address after the reserved areas that contain it. */
  skip(addr: number): number {
    let a = addr;
    for (let i = 0; i < this.areas.length; i++) if (a >= this.areas[i].from && a < this.areas[i].to) a = this.areas[i].to;
    return a;
  }

  /** Usable bytes from the usable address `a` up to the next reserved area or the end: one run to copy at once. */
  runLength(a: number): number {
    let to = this.end;
    for (let i = 0; i < this.areas.length; i++) if (this.areas[i].from > a && this.areas[i].from < to) to = this.areas[i].from;
    return to - a;
  }

  /** Address of the next usable byte, consumed; -1 at the end of the data area. */
  next(): number {
    const a = this.skip(this.pos);
    if (a >= this.end) {
      this.pos = this.end;
      return -1;
    }
    this.pos = a + 1;
    return a;
  }

  /** Usable bytes from the current position to the end. */
  remaining(): number {
    let n = 0;
    for (let a = this.skip(this.pos); a < this.end; a = this.skip(a + 1)) n++;
    return n;
  }
}

export interface TlvEntry {
  type: number;
  /** Address of the T byte. */
  offset: number;
  /** Value length (0 for NULL and Terminator). */
  length: number;
}

/** The first NDEF Message TLV. */
export interface NdefTlv {
  offset: number;
  /** Size of the L field: 1, or 3 (FFh + 2 bytes big-endian). */
  lengthBytes: number;
  /** The value, gathered around reserved bytes ({@link ndefAddresses} gives the address of each byte). */
  message: Uint8Array;
}

export interface TlvLayout {
  cc: CapabilityContainer;
  /** End of the data area (exclusive): 16 + CC size. */
  dataEnd: number;
  reserved: ReservedArea[];
  /** TLVs seen, in order, NULL TLVs left out. */
  tlvs: TlvEntry[];
  /** Null when the scan found no NDEF TLV, or stopped at its T byte (`stopAtNdef`). */
  ndef: NdefTlv | null;
  /** Where an NDEF TLV written now begins: the first NDEF TLV, else the Terminator, else after the last TLV. */
  insertAt: number;
}
